"""The ``Runner`` that ``snaplint lint`` hands the linter: cache lookups and worker processes.

Files whose cached entry still holds (:mod:`snaplint.lint.cache`) are not linted again. The rest
are split over worker processes when there are many (``fork``; one per CPU, ``--jobs``): each
worker reads, parses and checks its share and sends back slim results (diagnostics, the
checked documents' project rows and key hashes), never node trees. Where ``fork`` is
unavailable the run stays in one process.

Results are taken in as they stream: per file, the run keeps its display path for the report
(:class:`snaplint.lint.results.Results`) and a few key hashes in the project stage
(:mod:`snaplint.lint.projectstage`), whose documents go to a temporary file. So peak memory does
not grow with the size of the tree beyond the list of files the report names.

The project stage's findings are cached as a whole, keyed by the set of (path, display name,
content hash) of every file in the run: unchanged set → its diagnostics are reused. Otherwise
the stage runs again: documents of changed files come from linting them; those of cached files
are indexed by the key hashes stored with their entries, and only the few a rule is then given
are read back, from the cache's stored project data (written only for documents without a
literal secret value) or, failing that, by parsing the file again. So pre-commit on one edited
file of a large tree costs about a warm run.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.findings.diagnostics import Diagnostic
from snaplint.lint.cache import Cache, Entry, default_cache_dir
from snaplint.lint.cacherows import (
    content_hash,
    diag_from_row,
    diag_row,
    encode_json,
    settings_key,
)
from snaplint.lint.detached import (
    DetachedDocument,
    detach,
    read_source,
    record,
    revive,
)
from snaplint.lint.manifest import (
    DEFAULT_MAX_FILE_SIZE,
    Document,
    LoadedFile,
    Problem,
    Source,
    confine_to,
    decode,
    parse,
    read_bytes,
)
from snaplint.lint.onefile import WORKER, Slim, lint_bytes, slim_outcome, stat_before_read, work
from snaplint.lint.paths import Absolute

if TYPE_CHECKING:
    from snaplint.lint.gitindex import GitContext
    from snaplint.lint.linter import FileOutcome, Linter, LintResult

REF_DOCS = 1 << 20  # a stage reference is file index * REF_DOCS + the document's place in it
PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves
CHUNK_FILES = 64  # files per message to a worker: answers waiting to be taken in stay small
LOOKUP_BATCH = 256  # files looked up in the cache per query (one query per file costs 3x more)


# --------------------------------------------------------------------------- the runner


class Runner:
    """Serves files from the cache, lints the rest (in workers when there are many)."""

    def __init__(self, cache_dir: Path | None, jobs: int | None = None) -> None:
        self.cache_dir = cache_dir  # None: no cache
        self.jobs = jobs
        self.stats = {"hits": 0, "misses": 0, "workers": 0, "project_cached": 0}
        self.root: Path | None = None  # else the config's root
        self.context: GitContext | None = None  # gitindex hook: context from git's index

    def run(self, linter: Linter, paths: Sequence[str], *, stdin: Any = None) -> LintResult:
        confine_to(self.root or linter.config.root)  # (inherited by forked workers)
        use_cache = self.cache_dir is not None and not linter.options.resolve_env
        cache = Cache(self.cache_dir, settings_key(linter)) if use_cache else None
        run = _Run(linter, cache, paths, self.stats)
        git = self.context if cache is not None and run.stage is not None else None
        spans = [(s, s + LOOKUP_BATCH) for s in range(0, len(paths), LOOKUP_BATCH)]
        if git is not None and git.fast:  # gitindex hook: unchanged context files are served
            spans = [(i, i + 1) for i in git.feed(run, REF_DOCS)]
        for start, end in spans:
            run.look_up_batch(start, paths[start:end], stdin)
        self.stats["misses"] = len(run.todo)
        # results are taken in as they stream from the workers: what stays per file is its
        # display path in the report, and its jobs' key hashes in the project stage
        for i, slim in self._lint(run):
            run.take(i, slim)
        project = self._project(run) if run.stage is not None else []
        result = run.results.result(project)
        if cache is not None:
            if git is not None and git.wants_save():  # gitindex hook: the next run's snapshot
                git.save(run, cache, REF_DOCS)
            cache.save()
        return result

    # -- per-file stage --

    def _lint(self, run: _Run) -> Iterator[tuple[int, Slim]]:
        """(index, result) of every file on ``run.todo``, in workers when there are many."""
        linter, paths, todo, read = run.linter, run.paths, run.todo, run.read
        if not todo:
            return  # a warm run: not even the schema's secret fields are needed
        names = _secret_names()
        jobs = self._jobs(len(todo))
        done = bytearray(len(paths))  # a byte per file, not a set of them
        if jobs > 1:
            try:
                for i, slim in self._lint_parallel(run, names, jobs):
                    done[i] = 1
                    yield i, slim
            except Exception:  # a broken pool must not lose results: finish in this process
                pass
        for i in todo:
            if not done[i]:
                outcome, h, stat = lint_bytes(linter, paths[i], read.get(i))
                yield i, slim_outcome(linter, paths[i], outcome, names, h, stat)

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
        self, run: _Run, names: frozenset[str], jobs: int
    ) -> Iterator[tuple[int, Slim]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from snaplint.lint import schema
        from snaplint.lint.manifest import SCHEMA_FOR_KIND

        # compile the validators once, before forking, instead of once per worker
        for name in SCHEMA_FOR_KIND.values():
            schema._fast(name)
        # inherited by the forked workers: a message to a worker is a list of file indexes
        todo = run.todo
        WORKER.update(linter=run.linter, secret_names=names, paths=run.paths, read=run.read)
        # chunks of a few dozen files: balanced load, messages cheap next to the work, and the
        # answers waiting to be taken in (a chunk or two) a constant, however large the tree
        size = max(16, min(CHUNK_FILES, len(todo) // (jobs * 4) + 1))
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        self.stats["workers"] = jobs
        try:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                for part in pool.map(work, chunks):
                    yield from part
        finally:
            WORKER.clear()

    # -- project stage --

    def _project(self, run: _Run) -> list[Diagnostic]:
        stage, cache = run.stage, run.cache
        assert stage is not None
        set_key = run.files_key.hexdigest() if cache is not None else None
        cached = cache.project(set_key) if cache is not None and set_key is not None else None
        if cached is not None:
            self.stats["project_cached"] = 1
            stage.close()
            return [diag_from_row(file, row) for file, row in cached]
        run.add_cached_documents()  # the set changed: the stage runs again
        project = stage.diagnostics()
        if cache is not None and set_key is not None:
            cache.set_project(set_key, [(d.file, diag_row(d)) for d in project])
        return project


class _Run:
    """One run's state: the report being gathered, the project stage, the files to lint."""

    def __init__(
        self, linter: Linter, cache: Cache | None, paths: Sequence[str], stats: dict[str, int]
    ) -> None:
        from snaplint.lint.results import Results

        self.linter, self.cache, self.paths, self.stats = linter, cache, paths, stats
        self.max_size = linter.config.max_file_size or DEFAULT_MAX_FILE_SIZE
        fields = linter.project_fields if linter.project_rules else None
        layout = (fields, {f: n for n, f in enumerate(fields)}) if fields is not None else None
        # per file, only what the report lists is kept (see Results); the project stage keeps
        # a few hashes per job and spools the jobs to a temporary file
        self.results = Results(linter)
        self.stage = (
            linter.project_stage(
                record=record, revive=lambda rec: revive(rec, layout), resolve=self._resolve
            )
            if linter.project_rules
            else None
        )
        self.keyed = len(linter.project_keyed)
        self._resolved: tuple[int, list[Document | None]] = (-1, [])
        self.files_key = _SetKey()
        self.todo = array("q")  # indexes of the files to lint
        self.read: dict[int, bytes | Problem] = {}  # files the parent had to read (and hash)
        self.hashed: dict[int, str] = {}
        self.stats_before: dict[int, list[int] | None] = {}  # stat taken before that read
        self.lazy = array("q")  # cache hits whose checked documents the project stage may need
        # ... and of the others, their documents' stored key hashes: (file, end) in the bytes
        self.cached_keys = bytearray()
        self.cached = array("q")
        self.served: GitContext | None = None  # gitindex hook: it served the context
        # absolute, not real, paths: realpath costs a few stats per file, and pre-commit's
        # report_only lists the absolute paths of the files asked for
        self.absolute = Absolute()

    def stdin(self, i: int, stdin: Any) -> None:
        linter = self.linter
        lf = _load_stdin("-", self.max_size, stdin, linter.options.stdin_filename)
        outcome = _detached(linter.check_file("-", lf), linter)
        self.results.add_file(outcome.display, outcome.real)
        self.results.add_findings(outcome)
        self.files_key.invalidate()  # no content hash: the project stage is not cached
        if self.stage is not None:
            for doc in outcome.checked:
                self.stage.add(doc, order=i)

    def look_up_batch(self, start: int, chunk: Sequence[str], stdin: Any) -> None:
        """Look up the files ``start``, ``start + 1``, … in the cache, in one query."""
        reals = [self.absolute(path) if path != "-" else "" for path in chunk]
        entries = self.cache.get_many([r for r in reals if r]) if self.cache is not None else {}
        for k, path in enumerate(chunk):
            if path == "-":
                self.stdin(start + k, stdin)
            else:
                self.look_up(start + k, path, reals[k], entries.get(reals[k]))

    def look_up(self, i: int, path: str, real: str, entry: Entry | None) -> None:
        """Serve a file from its cache entry, or put it on the list to lint."""
        display = self.absolute.display(path)
        self.results.add_file(display, real)
        cache = self.cache
        if cache is None or entry is None:
            self.todo.append(i)  # read (and hashed) by whoever lints it
            return
        stat = stat_before_read(path)
        if entry.unchanged(stat):
            # same size and mtime, written well before it was read: same content hash, no
            # need to read it (git's index and ruff's cache do the same)
            self._hit(i, path, real, display, None, entry)
            return
        raw = read_bytes(path, self.max_size)
        h = content_hash(raw) if isinstance(raw, bytes) else None
        if h is not None and entry.hash == h:
            cache.touch(real, stat)
            self._hit(i, path, real, display, raw, entry)
            return
        self.stats_before[i] = stat
        self.read[i] = raw
        if h is not None:
            self.hashed[i] = h
        self.todo.append(i)

    def _hit(
        self, i: int, path: str, real: str, display: str, raw: bytes | None, entry: Entry
    ) -> None:
        self.stats["hits"] += 1
        if entry.diagnostics or entry.suppressions:
            self.results.add_findings(_from_entry(path, real, display, raw, entry))
        else:
            self.results.add_clean(real, entry.documents)  # most files: nothing to keep
        self.files_key.add(real, display, entry.hash)
        if entry.checked and self.stage is not None:
            keys, row = entry.keys, 8 * self.keyed  # bytes of one document's hashes
            if not keys or not row or len(keys) % row or len(keys) // row >= REF_DOCS:
                self.lazy.append(i)  # no usable hashes: read back in _project if it must run
                return
            # kept as bytes: the project stage's cached findings usually hold, and then no
            # index is needed (see add_cached_documents)
            self.cached_keys += keys
            self.cached.append(i)
            self.cached.append(len(self.cached_keys))

    def add_cached_documents(self) -> None:
        """Put the cached files' checked documents in the project stage: by their stored key
        hashes, read back from the cache only if a rule is given one (_resolve); those without
        usable hashes whole."""
        assert self.stage is not None
        if self.served is not None:  # gitindex hook: served context files, in one call
            self.stage.add_refs_bulk(*self.served.bulk)
        for i in self.lazy:
            for doc in self._checked_of(i):
                if doc is not None:
                    self.stage.add(doc, order=i)
        hashes = array("q", self.cached_keys)
        self.cached_keys = bytearray()
        start = 0
        cached = self.cached
        for n in range(0, len(cached), 2):
            i, end = cached[n], cached[n + 1] // 8
            self.stage.add_refs(i * REF_DOCS, hashes[start:end], order=i)
            start = end
        self.cached = array("q")

    def _resolve(self, ref: int) -> Document | None:
        """The document a stage reference names (see add_cached_documents), from the cache."""
        i, k = divmod(ref, REF_DOCS)
        if self._resolved[0] != i:  # a file's references come one after another
            self._resolved = (i, self._checked_of(i))
        docs = self._resolved[1]
        return docs[k] if k < len(docs) else None

    def _checked_of(self, i: int) -> list[Document | None]:
        """A cached file's checked documents, in their order (that of its stored key hashes)."""
        path = self.paths[i]
        real = self.absolute(path)
        entry = self.cache.get(real) if self.cache is not None else None
        if self.served is not None and (again := self.served.relinted(self, i, entry)) is not None:
            return again  # gitindex hook: a served file whose entry holds other content
        if entry is None:
            return []
        restored = {
            d.index: d
            for d in _restore_checked(path, real, self.absolute.display(path), entry, self.cache)
        }
        return [restored.get(index) for index in entry.checked_documents()]

    def take(self, i: int, slim: Slim) -> None:
        """Take in the result of linting file ``i``."""
        from snaplint.lint.linter import FileOutcome

        path = self.paths[i]
        real = self.absolute(path)
        if slim.diagnostics or slim.text is not None:
            source = Source(path, slim.display, slim.text) if slim.text is not None else None
            self.results.add_findings(
                FileOutcome(
                    path, slim.display, real, source, slim.diagnostics, [], [], slim.document_count
                )
            )
        else:
            self.results.add_clean(real, slim.document_count)  # most files: nothing to keep
        if self.stage is not None:
            for blob, keys in slim.records:
                self.stage.add_record(blob, keys, order=i)
        self.read.pop(i, None)
        h = slim.hash or self.hashed.pop(i, None)
        self.files_key.add(real, slim.display, h)
        if self.cache is not None and h is not None:
            stat = self.stats_before.get(i, slim.stat) or [None, None, 0]
            diags = [diag_row(d) for d in slim.diagnostics]
            hashes = array("q", [k for _, keys in slim.records for k in keys])
            entry = Entry(
                h,
                stat[0],
                stat[1],
                stat[2],
                slim.text is not None and "snaplint:" in slim.text,
                slim.document_count,
                encode_json(diags) if diags else None,
                slim.checked,
                hashes.tobytes() if hashes else None,
            )
            self.cache.put(real, entry, slim.docs)


class _SetKey:
    """A key for the set of (path, display, content hash) of a run's files, whatever their order:
    the sum of their hashes (what the project stage's cached findings are keyed by)."""

    def __init__(self) -> None:
        self.total = 0
        self.count = 0
        self.valid = True

    def add(self, real: str, display: str, h: str | None) -> None:
        if h is None:
            self.valid = False
            return
        digest = hashlib.blake2b(
            f"{real}\0{display}\0{h}".encode("utf-8", "surrogateescape"), digest_size=16
        ).digest()
        self.total = (self.total + int.from_bytes(digest, "little")) % (1 << 128)
        self.count += 1

    def invalidate(self) -> None:
        self.valid = False

    def hexdigest(self) -> str | None:
        return f"{self.count}-{self.total:032x}" if self.valid else None


def _secret_names() -> frozenset[str]:
    from snaplint.lint.schema import secret_field_names

    return secret_field_names()


def _load_stdin(path: str, max_size: int, stdin: Any, display: str | None) -> LoadedFile:
    from snaplint.lint.manifest import load_file

    return load_file(path, max_size=max_size, stdin=stdin, display=display)


def _detached(outcome: FileOutcome, linter: Linter) -> FileOutcome:
    outcome.document_count = len(outcome.documents)
    outcome.documents = []
    outcome.checked = [detach(d) for d in outcome.checked] if linter.project_rules else []
    return outcome


def _from_entry(path: str, real: str, display: str, raw: bytes | None, entry: Entry) -> FileOutcome:
    """A cached file's outcome. Without ``raw`` (the stat shortcut) the file is read only when
    its text is needed now: for its findings' source lines or its suppression comments."""
    from snaplint.lint.linter import FileOutcome

    diagnostics = [diag_from_row(display, row) for row in entry.diagnostic_rows()]
    source: Source | None = None
    if raw is None and (diagnostics or entry.suppressions):
        read = read_bytes(path, DEFAULT_MAX_FILE_SIZE)
        raw = read if isinstance(read, bytes) else None
    if raw is not None and (diagnostics or b"snaplint:" in raw):
        text = decode(raw)
        source = Source(path, display, text) if isinstance(text, str) else None
    return FileOutcome(path, display, real, source, diagnostics, [], [], entry.documents)


def _restore_checked(
    path: str, real: str, display: str, entry: Entry, cache: Cache | None
) -> list[Document]:
    """Checked documents of a cached file: its stored project data when there is some (the
    file is read only if a project rule reports on it), else a fresh parse of the file."""
    wanted = entry.checked_documents()
    stored = cache.docs(real) if cache is not None else None
    if isinstance(stored, list) and {int(i) for i, _, _ in stored} == set(wanted):
        return [
            DetachedDocument.lazy(path, display, int(i), data, kind) for i, kind, data in stored
        ]
    source = read_source(path, display)
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
    runner = Runner(directory, jobs)
    runner.root = root  # the project root links must not lead out of
    return runner
