"""Pre-commit context from git's index: the project's other files without a stat walk.

A run on a few files of a project (pre-commit) loads every other manifest as context for the
project rules. Walking the tree, stat'ing each file and looking it up in the cache grows with
the project. In a git work tree, git already knows each tracked file's content id and which
files differ from it, in two calls written in C:

* ``git ls-files -s -z``: every tracked file under the project root, with its blob id;
* ``git ls-files -z -m -d -o --directory``: files modified or deleted in the work tree, and
  untracked ones (ignored included; untracked folders as one entry).

After a run that walked the tree (today's path), a **snapshot** is written next to the cache
database: git's listing as it was, the context files in discovery order, and per file its
documents' project-rule key hashes and its share of the project stage's set key. The next run
compares git's listing with the snapshot's as sets of records (C-speed): a file whose record
is unchanged and which git does not list as modified is served from the snapshot, unread,
unstat'ed and not looked up; a changed or modified one is looked up as usual. Anything the
snapshot cannot vouch for falls back to the walk: no git, a file added, deleted or renamed, an
untracked manifest or folder that discovery would walk (not excluded), another cwd or root.

Stale entries: a snapshot entry is used only when git's index holds the same blob for the path
as when the entry was written *and* git finds the work-tree file equal to it; entries are
written only for files git found unmodified before the run read them and after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.lint.cache import Cache, Entry
    from snaplint.lint.runner import _Run

VERSION = 1
GIT_TIMEOUT = 10.0
RESAVE_AFTER = 32  # changed context files looked up as usual before the snapshot is rewritten
DIGEST = 16  # bytes of a file's share of the set key (see runner._SetKey)


def _git(root: str, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", root, *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # never write git's index
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


# one call: "H <mode> <blob> <stage>\t<path>" per index entry, then "C …" (modified in the
# work tree), "R …" (deleted) and "? <path>" (untracked, ignored included; folders as one)
LS_FILES = ("ls-files", "-z", "-s", "-t", "-c", "-m", "-d", "-o", "--directory")
PLAIN = (b"H 100644 ", b"H 100755 ")  # regular files: the only entries a blob id vouches for
# what a listing of plain files at stage 0 never holds: links, submodules, conflicts, entries
# git does not stat (skip-worktree, assume-unchanged show as S, h)
SPECIAL = (b"\0H 120000 ", b"\0H 160000 ", b" 1\t", b" 2\t", b" 3\t", b"\0S ", b"\0h ")


def _listing(root: str) -> tuple[bytes, list[str]] | None:
    """git's index records of plain files under ``root`` (one ``\\0``-joined string) and the
    paths it does not vouch for: changed, deleted, untracked, links, submodules, conflicts
    (folders end with ``/``)."""
    raw = _git(root, *LS_FILES)
    if raw is None:
        return None
    records = raw.split(b"\0")
    probe = b"\0" + raw  # (the first record too starts after a NUL)
    if not any(mark in probe for mark in SPECIAL):
        # the common listing: plain files at stage 0, and a few others (searches in C, then
        # two comprehensions instead of a loop with tests per record)
        index = [r for r in records if r.startswith(b"H ")]
        rest = [r for r in records if r and not r.startswith(b"H ")]
        return b"\0".join(index), [_other(r) for r in rest]
    index: list[bytes] = []
    other: list[str] = []
    for record in records:
        tab = record.find(b"\t")
        if record.startswith(PLAIN) and record[tab - 2 : tab] == b" 0":  # stage 0: no conflict
            index.append(record)
        elif record:
            other.append(_other(record))
    return b"\0".join(index), other


def _other(record: bytes) -> str:
    """The path of a record git does not vouch for (a folder ends with ``/``)."""
    if record.startswith(b"? "):
        return record[2:].decode("utf-8", "surrogateescape")
    rel = _rel_of(record)
    # a submodule is a folder discovery walks, whose files git lists elsewhere
    return rel + "/" if record[2:9] == b"160000 " else rel


def _rel_of(record: bytes) -> str:
    return record[record.index(b"\t") + 1 :].decode("utf-8", "surrogateescape")


def digest(real: str, display: str, h: str) -> bytes:
    """A file's share of the project stage's set key (as runner._SetKey.add computes it)."""
    return hashlib.blake2b(f"{real}\0{display}\0{h}".encode(), digest_size=DIGEST).digest()


class GitContext:
    """The context of one pre-commit run as git and the snapshot know it."""

    def __init__(self, root: Path, cache_file: Path, asked: list[str], config: Any) -> None:
        self.root = str(root)
        self.prefix = os.path.join(self.root, "")
        self.file = cache_file
        self.asked_rel = {
            os.path.relpath(os.path.abspath(f), self.root).replace(os.sep, "/") for f in asked
        }
        self.config = config
        self.listing = _listing(self.root)
        self.paths: list[str] | None = None  # the context, when served from the snapshot
        self.unserved: list[int] = []  # context positions looked up as usual
        # positions of the files asked for: linted as such, not context (a snapshot written
        # for another commit holds them as context)
        self.omitted: list[int] = []
        self.count = 0  # the run's first ``count`` paths are the context (set by the CLI)
        # (references, places, key hashes, sharing) of the served files' documents
        self.bulk: tuple[array, array, array, list[list[int]]] = (
            array("q"),
            array("q"),
            array("q"),
            [],
        )
        self._snap: dict[str, Any] | None = None
        self.fast = False
        self.changed = 0  # served files whose record changed since the snapshot
        if self.listing is not None:
            self._load()

    # -- reading the snapshot --

    def _load(self) -> None:
        from snaplint.lint.discovery import Excluder

        snap = _read(self.file)
        if snap is None or snap["root"] != self.root or snap["cwd"] != os.getcwd():
            return
        index, changed = self.listing  # type: ignore[misc]
        paths: list[str] = snap["paths"]
        if index == snap["index"]:
            gone: set[str] = set()
            added: set[str] = set()
        else:
            old = set(snap["index"].split(b"\0"))
            new = set(index.split(b"\0"))
            before = {_rel_of(r) for r in old - new if r}
            after = {_rel_of(r) for r in new - old if r}
            gone, added = before - after, after - before - self.asked_rel
            if gone or added:
                return  # files added, deleted or renamed: the walk decides the context
            changed = [*changed, *before]  # same path, another blob: looked up as usual
        del gone, added
        excluded = Excluder(self.config.exclude)
        changed = [r for r in changed if r not in self.asked_rel and not excluded(r.rstrip("/"))]
        position = {p[len(self.prefix) :]: i for i, p in enumerate(paths)} if changed else {}
        import fnmatch
        import re

        included = re.compile(
            "|".join(fnmatch.translate(p) for p in self.config.include) or "(?!)"
        ).match
        unserved = set()
        for rel in changed:
            name = rel.rstrip("/")
            if rel in position:
                unserved.add(position[rel])
            elif rel.endswith("/") or included(name.rsplit("/", 1)[-1]):
                return  # an untracked folder or manifest: the walk decides the context
        self.changed = len(unserved)
        unserved.update(snap["unknown"])  # files the snapshot cannot vouch for
        omitted = set()
        for rel in self.asked_rel:
            try:
                omitted.add(paths.index(self.prefix + rel))  # a scan in C, not a dict
            except ValueError:
                continue
        self.paths, self.unserved, self._snap = paths, sorted(unserved - omitted), snap
        self.omitted = sorted(omitted)
        self.fast = True

    def feed(self, run: _Run, ref_docs: int) -> list[int]:
        """Serve the unchanged context files to ``run`` (their key hashes to the project stage,
        their digests to the set key); the indexes left to look up as usual.

        What is served is the snapshot's arrays as they are, less the few files looked up as
        usual: no work per served file."""
        snap = self._snap
        assert snap is not None
        ndocs: array = snap["ndocs"]
        first: array = snap["first"]  # each file's first document
        width = snap["width"]
        refs, order, keys = snap["refs"], snap["order"], snap["keys"]
        shared: list[list[int]] = snap["shared"]
        total, count = snap["total"], snap["count"]
        digests: bytes = snap["digests"]
        cut: list[tuple[int, int]] = []  # document ranges of the files looked up as usual
        for i in sorted({*self.unserved, *self.omitted}):
            n = ndocs[i]
            if n < 0:
                continue  # in neither the total nor the documents
            total -= int.from_bytes(digests[i * DIGEST : (i + 1) * DIGEST], "little")
            count -= 1
            if n:
                cut.append((first[i], first[i] + n))
        if snap["ref_docs"] != ref_docs:
            raise ValueError("the snapshot's references are of another layout")
        if cut:
            refs, order, keys, shared = _without(refs, order, keys, shared, cut, width)
        run.files_key.total = (run.files_key.total + total) % (1 << 128)
        run.files_key.count += count
        run.stats["hits"] += count
        self.bulk = (refs, order, keys, shared)
        # the content each served file's key hashes were taken from: a cache entry written
        # since (by a run that saw other content) must not stand in for it (runner._checked_of)
        run.served = self
        return [*self.unserved, *range(self.count, len(run.paths))]

    def relinted(self, run: _Run, i: int, entry: Entry | None) -> list[Any] | None:
        """Served file ``i``'s checked documents linted again when its cache entry holds
        other content than the one its key hashes were taken from (git vouches the file
        still has that content); None when the entry holds (or the file was not served)."""
        expected = self.served_hash(i)
        if expected is None or (entry is not None and entry.hash == expected):
            return None
        from snaplint.lint.manifest import load_file
        from snaplint.lint.runner import _detached

        path = run.paths[i]
        lf = load_file(path, max_size=run.max_size)
        return list(_detached(run.linter.check_file(path, lf), run.linter).checked)

    def served_hash(self, i: int) -> str | None:
        """The content hash of context file ``i`` if it was served (None: looked up)."""
        snap = self._snap
        if snap is None or i >= len(snap["hashes"]) or i in self.unserved or i in self.omitted:
            return None
        return snap["hashes"][i] or None

    # -- writing the snapshot --

    def wants_save(self) -> bool:
        """After a walk, or once enough context files changed since the snapshot (each is
        looked up as usual until then)."""
        return self.listing is not None and (not self.fast or self.changed > RESAVE_AFTER)

    def save(self, run: _Run, cache: Cache, ref_docs: int) -> None:
        """After a run: record the first ``context`` paths of ``run`` (its context) as served
        next time, for the files git finds unmodified now as before the run."""
        from snaplint.lint.projectstage import _sharing

        if self.listing is None:
            return
        cache._flush()  # this run's entries are what the snapshot reads
        after = _listing(self.root)
        if after is None or after[0] != self.listing[0]:
            return  # the index moved during the run: write nothing
        index = self.listing[0]
        dirty = set(self.listing[1]) | set(after[1])
        tracked = {_rel_of(r) for r in index.split(b"\0") if r}
        # the context and the files asked for that a walk would list: the next run may ask
        # for others, and then these are its context
        context = self.count
        paths = list(run.paths[:context]) + self._walkable(run.paths[context:])
        width = len(run.linter.project_keyed)
        row = 8 * width
        ndocs, first, keys, refs, order = (array("q") for _ in range(5))
        digests = bytearray()
        hashes: list[str] = []  # each file's content hash when its key hashes were taken
        total = count = 0
        absolute = run.absolute
        for start in range(0, len(paths), 256):
            chunk = paths[start : start + 256]
            reals = [absolute(p) for p in chunk]
            entries = cache.get_many(reals)
            for k, (path, real) in enumerate(zip(chunk, reals, strict=True)):
                i = start + k
                rel = path[len(self.prefix) :] if path.startswith(self.prefix) else None
                entry = entries.get(real)
                n = -1
                if entry is not None and rel in tracked and rel not in dirty:
                    blob = entry.keys or b""
                    if not entry.checked:
                        n = 0
                    elif row and blob and len(blob) % row == 0 and len(blob) // row < ref_docs:
                        n = len(blob) // row
                first.append(len(refs))
                ndocs.append(n)
                d = digest(real, absolute.display(path), entry.hash) if n >= 0 else bytes(DIGEST)
                digests += d
                hashes.append(entry.hash if n >= 0 else "")  # type: ignore[union-attr]
                if n < 0:
                    continue
                total += int.from_bytes(d, "little")
                count += 1
                if n:
                    keys.frombytes(entry.keys)  # type: ignore[union-attr, arg-type]
                    refs.extend(range(i * ref_docs, i * ref_docs + n))
                    order.extend([i] * n)
        shared = [sorted(_sharing(keys[c::width])) if width else [] for c in range(width)]
        _write(
            self.file,
            {
                "root": self.root,
                "cwd": os.getcwd(),
                "width": width,
                "ref_docs": ref_docs,
                "total": f"{total % (1 << 128):x}",
                "count": count,
                "shared": shared,
                "unknown": [i for i, n in enumerate(ndocs) if n < 0],
            },
            [
                index,
                "\0".join(paths).encode("utf-8", "surrogateescape"),
                bytes(digests),
                "\0".join(hashes).encode(),
            ],
            [ndocs, first, keys, refs, order],
        )

    def _walkable(self, asked: Sequence[str]) -> list[str]:
        """The files asked for, as the walk of the project would name them, that it would
        list (under the root, included, not excluded)."""
        import fnmatch
        import re

        from snaplint.lint.discovery import Excluder

        excluded = Excluder(self.config.exclude)
        pattern = "|".join(fnmatch.translate(p) for p in self.config.include) or "(?!)"
        included = re.compile(pattern).match
        out = []
        for path in asked:
            full = os.path.abspath(path)
            rel = full[len(self.prefix) :]
            walked = full.startswith(self.prefix) and included(os.path.basename(rel))
            if walked and not excluded(rel) and os.path.isfile(full):
                out.append(self.prefix + rel)
        return out


def _without(
    refs: array,
    order: array,
    keys: array,
    shared: list[list[int]],
    cut: list[tuple[int, int]],
    width: int,
) -> tuple[array, array, array, list[list[int]]]:
    """The documents less the ranges ``cut`` (sorted, disjoint), and their sharing renumbered."""
    import bisect

    cut.sort()
    keep = []
    at = 0
    for a, b in cut:
        keep.append((at, a))
        at = b
    keep.append((at, len(refs)))
    new_refs, new_order, new_keys = array("q"), array("q"), array("q")
    for a, b in keep:
        new_refs.extend(refs[a:b])
        new_order.extend(order[a:b])
        new_keys.extend(keys[a * width : b * width])
    starts = [a for a, _ in cut]
    removed = [0]
    for a, b in cut:
        removed.append(removed[-1] + b - a)

    def renumber(p: int) -> int | None:
        k = bisect.bisect_right(starts, p)  # cuts starting at or before p
        if k and p < cut[k - 1][1]:
            return None  # a document of a file looked up as usual
        return p - removed[k]

    new_shared = [[q for q in map(renumber, column) if q is not None] for column in shared]
    return new_refs, new_order, new_keys, new_shared


def _write(file: Path, header: dict[str, Any], blobs: list[bytes], arrays: list[array]) -> None:
    parts = [*blobs, *(a.tobytes() for a in arrays)]
    head = json.dumps({**header, "v": VERSION, "lens": [len(p) for p in parts]}).encode()
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(head + b"\n")
            for p in parts:
                fh.write(p)
        os.replace(tmp, file)  # readers see the old snapshot or the new one, never half
    except OSError:
        with _suppress():
            os.unlink(tmp)


def _read(file: Path) -> dict[str, Any] | None:
    """The snapshot, or None when missing, foreign or damaged (then the walk runs)."""
    try:
        with open(file, "rb") as fh:
            data = fh.read()
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
        lens = header["lens"]
        if header.get("v") != VERSION or sum(lens) != len(body) or len(lens) != 9:
            return None
        parts, at = [], 0
        for n in lens:
            parts.append(body[at : at + n])
            at += n
        index, paths, digests, hashes = parts[:4]
        ndocs, first, keys, refs, order = (array("q") for _ in range(5))
        for a, raw in zip((ndocs, first, keys, refs, order), parts[4:], strict=True):
            a.frombytes(raw)
        names = paths.decode("utf-8", "surrogateescape").split("\0") if paths else []
        width = int(header["width"])
        shared = header["shared"]
        content = hashes.decode().split("\0") if names else []
        if len(names) != len(ndocs) or len(first) != len(ndocs) or len(content) != len(names):
            return None
        if len(digests) != DIGEST * len(names) or len(order) != len(refs):
            return None
        if len(keys) != len(refs) * width or len(shared) != width:
            return None
        if any(not isinstance(p, int) or not 0 <= p < len(refs) for c in shared for p in c):
            return None
        return {
            "root": header["root"],
            "cwd": header["cwd"],
            "width": width,
            "ref_docs": int(header["ref_docs"]),
            "total": int(header["total"], 16),
            "count": int(header["count"]),
            "shared": shared,
            "unknown": [int(i) for i in header["unknown"] if 0 <= int(i) < len(names)],
            "index": index,
            "paths": names,
            "digests": digests,
            "hashes": content,
            "ndocs": ndocs,
            "first": first,
            "keys": keys,
            "refs": refs,
            "order": order,
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _suppress() -> Any:
    import contextlib

    return contextlib.suppress(OSError)


def snapshot_file(cache_dir: Path, settings: str) -> Path:
    from snaplint.lint.cacherows import CACHE_FORMAT

    return cache_dir / f"v{CACHE_FORMAT}" / f"{settings}.gitindex"
