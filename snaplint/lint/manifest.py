"""Manifest files → documents that know where every value came from.

The document model and reading; the YAML mechanics are :mod:`snaplint.lint.blockyaml` (a fast
reader for plain block YAML) and :mod:`snaplint.lint.yamlnodes` (libyaml's composer, node →
data conversion, positions), imported only when something is parsed or located.

Problems met while loading are values (:class:`Problem`), never exceptions: one
broken file must not hide the results of the others.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from snaplint.agora.fields import ACQUIRE_KEYS as ACQUIRE_KEYS
from snaplint.agora.fields import START_KEYS as START_KEYS
from snaplint.findings.diagnostics import JsonPath, Span, Target
from snaplint.lint.problem import MAX_EXPANDED_NODES as MAX_EXPANDED_NODES
from snaplint.lint.problem import Problem as Problem

JOB_API_VERSION = "snaplint/v1"
JOB_KIND = "SnapshotJob"
MOVED_KIND = "Moved"  # a job renamed without a restart (snaplint.plan.moves)

# Document kind → schema name (schemas/<name>.schema.json).
SCHEMA_FOR_KIND = {
    "job": "snapshot-job",
    "start": "start-request",
    "acquire": "acquire-request",
    "moved": "moved",
}

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # snapshot manifests are a few KB; 10 MiB is generous
_BINARY_SNIFF = 8192

# snaplint's own JSON files (saved plans, state) may live next to manifests
_OWN_FORMATS = frozenset({"snaplint-plan", "snaplint-state"})


@dataclass
class Source:
    """A manifest file's text, with its path as given and as displayed."""

    path: str  # as given on the command line (or "-")
    display: str  # relative to the working directory, forward slashes
    text: str

    def line(self, number: int) -> str:
        """The 1-based source line (without newline), or "" past the end."""
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass(eq=False)
class Document:
    """One YAML document of a manifest file, with its data and positions."""

    source: Source
    index: int
    root: Any  # the libyaml node (snaplint.lint.yamlnodes); positions come from it
    data: Any
    kind: str = "unknown"  # "job" | "start" | "acquire"
    problems: list[Problem] = field(default_factory=list)
    unique_keys = False  # True when the fast block reader read it: it refuses duplicate keys

    # -- what the Agora body is, for rules that work on jobs and raw bodies alike --

    @property
    def body_path(self) -> JsonPath:
        """Path of the Agora request body: ``spec`` for jobs, the document itself for raw bodies."""
        return ("spec",) if self.kind == "job" else ()

    @property
    def body(self) -> dict[str, Any]:
        value = self.get(self.body_path)
        return value if isinstance(value, dict) else {}

    @property
    def start_request_path(self) -> JsonPath | None:
        """Path of the start ``clientRequest`` (for acquire bodies: ``startParameter``)."""
        if self.kind == "acquire":
            return ("clientRequest", "startParameter")
        return (*self.body_path, "clientRequest")

    @property
    def start_request(self) -> dict[str, Any] | None:
        path = self.start_request_path
        value = self.get(path) if path is not None else None
        return value if isinstance(value, dict) else None

    @property
    def acquire_request_path(self) -> JsonPath | None:
        if self.kind == "job":
            return ("spec", "acquire")
        if self.kind == "acquire":
            return ("clientRequest",)
        return None

    @property
    def acquire_request(self) -> dict[str, Any] | None:
        path = self.acquire_request_path
        value = self.get(path) if path is not None else None
        return value if isinstance(value, dict) else None

    @property
    def name(self) -> str | None:
        """``metadata.name`` of a job, else None."""
        if self.kind != "job":
            return None
        value = self.get(("metadata", "name"))
        return value if isinstance(value, str) else None

    def full(self) -> Document:
        """This document with all of its data.

        Project rules may be handed documents that keep only the fields the rules declared
        (``PROJECT_FIELDS``, see :mod:`snaplint.findings.rule`); such a document re-reads itself here.
        """
        return self

    def get(self, path: JsonPath, default: Any = None) -> Any:
        """The value at ``path`` or ``default``; never raises."""
        node: Any = self.data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                if part not in node:
                    return default
                node = node[part]
            elif (
                isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node)
            ):
                node = node[part]
            else:
                return default
        return node

    # -- positions --

    def locate(self, path: JsonPath, target: Target = "value") -> Span:
        """Line and column of the key or value at ``path``.

        When the path does not exist (a missing required field), the deepest
        existing node is used, pointing at its key: the parent mapping's key.
        A value that is a block collection spans many lines; it is reported at
        its key, which is what a reader looks for.
        """
        from snaplint.lint.yamlnodes import locate

        return locate(self.root, self.source, path, target)


class _Roots:
    """The libyaml nodes of a file read by the fast reader, composed when first asked for."""

    __slots__ = ("nodes", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes: list[Any] | None = None

    def get(self, index: int) -> Any:
        if self.nodes is None:
            from snaplint.lint.yamlnodes import compose

            # the fast reader answered, so libyaml reads the same documents without problems
            self.nodes = [root for _index, root, _data in compose(self.text, [])]
        return self.nodes[index]


class _FastDocument(Document):
    """A document read by :mod:`snaplint.lint.blockyaml`: its nodes are composed on first use."""

    unique_keys = True

    _roots: _Roots | None = None
    _root: Any = None

    @property  # type: ignore[override]
    def root(self) -> Any:
        if self._root is None and self._roots is not None:
            self._root = self._roots.get(self.index)
        return self._root

    @root.setter
    def root(self, value: Any) -> None:
        self._root = value


@dataclass(slots=True)
class LoadedFile:
    """Everything loading one file produced: its text (if readable), documents and problems."""

    source: Source | None
    documents: list[Document]
    problems: list[Problem]


def display_path(path: str) -> str:
    """A stable, relative, forward-slash path for reports."""
    if path == "-":
        return "-"
    # the common cases without abspath/relpath (a large tree has thousands of paths): a clean
    # relative path, or an absolute one below the working directory (pre-commit's context)
    if not os.path.isabs(path):
        if os.pardir not in path.split(os.sep):
            norm = os.path.normpath(path)
            # the path itself when already clean: a large run keeps one string per file, not two
            return path if norm == path and os.sep == "/" else norm.replace(os.sep, "/")
    else:
        cwd = os.getcwd()
        n = len(cwd)
        if path.startswith(cwd) and path[n : n + 1] == os.sep and os.path.normpath(path) == path:
            return path[n + 1 :].replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        rel = path
    if rel.startswith(".." + os.sep) or rel == "..":
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


def _whole_file(rule: str, message: str) -> Problem:
    return Problem(rule, message, Span(1, 1, 1, 2))


# the project root (real path, with a separator) a run is confined to; None: no confinement
_CONFINED: str | None = None


def confine_to(root: Path | None) -> None:
    """Refuse to read, from here on, links inside ``root`` that lead outside it (as git and
    ruff do): their content would be shown in snippets as if it were the project's."""
    global _CONFINED
    _CONFINED = None if root is None else os.path.join(os.path.realpath(root), "")


def _leads_out(path: str) -> bool:
    if _CONFINED is None or not os.path.islink(path):
        return False
    inside = os.path.join(os.path.abspath(path), "").startswith(_CONFINED)
    return inside and not os.path.join(os.path.realpath(path), "").startswith(_CONFINED)


def read_bytes(path: str, max_size: int, stdin: Any = None) -> bytes | Problem:
    """Read a file (or stdin for "-"), refusing files too large to be manifests."""
    if path != "-" and _leads_out(path):
        return _whole_file(
            "unreadable-file",
            "a symbolic link to a file outside the project root; not read (lint the target "
            "where it lives)",
        )
    try:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(max_size + 1)
        else:
            # a bare descriptor, not a file object: a third of the cost on a large tree
            # O_NONBLOCK: opening a FIFO for reading must not wait for a writer
            flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(path, flags)
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    return _whole_file("unreadable-file", _not_a_file(info.st_mode))
                size = info.st_size
                if size > max_size:
                    return _whole_file(
                        "file-too-large",
                        f"file is {_mib(size)}, over the {_mib(max_size)} limit for a manifest; "
                        "not linted (raise max-file-size in the config if this is intended)",
                    )
                # read what the file holds, not max_size: a buffer of the limit's size per
                # file costs more than reading it
                data = os.read(fd, size + 1)
                if len(data) != size:  # short, grown since, or a pipe: read on to the limit
                    data = _read_on(fd, data, max_size)
            finally:
                os.close(fd)
    except OSError as exc:
        what = "folder" if os.path.isdir(path) else "file"
        if exc.errno == errno.ENXIO:  # a socket cannot be opened
            return _whole_file("unreadable-file", "a socket, not a file; skipped")
        return _whole_file("unreadable-file", f"cannot read {what}: {exc.strerror or exc}")
    if len(data) > max_size:
        return _whole_file(
            "file-too-large", f"input is over the {_mib(max_size)} limit for a manifest; not linted"
        )
    return data


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder that cannot be listed; its files are not linted"
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a special file"
    )
    return f"{kind}, not a regular file; skipped (never read)"


def _read_on(fd: int, data: bytes, max_size: int) -> bytes:
    """Read to the end of the file or one byte past ``max_size``, after ``data``."""
    parts, total = [data], len(data)
    while total <= max_size:
        chunk = os.read(fd, max_size + 1 - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"


def decode(data: bytes) -> str | Problem:
    """UTF-8 (a BOM is allowed), or a problem located at the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:_BINARY_SNIFF]:
        return _whole_file("unreadable-file", "binary file (contains NUL bytes); not a manifest")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return Problem(
            "unreadable-file",
            f"file is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            Span(line, col, line, col + 1),
        )


def load_file(
    path: str,
    *,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    stdin: Any = None,
    display: str | None = None,
    classify: bool = True,
) -> LoadedFile:
    """Read, decode, parse and (unless ``classify=False``) classify every document of a file."""
    raw = read_bytes(path, max_size, stdin)
    if isinstance(raw, Problem):
        return LoadedFile(None, [], [raw])
    text = decode(raw)
    if isinstance(text, Problem):
        return LoadedFile(None, [], [text])
    source = Source(path, display or display_path(path), text)
    documents, problems = parse(source, classify=classify)
    return LoadedFile(source, documents, problems)


def load_text(text: str, display: str = "<string>") -> LoadedFile:
    """Parse text directly (tests, fixers)."""
    source = Source(display, display, text)
    documents, problems = parse(source)
    return LoadedFile(source, documents, problems)


# --------------------------------------------------------------------------- parsing


def parse(source: Source, *, classify: bool = True) -> tuple[list[Document], list[Problem]]:
    """Documents and problems of a source; ``classify=False`` keeps every document (configs).

    Plain block YAML (nearly every manifest) is read by :mod:`snaplint.lint.blockyaml`, whose
    documents compose their libyaml nodes only when a position is asked for; anything else
    is composed by libyaml straight away.
    """
    from snaplint.lint import blockyaml

    documents: list[Document] = []
    problems: list[Problem] = []
    seen = 0
    fast = blockyaml.read(source.text)
    if fast is not None:
        roots = _Roots(source.text)
        parsed: Iterable[tuple[int, Any, Any]] = ((i, roots, d) for i, d in enumerate(fast))
    else:
        from snaplint.lint.yamlnodes import compose

        parsed = compose(source.text, problems)
    for index, root, data in parsed:
        seen += 1
        if fast is not None:
            doc: Document = _FastDocument(source, index, None, data)
            doc._roots = root  # type: ignore[attr-defined]
        else:
            doc = Document(source, index, root, data)
        if classify:
            _classify(doc, problems)
        if doc.kind != "unknown" or not classify:
            documents.append(doc)
    if not seen and not problems:
        problems.append(_whole_file("empty-file", "file contains no YAML documents"))
    return documents, problems


# --------------------------------------------------------------------------- classifying


def _classify(doc: Document, problems: list[Problem]) -> None:
    data = doc.data
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a {type(data).__name__} scalar"
        problems.append(
            Problem(
                "unknown-document",
                f"document is {what}; a manifest is a mapping with apiVersion: {JOB_API_VERSION} "
                f"and kind: {JOB_KIND} (or a raw Agora start/acquire body)",
                doc.locate(()),
                (),
                doc.index,
            )
        )
        return
    own = data.get("format")
    if isinstance(own, str) and own in _OWN_FORMATS:
        return  # a saved plan or state file of snaplint's own: not a manifest, not a problem
    if "apiVersion" in data or "kind" in data:
        api, kind = data.get("apiVersion"), data.get("kind")
        if api == JOB_API_VERSION and kind in (JOB_KIND, MOVED_KIND):
            doc.kind = "job" if kind == JOB_KIND else "moved"
            return
        if api != JOB_API_VERSION:
            where: JsonPath = ("apiVersion",) if "apiVersion" in data else ()
            message = (
                f"unknown apiVersion {api!r}; expected {JOB_API_VERSION!r}"
                if "apiVersion" in data
                else f"document has a kind but no apiVersion; expected apiVersion: {JOB_API_VERSION}"
            )
        else:
            where = ("kind",) if "kind" in data else ()
            message = (
                f"unknown kind {kind!r}; expected {JOB_KIND!r} or {MOVED_KIND!r}"
                if "kind" in data
                else f"document has no kind; expected kind: {JOB_KIND}"
            )
        problems.append(
            Problem(
                "unknown-document",
                message,
                doc.locate(where, "value" if where else "key"),
                where,
                doc.index,
            )
        )
        return
    request = data.get("clientRequest")
    if "clientRequest" in data or ("cname" in data and "uid" in data):
        keys = set(request) if isinstance(request, dict) else set()
        doc.kind = "acquire" if keys & ACQUIRE_KEYS and not keys & START_KEYS else "start"
        return
    problems.append(
        Problem(
            "unknown-document",
            f"not a snaplint manifest: expected apiVersion: {JOB_API_VERSION} and kind: {JOB_KIND}, "
            "or a raw Agora body with cname, uid and clientRequest",
            doc.locate(()),
            (),
            doc.index,
        )
    )


def iter_documents(files: list[LoadedFile]) -> Iterator[Document]:
    for f in files:
        yield from f.documents


def relative_to_root(path: str, root: Path | None) -> str:
    """Path relative to a project root (for SARIF/GitLab URIs), forward slashes."""
    if root is None or path == "-":
        return display_path(path)
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return display_path(path)
