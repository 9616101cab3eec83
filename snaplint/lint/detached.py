"""Documents kept for the project stage without their node trees (most of their memory).

A document read back for the project stage keeps only what project rules read of it (see
``PROJECT_FIELDS`` in :mod:`snaplint.findings.rule`) and, usually, not its text: when a rule reports on
one, its file is read and parsed again to find the position. :func:`record` and :func:`revive`
turn such a document into a small picklable tuple and back, for the project stage's spool
(:mod:`snaplint.lint.projectstage`).
"""

from __future__ import annotations

from typing import Any

from snaplint.findings.diagnostics import JsonPath
from snaplint.findings.rule import ABSENT, from_row
from snaplint.lint.manifest import (
    DEFAULT_MAX_FILE_SIZE,
    Document,
    Source,
    decode,
    parse,
    read_bytes,
)


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
            self._source = read_source(self._path, self._display or self._path) or Source(
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
Layout = tuple[tuple[tuple[str | int, ...], ...], dict[tuple[str | int, ...], int]]


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
        layout: Layout,
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


def read_source(path: str, display: str) -> Source | None:
    raw = read_bytes(path, DEFAULT_MAX_FILE_SIZE)
    text = decode(raw) if isinstance(raw, bytes) else None
    return Source(path, display, text) if isinstance(text, str) else None


def record(doc: Document) -> tuple[Any, ...] | None:
    """What the project stage spools of a document (None: keep it in memory)."""
    if isinstance(doc, ProjectDocument) and "_data" not in doc.__dict__:
        return (True, doc._path, doc._display, doc.index, doc.kind, doc._row)
    if isinstance(doc, DetachedDocument):
        path = doc._path or (doc._source.path if doc._source is not None else None)
        display = doc._display or (doc._source.display if doc._source is not None else None)
        if path and path != "-" and display:
            return (False, path, display, doc.index, doc.kind, doc.data)
    return None


def revive(rec: tuple[Any, ...], layout: Layout | None) -> Document:
    is_row, path, display, index, kind, value = rec
    if is_row and layout is not None:
        return ProjectDocument.of(
            value, layout, index, kind, source=None, path=path, display=display
        )
    return DetachedDocument.lazy(path, display, index, value, kind)
