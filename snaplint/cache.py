"""Lint results cache and worker processes: the ``Runner`` that ``snaplint lint`` hands the linter.

Cache (ruff-style)
------------------
One JSON file per project and settings under the cache folder (default
``<project root>/.snaplint_cache``; ``--cache-dir``, ``SNAPLINT_CACHE_DIR``, ``cache.dir`` in
the config; off with ``--no-cache``, ``SNAPLINT_NO_CACHE=1`` or ``cache.enabled: false``)::

    .snaplint_cache/v1/<settings key>.json       per-file results + the project stage
    .snaplint_cache/v1/<settings key>.docs.json  document data for the project stage

The **settings key** hashes everything a file's own results depend on besides its bytes:
snaplint's version and a fingerprint of its code and schemas (size and mtime of every module,
so an editable install never serves results of older code), every rule's module (plugins
included, so a plugin upgrade invalidates), the libraries that parse and validate, and the
effective configuration (enabled rules, severities, rule options, API revision, mode, size
limit) plus today's date (rules may compare with the clock). A file's entry is used only when
the **blake2b hash of its bytes** matches. Suppressions and per-file ignores are applied after
the cache on every run, so editing them needs no invalidation. ``--resolve-env`` runs are
never cached: their results depend on environment values, which are often secrets.

Project rules (duplicate names, cname+uid conflicts) look at every document, so a cache hit
for one file says nothing about them. The project stage is cached as a whole, keyed by the
set of (path, display name, content hash) of every file in the run: unchanged set → its
diagnostics are reused. Otherwise project rules run again over every checked document: those
of changed files come from linting them, those of cached files from the ``.docs.json`` store
(document data, written only for documents without a literal secret value, so the cache
never holds one) or, failing that, from parsing the file again. Positions of a cached
document are recovered by parsing only when a project rule reports on it.

Writes are atomic (temporary file + ``os.replace``), so concurrent runs never see a torn
file; the last writer wins, and a lost update is only a cache miss later. A corrupt or
foreign file is ignored. The cache holds no pickles: loading it cannot run code.

Workers
-------
With many files to lint (a cold run on a large tree), the misses are split over worker
processes (``fork``; one per CPU, ``--jobs``). Each worker reads, parses and checks its
share and sends back slim results (diagnostics, plus document data when project rules need
it), never node trees. Where ``fork`` is unavailable the run stays in one process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.config import CACHE_DIR_NAME
from snaplint.diagnostics import Diagnostic, Edit, Fix, JsonPath
from snaplint.manifest import (
    DEFAULT_MAX_FILE_SIZE,
    Document,
    LoadedFile,
    Problem,
    Source,
    decode,
    display_path,
    parse,
    read_bytes,
)
from snaplint.rule import ABSENT, from_row, project_row

if TYPE_CHECKING:
    from snaplint.linter import FileOutcome, Linter, LintResult

CACHE_FORMAT = 1
DEFAULT_DIR = CACHE_DIR_NAME
PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves
CHUNK_FILES = 250  # files per message to a worker
SPOOL_IN_MEMORY = 1 << 20  # bytes of new cache entries kept in memory before spooling to disk
STALE_AFTER = 30 * 24 * 3600  # settings files unused this long are removed


# --------------------------------------------------------------------------- documents


class DetachedDocument(Document):
    """A document kept for the project stage without its node tree (most of its memory),
    often with only the fields the project rules declared, and perhaps without its text.

    Project rules read ``data``; when one reports on this document (or reads ``root``), the
    text is read again if needed and the tree recovered by parsing it; ``full()`` gives the
    document with all of its data.
    """

    _path: str | None = None
    _display: str | None = None
    _source: Source | None = None
    _root: Any = None
    _full: Document | None = None

    @classmethod
    def lazy(cls, path: str, display: str, index: int, data: Any, kind: str) -> DetachedDocument:
        """A document whose file is read only if a project rule needs its text."""
        # one per job of a large tree: skip the dataclass __init__ (source/root are properties)
        doc = object.__new__(cls)
        doc.__dict__.update(
            index=index, data=data, kind=kind, problems=[], _path=path, _display=display
        )
        return doc

    @property  # type: ignore[override]
    def source(self) -> Source:
        if self._source is None and self._path is not None:
            self._source = _read_source(self._path, self._display or self._path) or Source(
                self._path, self._display or self._path, ""
            )
        return self._source  # type: ignore[return-value]

    @source.setter
    def source(self, value: Source | None) -> None:
        self._source = value

    @property  # type: ignore[override]
    def root(self) -> Any:
        if self._root is None:
            self._root = _reparse_root(self.source, self.index)
        return self._root

    @root.setter
    def root(self, value: Any) -> None:
        self._root = value

    def full(self) -> Document:
        if self._full is None:
            documents, _ = parse(self.source)
            self._full = next((d for d in documents if d.index == self.index), self)
        return self._full


# the project fields and their positions in a project row
_Layout = tuple[tuple[tuple[str | int, ...], ...], dict[tuple[str | int, ...], int]]


class ProjectDocument(DetachedDocument):
    """A job kept for the project stage as its project row: the value at each path the project
    rules declared (``PROJECT_FIELDS``), nothing else.

    ``get`` of a declared path reads the row; ``data`` rebuilds the pruned mapping on each use
    (rules reach for it rarely), so a large tree does not hold a tree of small mappings per job.
    """

    _row: tuple[Any, ...] = ()
    _fields: tuple[tuple[str | int, ...], ...] = ()
    _slots: dict[tuple[str | int, ...], int] = {}  # noqa: RUF012 (read-only default)

    @classmethod
    def of(
        cls,
        row: tuple[Any, ...],
        layout: _Layout,
        index: int,
        kind: str,
        *,
        source: Source | None,
        path: str,
        display: str,
    ) -> ProjectDocument:
        doc = object.__new__(cls)
        doc.__dict__.update(
            index=index,
            kind=kind,
            problems=[],
            _row=row,
            _fields=layout[0],
            _slots=layout[1],
            _path=path,
            _display=display,
            _source=source,
        )
        return doc

    @property  # type: ignore[override]
    def data(self) -> Any:
        replaced = self.__dict__.get("_data")
        return replaced if replaced is not None else from_row(self._row, self._fields)

    @data.setter
    def data(self, value: Any) -> None:
        self.__dict__["_data"] = value

    def get(self, path: JsonPath, default: Any = None) -> Any:
        slot = self._slots.get(path) if path.__class__ is tuple else None
        if slot is None or "_data" in self.__dict__:
            return super().get(path, default)
        value = self._row[slot]
        return default if value is ABSENT else value


def _reparse_root(source: Source, index: int) -> Any:
    documents, _ = parse(source)
    for doc in documents:
        if doc.index == index:
            return doc.root
    raise LookupError(f"document {index} of {source.display} changed while linting")


def detach(doc: Document) -> DetachedDocument:
    return DetachedDocument(doc.source, doc.index, None, doc.data, doc.kind)


# --------------------------------------------------------------------------- (de)serialising


def _diag_row(d: Diagnostic) -> list[Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "description": d.fix.description,
            "safe": d.fix.safe,
            "edits": [[e.op, list(e.path), e.value, e.new_key] for e in d.fix.edits],
        }
    return [
        d.line,
        d.column,
        d.end_line,
        d.end_column,
        d.rule,
        d.code,
        d.severity,
        d.message,
        list(d.path),
        d.document,
        fix,
    ]


def _diag_from_row(file: str, row: list[Any]) -> Diagnostic:
    line, col, end_line, end_col, rule, code, severity, message, path, document, fix = row
    fix_obj = None
    if fix is not None:
        edits = tuple(Edit(op, tuple(p), value, new_key) for op, p, value, new_key in fix["edits"])
        fix_obj = Fix(fix["description"], edits, fix["safe"])
    return Diagnostic(
        file,
        line,
        col,
        end_line,
        end_col,
        rule,
        code,
        severity,
        message,
        tuple(path),
        document,
        fix_obj,
    )


def _has_literal_secret(data: Any, names: frozenset[str]) -> bool:
    """True when a secret-named field holds a real value (not a ``${env:…}`` reference)."""
    from snaplint.refs import is_ref

    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in names and v not in (None, "") and not is_ref(v):
                    return True
                if isinstance(v, dict | list):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return False


class Absolute:
    """``os.path.abspath`` for the common case — a clean path — without normpath."""

    def __init__(self) -> None:
        cwd = os.getcwd()
        self._prefix = cwd if cwd.endswith("/") else cwd + "/"

    def __call__(self, path: str) -> str:
        if path.startswith(".") or "/." in path or "//" in path or os.sep != "/":
            return os.path.abspath(path)
        return path if path.startswith("/") else self._prefix + path


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# --------------------------------------------------------------------------- settings key


def _stat_key(path: str | os.PathLike[str] | None) -> str:
    if not path:
        return "-"
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _code_fingerprint(linter: Linter) -> list[str]:
    """Size and mtime of snaplint's code and schemas, every rule module and the parsers."""
    import snaplint
    from snaplint.schema import schema_dir

    out: list[str] = []
    package = Path(snaplint.__file__).parent
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out.extend(_stat_key(os.path.join(folder, f)) for f in sorted(files) if f.endswith(".py"))
    schemas = schema_dir()
    out.extend(_stat_key(p) for p in sorted(schemas.glob("*.json")))
    for rule in linter.table.rules.values():
        out.append(_stat_key(_rule_file(rule)))
    import importlib.util

    # the parsers and validators, found without importing them (whether this run imports
    # jsonschema depends on the files, and the key must not)
    for name in ("yaml", "jsonschema_rs", "jsonschema"):
        spec = importlib.util.find_spec(name)
        out.append(f"{name}={_stat_key(spec.origin if spec else None)}")
    return out


def _rule_file(rule: Any) -> str | None:
    """The source file of a rule: the module itself, or the module defining its class."""
    file = getattr(rule, "__file__", None)
    if isinstance(file, str):
        return file
    module = sys.modules.get(getattr(type(rule), "__module__", "") or "")
    return getattr(module, "__file__", None)


def settings_key(linter: Linter) -> str:
    from snaplint import __version__

    config = linter.config
    settings = {
        "format": CACHE_FORMAT,
        "snaplint": __version__,
        "python": list(sys.version_info[:3]),
        "enabled": sorted(linter.enabled),
        "severity": sorted(linter.severity.items()),
        "options": {rid: dict(ctx.options) for rid, ctx in sorted(linter.contexts.items())},
        "revision": linter.revision,
        "mode": linter.options.mode or config.mode,
        "max_file_size": config.max_file_size or DEFAULT_MAX_FILE_SIZE,
        "plugins": sorted(linter.table.plugin_of.items()),
        "stdin_filename": linter.options.stdin_filename,
        "today": linter.today.isoformat(),
        "code": _code_fingerprint(linter),
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- the cache file


def default_cache_dir(root: Path) -> Path:
    return root / DEFAULT_DIR


class Cache:
    """Entries of one (project, settings key), loaded on open, written back atomically."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = Path(directory)
        self.key = key
        self.folder = self.directory / f"v{CACHE_FORMAT}"
        self.path = self.folder / f"{key}.json"
        self.docs_path = self.folder / f"{key}.docs.json"
        self.files: dict[str, dict[str, Any]] = {}  # as loaded
        self.project: dict[str, Any] = {}
        self._docs: dict[str, Any] | None = None
        # entries and documents of files linted this run, encoded as JSON when they arrive
        # (while workers are still busy) and spooled to a temporary file past a megabyte: a large
        # tree's cache is never held in memory
        self._entries = _Spool()
        self._new_docs = _Spool()
        self.fresh: set[str] = set()  # real paths linted this run
        self.fresh_hashes: set[str] = set()
        self._docs_hashes: set[str] = set()  # content hashes whose documents were spooled
        self.dirty = False  # nothing to write back on a fully warm run
        self.written_ns = 0  # when the loaded cache was written (guards the stat shortcut)
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, encoding="utf-8") as fh:
                self.written_ns = os.fstat(fh.fileno()).st_mtime_ns
                data = json.load(fh)
        except (OSError, ValueError):
            return  # missing, unreadable or torn: start empty
        if (
            not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("key") != self.key
        ):
            return
        files, project = data.get("files"), data.get("project")
        self.files = files if isinstance(files, dict) else {}
        self.project = project if isinstance(project, dict) else {}

    def docs(self) -> dict[str, Any]:
        """Stored document data by content hash (loaded on first use: warm runs rarely need it)."""
        if self._docs is None:
            try:
                with open(self.docs_path, encoding="utf-8") as fh:
                    loaded = json.load(fh)
                self._docs = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._docs = {}
        return self._docs

    def save(self, seen: set[str]) -> None:
        """Write entries back; entries of files not seen this run survive while the file exists."""
        if not self.dirty:
            return
        kept = {
            real: entry
            for real, entry in self.files.items()
            if real not in self.fresh and (real in seen or os.path.exists(real))
        }
        try:
            self._prepare()
            with _atomic(self.path) as fh:
                fh.write(f'{{"format":{CACHE_FORMAT},"key":{_encode(self.key)},"files":{{')
                _members(fh, (_pair(real, entry) for real, entry in kept.items()), self._entries)
                fh.write(f'}},"project":{_encode(self.project)}}}')
            if self._new_docs.count:
                live = self.fresh_hashes | {e.get("h") for e in kept.values()}
                spooled = self._docs_hashes
                old = self.docs()
                with _atomic(self.docs_path) as fh:
                    fh.write("{")
                    _members(
                        fh,
                        (_pair(h, v) for h, v in old.items() if h in live and h not in spooled),
                        self._new_docs,
                    )
                    fh.write("}")
            self._prune()
        except OSError:
            pass  # a read-only checkout or full disk: lint results are still correct
        finally:
            self._entries.close()
            self._new_docs.close()

    def put(self, real: str, entry: dict[str, Any], docs: list[Any] | None) -> None:
        """Record a file linted this run (and its checked documents, when they may be kept)."""
        self.dirty = True
        self.fresh.add(real)
        self.fresh_hashes.add(entry["h"])
        self._entries.add(_pair(real, entry))
        if docs is not None and entry["h"] not in self._docs_hashes:
            self._docs_hashes.add(entry["h"])
            self._new_docs.add(_pair(entry["h"], docs))

    def _prepare(self) -> None:
        created = not self.directory.exists()
        self.folder.mkdir(parents=True, exist_ok=True)
        if created:
            # like .ruff_cache: never committed, skipped by backup tools
            (self.directory / ".gitignore").write_text("# created by snaplint\n*\n")
            (self.directory / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by snaplint.\n"
            )

    def _prune(self) -> None:
        now = time.time()
        for entry in os.scandir(self.folder):
            if entry.name.startswith(self.key):
                continue
            try:
                if now - entry.stat().st_mtime > STALE_AFTER:
                    os.unlink(entry.path)
            except OSError:
                continue


# one encoder for the run: json.dumps with options builds a new one per call. encode(), not
# dump(): only encode uses the C encoder.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _encode(value: Any) -> str:
    return _ENCODER.encode(value)


def _pair(key: str, value: Any) -> str:
    """``"key":value`` of a JSON object."""
    return _encode(key) + ":" + _encode(value)


class _Spool:
    """Comma-separated JSON object members, in memory while small, in a temporary file past
    a megabyte (deleted when closed, or by the system if the process dies)."""

    def __init__(self) -> None:
        self.count = 0
        self._fh: Any = None
        self.failed = False  # a full temporary disk: the cache is not written, lint goes on

    def add(self, member: str) -> None:
        if self.failed:
            return
        try:
            if self._fh is None:
                self._fh = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by close())
                    max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
                )
            if self.count:
                self._fh.write(",")
            self._fh.write(member)
            self.count += 1
        except OSError:
            self.failed = True

    def copy_to(self, out: Any) -> None:
        if self.failed:
            raise OSError("the cache spool could not be written")
        if self._fh is not None:
            self._fh.seek(0)
            shutil.copyfileobj(self._fh, out)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _members(out: Any, kept: Iterable[str], spool: _Spool) -> None:
    """Write ``kept`` members and then the spooled ones, comma-separated."""
    first = True
    for member in kept:
        if not first:
            out.write(",")
        out.write(member)
        first = False
    if spool.count:
        if not first:
            out.write(",")
        spool.copy_to(out)


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Any]:
    """A text file written beside ``path`` and moved into place: readers never see it torn."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- linting one file


@dataclass
class _Slim:
    """What a worker (or the in-process path) keeps of one linted file."""

    display: str
    diagnostics: list[Diagnostic]
    text: str | None  # kept when needed: findings, suppressions, project documents
    document_count: int
    checked: list[tuple[int, str, Any]]  # (index, kind, data) of checked docs, if project rules
    secret_free: bool  # no literal secret in any checked document: its data may be cached
    hash: str | None = None  # content hash, when the worker read the file itself
    stat: list[int] | None = None  # (size, mtime) taken before that read


def _lint_bytes(
    linter: Linter, path: str, raw: bytes | Problem | None
) -> tuple[FileOutcome, str | None, list[int] | None]:
    """Check one file: from bytes already read (and hashed), or read here (``raw`` None).

    Returns the outcome and, when read here, the content hash and the (size, mtime) taken
    before reading — so a file changed while being read is never trusted by the stat shortcut.
    """
    h: str | None = None
    stat: list[int] | None = None
    if raw is None:
        stat = _stat(path)
        raw = read_bytes(path, linter.config.max_file_size or DEFAULT_MAX_FILE_SIZE)
        if isinstance(raw, bytes):
            h = content_hash(raw)
    if isinstance(raw, Problem):
        lf = LoadedFile(None, [], [raw])
    else:
        text = decode(raw)
        if isinstance(text, Problem):
            lf = LoadedFile(None, [], [text])
        else:
            source = Source(path, display_path(path), text)
            documents, problems = parse(source)
            lf = LoadedFile(source, documents, problems)
    outcome = linter.check_file(path, lf, real="")  # the parent knows the real path
    return outcome, h, stat


def _slim(
    linter: Linter,
    outcome: FileOutcome,
    secret_names: frozenset[str],
    h: str | None = None,
    stat: list[int] | None = None,
) -> _Slim:
    checked: list[tuple[int, str, Any]] = []
    whole: list[Any] = []  # unpruned data, which may hold literal secrets
    if linter.project_rules:
        fields = linter.project_fields
        for d in outcome.checked:
            # jobs keep only what the project rules read; raw bodies (rare) stay whole
            if fields is not None and d.kind == "job":
                data = project_row(d.data, fields)  # secret-free: tests/test_project_fields.py
            else:
                data = d.data
                whole.append(data)
            checked.append((d.index, d.kind, data))
    text = outcome.source.text if outcome.source is not None else None
    # the text is kept for findings and suppressions only: project findings re-read their file
    keep_text = text is not None and (bool(outcome.diagnostics) or "snaplint:" in text)
    secret_free = not any(_has_literal_secret(data, secret_names) for data in whole)
    return _Slim(
        outcome.display,
        outcome.diagnostics,
        text if keep_text else None,
        outcome.document_count,
        checked,
        secret_free,
        h,
        stat,
    )


_WORKER: dict[str, Any] = {}  # the linter, inherited by forked workers


def _work(chunk: list[tuple[int, str, bytes | Problem]]) -> list[tuple[int, _Slim]]:
    linter = _WORKER["linter"]
    names = _WORKER["secret_names"]
    out = []
    for i, path, raw in chunk:
        outcome, h, stat = _lint_bytes(linter, path, raw)
        out.append((i, _slim(linter, outcome, names, h, stat)))
    return out


# --------------------------------------------------------------------------- the runner


class Runner:
    """Serves files from the cache, lints the rest (in workers when there are many)."""

    def __init__(self, cache_dir: Path | None, jobs: int | None = None) -> None:
        self.cache_dir = cache_dir  # None: no cache
        self.jobs = jobs
        self.stats = {"hits": 0, "misses": 0, "workers": 0, "project_cached": 0}

    def run(self, linter: Linter, paths: Sequence[str], *, stdin: Any = None) -> LintResult:

        use_cache = self.cache_dir is not None and not linter.options.resolve_env
        cache = Cache(self.cache_dir, settings_key(linter)) if use_cache else None
        secret_names = _secret_names()
        max_size = linter.config.max_file_size or DEFAULT_MAX_FILE_SIZE

        outcomes: list[FileOutcome | None] = [None] * len(paths)
        hashes: list[str | None] = [None] * len(paths)
        stats_before: dict[int, list[int] | None] = {}  # stat taken before the parent read it
        todo: list[tuple[int, str, bytes | Problem]] = []
        lazy: dict[int, tuple[Source | None, dict[str, Any]]] = {}
        absolute = Absolute()
        keys: dict[int, str] = {}  # the path a file's cache entry and outcome are keyed by
        for i, path in enumerate(paths):
            if path == "-":
                display = linter.options.stdin_filename
                lf = _load_stdin(path, max_size, stdin, display)
                outcomes[i] = _detached(linter.check_file(path, lf), linter)
                continue
            entry: dict[str, Any] | None = None
            stat: list[int] | None = None
            real = ""
            if cache is not None:
                # absolute, not real, paths: realpath costs a few stats per file, and
                # pre-commit's report_only lists the absolute paths of the files asked for
                real = keys[i] = absolute(path)
                entry = cache.files.get(real)
                stat = _stat(path)
                if entry is not None and _unchanged(entry, stat, cache.written_ns):
                    # same size and mtime, written safely before the cache: same content hash,
                    # no need to read it (git's index and ruff's cache do the same)
                    hashes[i] = entry["h"]
                    self.stats["hits"] += 1
                    outcome, source = _from_entry(path, real, None, entry, linter)
                    outcomes[i] = outcome
                    if entry.get("c"):
                        lazy[i] = (source, entry)
                    continue
            if entry is None:
                todo.append((i, path, None))  # read (and hashed) by whoever lints it
                continue
            raw = read_bytes(path, max_size)
            if isinstance(raw, Problem):
                todo.append((i, path, raw))
                continue
            h = content_hash(raw)
            hashes[i] = h
            if entry is not None and entry.get("h") == h:
                self.stats["hits"] += 1
                entry["st"] = stat  # lets the next run skip reading it
                cache.dirty = True
                outcome, source = _from_entry(path, real, raw, entry, linter)
                outcomes[i] = outcome
                if entry.get("c"):
                    lazy[i] = (source, entry)
            else:
                stats_before[i] = stat
                todo.append((i, path, raw))

        fields = linter.project_fields if linter.project_rules else None
        layout = (fields, {f: n for n, f in enumerate(fields)}) if fields is not None else None
        self.stats["misses"] = len(todo)
        # results are taken in as they stream from the workers, so what is kept per file is
        # its outcome and cache entry, never every worker's answer at once
        for i, slim in self._lint(linter, todo, secret_names):
            path = paths[i]
            real = keys.get(i) or absolute(path)
            outcome = _outcome_from_slim(path, slim, real, layout)
            outcomes[i] = outcome
            h = hashes[i] = hashes[i] or slim.hash
            if cache is not None and h is not None:
                entry = {
                    "h": h,
                    "st": stats_before.get(i, slim.stat),
                    "s": slim.text is not None and "snaplint:" in slim.text,
                    "n": slim.document_count,
                    "d": [_diag_row(d) for d in slim.diagnostics],
                    "c": [[idx, kind] for idx, kind, _ in slim.checked],
                }
                docs = None
                if slim.checked and slim.secret_free:
                    docs = [
                        [idx, kind, from_row(data, layout[0]) if layout and kind == "job" else data]
                        for idx, kind, data in slim.checked
                    ]
                cache.put(real, entry, docs)

        done = [o for o in outcomes if o is not None]
        project = None
        if linter.project_rules:
            project = self._project(linter, done, hashes, lazy, cache, paths)
        result = linter.finish(done, project)
        if cache is not None:
            cache.save({o.real for o in done})
        return result

    # -- per-file stage --

    def _lint(
        self, linter: Linter, todo: list[tuple[int, str, bytes | Problem]], names: frozenset[str]
    ) -> Iterator[tuple[int, _Slim]]:
        """(index, result) of every file to lint, in workers when there are many."""
        jobs = self._jobs(len(todo))
        done: set[int] = set()
        if jobs > 1:
            try:
                for i, slim in self._lint_parallel(linter, todo, names, jobs):
                    done.add(i)
                    yield i, slim
            except Exception:  # a broken pool must not lose results: finish in this process
                pass
        for i, path, raw in todo:
            if i not in done:
                outcome, h, stat = _lint_bytes(linter, path, raw)
                yield i, _slim(linter, outcome, names, h, stat)

    def _jobs(self, n: int) -> int:
        if n < PARALLEL_MIN_FILES:
            return 1
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return 1
        if self.jobs is not None:
            return max(1, self.jobs)
        try:
            cpus = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
        except AttributeError:
            cpus = os.cpu_count() or 1
        return max(1, min(cpus, n // (PARALLEL_MIN_FILES // 2)))

    def _lint_parallel(
        self,
        linter: Linter,
        todo: list[tuple[int, str, bytes | Problem]],
        names: frozenset[str],
        jobs: int,
    ) -> Iterator[tuple[int, _Slim]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from snaplint import schema
        from snaplint.manifest import SCHEMA_FOR_KIND

        # compile the validators once, before forking, instead of once per worker
        for name in SCHEMA_FOR_KIND.values():
            schema._fast(name)
        _WORKER["linter"] = linter
        _WORKER["secret_names"] = names
        # chunks of a few hundred files: balanced load and few messages, while the answers
        # waiting to be taken in stay a small part of a large tree
        size = max(16, min(CHUNK_FILES, len(todo) // (jobs * 4) + 1))
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        self.stats["workers"] = jobs
        try:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                for part in pool.map(_work, chunks):
                    yield from part
        finally:
            _WORKER.clear()

    # -- project stage --

    def _project(
        self,
        linter: Linter,
        outcomes: list[FileOutcome],
        hashes: list[str | None],
        lazy: dict[int, tuple[Source | None, dict[str, Any]]],
        cache: Cache | None,
        paths: Sequence[str],
    ) -> list[Diagnostic] | None:
        cacheable = cache is not None and all(h is not None for h in hashes)
        set_key = ""
        if cacheable and cache is not None:
            parts = sorted(
                f"{o.real}\0{o.display}\0{h}" for o, h in zip(outcomes, hashes, strict=True)
            )
            set_key = hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()
            if cache.project.get("k") == set_key:
                self.stats["project_cached"] = 1
                return [_diag_from_row(file, row) for file, row in cache.project.get("d", [])]
        # the set changed: give cached files their checked documents back
        for i, (source, entry) in lazy.items():
            outcomes[i].checked = _restore_checked(outcomes[i], source, entry, cache)
        docs = [doc for o in outcomes for doc in o.checked]
        project = linter.project_diagnostics(docs)
        if cacheable and cache is not None:
            cache.project = {"k": set_key, "d": [[d.file, _diag_row(d)] for d in project]}
            cache.dirty = True
        return project


def _secret_names() -> frozenset[str]:
    from snaplint.schema import secret_field_names

    return secret_field_names()


def _load_stdin(path: str, max_size: int, stdin: Any, display: str | None) -> LoadedFile:
    from snaplint.manifest import load_file

    return load_file(path, max_size=max_size, stdin=stdin, display=display)


def _detached(outcome: FileOutcome, linter: Linter) -> FileOutcome:
    outcome.document_count = len(outcome.documents)
    outcome.documents = []
    outcome.checked = [detach(d) for d in outcome.checked] if linter.project_rules else []
    return outcome


def _outcome_from_slim(path: str, slim: _Slim, real: str, layout: _Layout | None) -> FileOutcome:
    from snaplint.linter import FileOutcome

    source = Source(path, slim.display, slim.text) if slim.text is not None else None
    checked: list[Document] = []
    for idx, kind, data in slim.checked:
        if layout is not None and kind == "job":  # a project row (see _slim)
            doc: Document = ProjectDocument.of(
                data, layout, idx, kind, source=source, path=path, display=slim.display
            )
        elif source is not None:
            doc = DetachedDocument(source, idx, None, data, kind)
        else:
            doc = DetachedDocument.lazy(path, slim.display, idx, data, kind)
        checked.append(doc)
    return FileOutcome(
        path, slim.display, real, source, slim.diagnostics, [], checked, slim.document_count
    )


def _from_entry(
    path: str, real: str, raw: bytes | None, entry: dict[str, Any], linter: Linter
) -> tuple[FileOutcome, Source | None]:
    """A cached file's outcome. Without ``raw`` (the stat shortcut) the file is read only when
    its text is needed now: for its findings' source lines or its suppression comments."""
    from snaplint.linter import FileOutcome

    display = display_path(path)
    diagnostics = [_diag_from_row(display, row) for row in entry.get("d", [])]
    source: Source | None = None
    if raw is None and (diagnostics or entry.get("s", True)):
        read = read_bytes(path, DEFAULT_MAX_FILE_SIZE)
        raw = read if isinstance(read, bytes) else None
    if raw is not None and (diagnostics or b"snaplint:" in raw or entry.get("c")):
        text = decode(raw)
        source = Source(path, display, text) if isinstance(text, str) else None
    keep = source if (diagnostics or (source is not None and "snaplint:" in source.text)) else None
    outcome = FileOutcome(path, display, real, keep, diagnostics, [], [], int(entry.get("n", 0)))
    return outcome, source


# A file whose mtime is this close to the cache's own write time may have changed again within
# the file system's timestamp granularity without changing size ("racy" in git's words).
_RACY_NS = 1_000_000_000


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _unchanged(entry: dict[str, Any], stat: list[int] | None, written_ns: int) -> bool:
    return (
        stat is not None
        and entry.get("st") == stat
        and stat[1] < written_ns - _RACY_NS
        and isinstance(entry.get("h"), str)
    )


def _read_source(path: str, display: str) -> Source | None:
    raw = read_bytes(path, DEFAULT_MAX_FILE_SIZE)
    text = decode(raw) if isinstance(raw, bytes) else None
    return Source(path, display, text) if isinstance(text, str) else None


def _restore_checked(
    outcome: FileOutcome, source: Source | None, entry: dict[str, Any], cache: Cache | None
) -> list[Document]:
    """Checked documents of a cached file: its stored project data when there is some (the
    file is read only if a project rule reports on it), else a fresh parse of the file."""
    wanted = {int(idx): kind for idx, kind in entry.get("c", [])}
    stored = cache.docs().get(entry.get("h", "")) if cache is not None else None
    if isinstance(stored, list) and {int(i) for i, _, _ in stored} == set(wanted):
        if source is not None:
            return [DetachedDocument(source, int(i), None, data, kind) for i, kind, data in stored]
        return [
            DetachedDocument.lazy(outcome.path, outcome.display, int(i), data, kind)
            for i, kind, data in stored
        ]
    if source is None:
        source = _read_source(outcome.path, outcome.display)
        if source is None:
            return []
    documents, _ = parse(source)
    return [detach(d) for d in documents if d.index in wanted]


def runner_for(
    root: Path,
    *,
    enabled: bool,
    cache_dir: str | None,
    jobs: int | None,
) -> Runner:
    """The runner the CLI uses: cache folder resolved against the project root."""
    directory: Path | None = None
    if enabled:
        directory = Path(cache_dir) if cache_dir else default_cache_dir(root)
        if not directory.is_absolute():
            directory = root / directory
    return Runner(directory, jobs)


def iter_cache_files(directory: Path) -> Iterable[Path]:
    folder = Path(directory) / f"v{CACHE_FORMAT}"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []
