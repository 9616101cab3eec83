"""The project stage: project rules over every checked document of a run, holding little per job.

Project rules (duplicate names, two jobs on one channel and uid, …) relate documents that share
something. A rule says what with ``project_key(doc, ctx)`` (see :mod:`snaplint.findings.rule`): two
documents it could report on together always have the same key. The stage keeps, per job and
rule, a machine-word hash of that key; the documents themselves go to a temporary file as they
arrive (on a large tree; a small run keeps them in memory). When every document is in, each
rule is given only the documents whose key another document shares, read back in project
order. On a clean tree of 20,000 jobs that is none at all, so memory stays flat however many
files there are. A rule without ``project_key`` is given every document, as before.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from snaplint.lint.manifest import Document

if TYPE_CHECKING:
    from snaplint.findings.diagnostics import Diagnostic


class ProjectRun(Protocol):
    """What the stage needs of the run that owns it (:class:`snaplint.lint.linter.Linter`):
    the linter creates the stage and the stage calls back, without importing the linter."""

    contexts: Any  # rule ID → RuleContext
    project_rules: list[Any]
    project_keyed: list[tuple[Callable[..., Any], Any]]  # (project_key, ctx)

    def run_project_rule(self, rule: Any, ctx: Any, docs: list[Document]) -> list[Diagnostic]: ...


NO_KEY = 0  # the rule never looks at this document
ANY_KEY = 1  # its key could not be computed: the rule is given it whatever the others are

# A record of a spooled document: enough to rebuild it (see snaplint.lint.detached.revive)
Record = tuple[Any, ...]


def key_hash(key: Any) -> int:
    """A machine-word hash of a rule's key (None: the document is not the rule's business).

    Stable across runs and processes (the cache keeps the hashes of unchanged files, so a later
    run compares them with fresh ones): CRC-32 and Adler-32 of a canonical text of the key, in
    which keys that compare equal read alike (``1``, ``1.0`` and ``True``; dicts in any order).
    Not a cryptographic hash, and it need not be: a collision only hands a rule one more
    document, which it groups by the real key anyway (half the cost of blake2b, and this runs
    for every document and rule). A key with no canonical text is given to the rule
    whatever the others are.
    """
    if key is None:
        return NO_KEY
    text = _canon(key)
    if text is None:
        return ANY_KEY
    data = text.encode("utf-8", "surrogatepass")
    value = zlib.crc32(data) | (zlib.adler32(data) << 32)
    if value >= 1 << 63:
        value -= 1 << 64  # an int64 column
    return value if value not in (NO_KEY, ANY_KEY) else 2  # keep the two markers apart


def _canon(key: Any) -> str | None:
    """Text of a key, alike for keys that compare equal; None: not a plain YAML value."""
    if isinstance(key, str):
        return "s" + key
    if isinstance(key, tuple):
        # the common key, a tuple of strings and None (channels, uids): its repr is canonical,
        # and cheaper (equal strings of a subclass of str are read as plain ones first)
        for v in key:
            if v is not None and type(v) is not str:
                break
        else:
            return "r" + repr(key)
        if all(v is None or isinstance(v, str) for v in key):
            return "r" + repr(tuple(v if v is None else str.__str__(v) for v in key))
    if isinstance(key, tuple | list):
        parts = [_canon(v) for v in key]
        if None in parts:
            return None
        # the lengths first: no element's text can pass for a separator
        sizes = ",".join(str(len(p)) for p in parts)  # type: ignore[arg-type]
        return f"{'t' if isinstance(key, tuple) else 'l'}{sizes}:{''.join(parts)}"  # type: ignore[arg-type]
    if key is None:
        return "n"
    if isinstance(key, int):  # bool too: True == 1
        return f"i{int(key)}"
    if isinstance(key, float):
        return f"i{int(key)}" if key.is_integer() else f"f{key!r}"
    if isinstance(key, dict):
        items = [(_canon(k), _canon(v)) for k, v in key.items()]
        if any(k is None or v is None for k, v in items):
            return None
        return "d" + _canon(sorted(items))  # type: ignore[operator]
    return None


def keys_of(
    keyed: Sequence[tuple[Callable[[Any, Any], Any], Any]], doc: Document
) -> tuple[int, ...]:
    """The key hash of ``doc`` for each keyed rule (``(project_key, ctx)`` pairs)."""
    out = []
    for key_fn, ctx in keyed:
        try:
            out.append(key_hash(key_fn(doc, ctx)))
        except Exception:
            out.append(ANY_KEY)  # the rule's check sees it, and reports its own crash
    return tuple(out)


class ProjectStage:
    """Documents of the project stage, taken in one at a time; see the module docstring."""

    def __init__(
        self,
        linter: ProjectRun,
        *,
        record: Callable[[Document], Record | None] | None = None,
        revive: Callable[[Record], Document] | None = None,
        resolve: Callable[[int], Document | None] | None = None,
    ) -> None:
        self.linter = linter
        self.rules = [(rule, linter.contexts[rule.ID]) for rule in linter.project_rules]
        self.keyed = linter.project_keyed
        self._keys = [array("q") for _ in self.keyed]
        self._order = array("q")  # where each document stands in the project (rules see that order)
        self._count = 0
        # every document must be at hand when a rule takes them all: then nothing is spooled
        spool = record is not None and len(self.keyed) == len(self.rules)
        self._store: _Memory | _RecordFile = (
            _RecordFile(record, revive, resolve) if spool else _Memory(resolve)  # type: ignore[arg-type]
        )
        self._revive = revive
        # a bulk of documents whose sharing among themselves is known (add_refs_bulk)
        self._bulk: tuple[int, int, list[list[int]]] | bool | None = None

    def add(self, doc: Document, keys: Sequence[int] | None = None, order: int = -1) -> None:
        """Take in one checked document. ``keys``: its :func:`keys_of`, when already known;
        ``order``: its file's place in the project, when documents arrive out of order (the
        documents of one file are added together, in their order)."""
        if keys is None or len(keys) != len(self.keyed):
            keys = keys_of(self.keyed, doc)
        self._index(keys, order)
        self._store.append(doc)

    def add_record(self, rec: Record | bytes, keys: Sequence[int], order: int = -1) -> None:
        """Take in a document as its record (see ``record``), pickled when a worker made it."""
        if not isinstance(self._store, _RecordFile):
            self.add(self._revive(_unpickled(rec)), keys, order)
            return
        self._index(keys, order)
        self._store.append_record(rec)

    def add_refs(self, first: int, hashes: Sequence[int], order: int = -1) -> None:
        """Take in documents known only by their key hashes (each document's in turn, as
        :func:`keys_of` gives them) and references ``first``, ``first + 1``, … (≥ 0) that
        ``resolve`` turns into the documents if a rule is given one: a cached file's, read back
        only then."""
        width = len(self._keys)
        if not width or not hashes or len(hashes) % width:
            raise ValueError(f"{len(hashes)} key hashes for {width} keyed rules")
        if len(hashes) == width:  # one document, the common case: no slice
            self._index(hashes, order)
        else:
            for start in range(0, len(hashes), width):
                self._index(hashes[start : start + width], order)
        self._store.append_refs(first, len(hashes) // width)

    def add_refs_bulk(
        self,
        refs: array,
        order: array,
        hashes: array,
        shared: list[list[int]] | None = None,
    ) -> None:
        """:meth:`add_refs` for many documents at once: reference, place and key hashes (each
        document's in turn) of each — a large project's context without a call per file.
        ``shared``: per keyed rule, the documents of this bulk (0 = its first) whose key
        another of the bulk shares, when known (then :meth:`diagnostics` compares only the
        other documents with the bulk, not the bulk with itself)."""
        width = len(self._keys)
        if len(order) != len(refs) or len(hashes) != width * len(refs):
            raise ValueError(f"{len(hashes)} key hashes for {len(refs)} documents")
        if not refs:
            return
        if shared is not None and len(shared) == width and self._bulk is None:
            self._bulk = (self._count, self._count + len(refs), shared)
        else:
            self._bulk = False  # two bulks, or one without its sharing: compare everything
        for c, column in enumerate(self._keys):
            column.extend(hashes[c::width])
        self._order.extend(order)
        self._count += len(refs)
        self._store.append_many_refs(refs)

    def _index(self, keys: Sequence[int], order: int) -> None:
        """What stays in memory of a document: its key hashes and its place."""
        for column, value in zip(self._keys, keys, strict=True):
            column.append(value)
        self._order.append(order if order >= 0 else self._count)
        self._count += 1

    def diagnostics(self) -> list[Diagnostic]:
        """Findings of every project rule, in rule order; spooled documents are read back once."""
        wanted: list[set[int] | None] = []  # positions each rule is given (None: all)
        bulk = self._bulk if isinstance(self._bulk, tuple) else None
        c = 0  # the key column of each keyed rule, in rule order
        for rule, _ctx in self.rules:
            if not hasattr(rule, "project_key"):
                wanted.append(None)
                continue
            keys = self._keys[c]
            if bulk is None:
                wanted.append(_sharing(keys))
            else:
                wanted.append(_sharing_with(keys, bulk[0], bulk[1], bulk[2][c]))
            c += 1
        union: set[int] = set()
        for positions in wanted:
            union |= set(range(self._count)) if positions is None else positions
        docs = self._store.load(sorted(union))
        place = self._order.__getitem__
        out: list[Diagnostic] = []
        try:
            for (rule, ctx), positions in zip(self.rules, wanted, strict=True):
                chosen = union if positions is None else positions
                # (a reference whose file is gone since it was looked up has no document)
                ordered = sorted((p for p in chosen if p in docs), key=lambda p: (place(p), p))
                given = [docs[p] for p in ordered]
                if given:
                    out.extend(self.linter.run_project_rule(rule, ctx, given))
        finally:
            self._store.close()
        return out

    def close(self) -> None:
        self._store.close()


def _sharing(column: array) -> set[int]:
    """Positions whose key another position shares, or that must be seen whatever the key.

    A bitmap of a byte per position finds the keys seen twice (and a few that only share a
    bit); only those are counted exactly, so no table of every key is built.
    """
    size = 8 * max(len(column), 128)
    bits = bytearray(size // 8)
    maybe: set[int] = {ANY_KEY}
    for value in column:
        if value != NO_KEY:
            slot = value % size
            mask = 1 << (slot & 7)
            if bits[slot >> 3] & mask:
                maybe.add(value)
            else:
                bits[slot >> 3] |= mask
    counts: dict[int, int] = {}
    for value in column:
        if value in maybe:
            counts[value] = counts.get(value, 0) + 1
    shared = {value for value, n in counts.items() if n > 1 or value == ANY_KEY}
    return {p for p, value in enumerate(column) if value in shared} if shared else set()


def _sharing_with(column: array, start: int, end: int, inner: list[int]) -> set[int]:
    """:func:`_sharing` when the sharing among positions ``start`` to ``end`` is known
    (``inner``, relative to ``start``): only the few other positions are compared, with each
    other and (by a scan in C) with the bulk — a cost that does not grow with the bulk."""
    out = {start + p for p in inner}
    groups: dict[int, list[int]] = {}
    for p in (*range(start), *range(end, len(column))):
        value = column[p]
        if value == ANY_KEY:
            out.add(p)
        elif value != NO_KEY:
            groups.setdefault(value, []).append(p)
    for value, places in groups.items():
        if len(places) > 1:
            out.update(places)
        at = start
        while True:
            try:
                at = column.index(value, at, end)
            except ValueError:
                break
            out.update(places)
            out.add(at)
            at += 1
    return out


def _unpickled(rec: Record | bytes) -> Record:
    """A record made by a worker comes pickled (from our own worker: nothing foreign)."""
    if isinstance(rec, bytes):
        import pickle

        return pickle.loads(rec)  # type: ignore[no-any-return]
    return rec


def _resolved(resolve: Callable[[int], Document | None] | None, ref: int) -> Document | None:
    if resolve is None:
        raise ValueError("a document reference was added to a stage that cannot resolve it")
    return resolve(ref)


class _Memory:
    """Every document in memory: a small run, or a rule that takes them all."""

    def __init__(self, resolve: Callable[[int], Document | None] | None = None) -> None:
        self.docs: list[Document | int] = []
        self.resolve = resolve

    def append(self, doc: Document) -> None:
        self.docs.append(doc)

    def append_refs(self, first: int, count: int) -> None:
        self.docs.extend(range(first, first + count))

    def append_many_refs(self, refs: Sequence[int]) -> None:
        self.docs.extend(refs)

    def load(self, positions: Sequence[int]) -> dict[int, Document]:
        out: dict[int, Document] = {}
        for p in positions:
            item = self.docs[p]
            doc = _resolved(self.resolve, item) if isinstance(item, int) else item
            if doc is not None:
                out[p] = doc
        return out

    def close(self) -> None:
        pass  # nothing to release


class _RecordFile:
    """Records kept in memory while there are few, then pickled into a temporary file (this
    run's own, deleted on close or exit): past ``IN_MEMORY`` records, the offset of each is all
    that stays in memory. A document without a record (read from standard input) stays."""

    IN_MEMORY = 256

    def __init__(
        self,
        record: Callable[[Document], Record | None],
        revive: Callable[[Record], Document],
        resolve: Callable[[int], Document | None] | None = None,
    ) -> None:
        self.record, self.revive, self.resolve = record, revive, resolve
        self._fh: Any = None
        self.offsets = array("q")  # -1: in ``kept``; -2 - ref: a reference, nothing stored
        self._size = 0  # bytes written (tell() would flush the buffer each time)
        self.kept: dict[int, Document | Record | bytes] = {}

    def append(self, doc: Document) -> None:
        rec = self.record(doc)
        if rec is None:
            self.kept[len(self.offsets)] = doc
            self.offsets.append(-1)
            return
        self.append_record(rec)

    def append_refs(self, first: int, count: int) -> None:
        self.offsets.extend(range(-2 - first, -2 - first - count, -1))

    def append_many_refs(self, refs: Sequence[int]) -> None:
        self.offsets.extend([-2 - ref for ref in refs])

    def append_record(self, rec: Record | bytes) -> None:
        if self._fh is None and len(self.kept) < self.IN_MEMORY:
            self.kept[len(self.offsets)] = rec
            self.offsets.append(-1)
            return
        if self._fh is None:
            self._spill()
        self.offsets.append(self._size)
        self._write(rec)

    def _spill(self) -> None:
        """Open the file and move the records kept so far into it."""
        import tempfile

        self._fh = tempfile.TemporaryFile(prefix="snaplint-project-")  # noqa: SIM115
        for position, item in list(self.kept.items()):
            if isinstance(item, (tuple, bytes)):
                del self.kept[position]
                self.offsets[position] = self._size
                self._write(item)

    def _write(self, rec: Record | bytes) -> None:
        if not isinstance(rec, bytes):
            import pickle

            rec = pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.write(rec)
        self._size += len(rec)

    def load(self, positions: Sequence[int]) -> dict[int, Document]:
        out: dict[int, Document] = {}
        for p in positions:
            offset = self.offsets[p]
            if offset <= -2:
                doc = _resolved(self.resolve, -2 - offset)
                if doc is not None:
                    out[p] = doc
                continue
            item = self.kept.get(p)
            if item is None:
                import pickle

                self._fh.seek(self.offsets[p])
                item = pickle.load(self._fh)  # this run's own file: nothing foreign
            out[p] = item if isinstance(item, Document) else self.revive(_unpickled(item))
        return out

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
