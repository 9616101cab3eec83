"""The lint results cache (ruff-style): one SQLite database per project and settings.

::

    .snaplint_cache/v3/<settings key>.sqlite3

under the cache folder (default ``<project root>/.snaplint_cache``; ``--cache-dir``,
``SNAPLINT_CACHE_DIR``, ``cache.dir`` in the config; off with ``--no-cache``,
``SNAPLINT_NO_CACHE=1`` or ``cache.enabled: false``). It holds, per file (by absolute path),
the content hash, that file's own findings, the project rules' key hashes of its documents
(:func:`snaplint.lint.projectstage.key_hash`: a run on one changed file of a large tree indexes
every other file from its entry, without reading its documents back) and the data of its
documents that the project rules read (only for documents without a literal secret value, so
the cache never holds one); and the project stage's findings, keyed by the set of files they
were computed over.

The **settings key** hashes everything a file's own results depend on besides its bytes:
snaplint's version and a fingerprint of its code and schemas (size and mtime of every module,
so an editable install never serves results of older code), every rule's module (plugins
included, so a plugin upgrade invalidates), the libraries that parse and validate, and the
effective configuration (enabled rules, severities, rule options, API revision, mode, size
limit) plus today's date (rules may compare with the clock). A file's entry is used only when
the **blake2b hash of its bytes** matches, or when its size and mtime are those recorded and
the file was last written well before it was read (git's "racy" rule). Suppressions and
per-file ignores are applied after the cache on every run, so editing them needs no
invalidation. ``--resolve-env`` runs are never cached: their results depend on environment
values, which are often secrets.

Why SQLite: a large tree's cache is looked up and written one file at a time, so a run never
holds the whole cache in memory; concurrent runs are serialised by SQLite's own locking
(write-ahead log, short write transactions), so nobody reads a torn file and the last writer
of a file's entry wins. A locked, read-only or full cache only costs cache misses: lint results
never depend on it. A corrupt or foreign file is replaced. The cache holds no pickles: loading
it cannot run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from snaplint.config import CACHE_DIR_NAME
from snaplint.lint.cacherows import CACHE_FORMAT, encode_json, row_checksum, valid_rows

DEFAULT_DIR = CACHE_DIR_NAME
BATCH = 100  # entries per write transaction (what waits to be written is this many, not the tree)
BUSY_TIMEOUT = 5.0  # seconds a run waits for another run's write before giving up on the cache
OPEN_ATTEMPTS = 8  # opening a database another run is creating can fail at once: try again
STALE_AFTER = 30 * 24 * 3600  # settings databases unused this long are removed
PRUNE_EVERY = 24 * 3600  # entries of deleted files are dropped at most this often
# A file whose mtime is this close to the time it was read may have changed again within the
# file system's timestamp granularity without changing size ("racy" in git's words).
RACY_NS = 1_000_000_000


# --------------------------------------------------------------------------- the database


def default_cache_dir(root: Path) -> Path:
    return root / DEFAULT_DIR


class Entry(NamedTuple):
    """A file's cached results, as stored (JSON columns are decoded only when used)."""

    hash: str  # blake2b of the file's bytes
    size: int | None  # stat taken just before the file was read
    mtime: int | None
    read_ns: int  # when that stat was taken
    suppressions: bool  # the text has "snaplint:" comments
    documents: int
    diagnostics: str | None  # JSON rows (diag_row), None when there are none
    checked: str | None  # JSON [[index, kind], ...] of the checked documents, None when none
    # per checked document in turn, its key hash for each keyed rule (int64, native order)
    keys: bytes | None = None

    def unchanged(self, stat: list[int] | None) -> bool:
        """Same size and mtime, and written well before it was read: same bytes, unread."""
        return (
            stat is not None
            and stat[0] == self.size
            and stat[1] == self.mtime
            and stat[1] < self.read_ns - RACY_NS
        )

    def diagnostic_rows(self) -> list[list[Any]]:
        return json.loads(self.diagnostics) if self.diagnostics else []

    def checked_documents(self) -> dict[int, str]:
        return {int(i): str(kind) for i, kind in json.loads(self.checked)} if self.checked else {}


_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, hash TEXT NOT NULL, size INTEGER, mtime INTEGER,
    read_ns INTEGER NOT NULL, suppressions INTEGER NOT NULL, documents INTEGER NOT NULL,
    diagnostics TEXT, checked TEXT, keys BLOB, docs TEXT, checksum TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS project (
    id INTEGER PRIMARY KEY CHECK (id = 0), files_key TEXT NOT NULL, diagnostics TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
"""


def _create(con: sqlite3.Connection) -> None:
    """Tables of a new database, in one transaction: two runs creating it at once both see the
    tables whole, and neither mistakes the other's half-made database for a corrupt one."""
    con.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    con.execute("BEGIN IMMEDIATE")
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                con.execute(statement)
            # a new database has nothing stale: the first prune is a day away
            con.execute("INSERT OR REPLACE INTO meta VALUES ('pruned_ns', ?)", (time.time_ns(),))
            con.execute(f"PRAGMA user_version = {CACHE_FORMAT}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


_GET = (
    "SELECT path, hash, size, mtime, read_ns, suppressions, documents, diagnostics, checked, "
    "keys, checksum FROM files WHERE path"
)
_ROW_TYPES = (str, (int, type(None)), (int, type(None)), int, int, int, (str, type(None)))


def _payload(entry: Entry) -> tuple[Any, ...]:
    # the stat columns are left out: touch() updates them in place, and a wrong stat only
    # makes the file be read again (its content hash decides)
    return (
        entry.hash,
        entry.suppressions,
        entry.documents,
        entry.diagnostics,
        entry.checked,
        entry.keys,
    )


def _storable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode's surrogates of a name that is not UTF-8
        return False
    return True


def _valid(entry: Entry, checksum: Any) -> bool:
    """A row as put() wrote it: its checksum matches and its columns decode to their types."""
    try:
        if checksum != row_checksum(_payload(entry)):
            return False
        if not all(isinstance(v, t) for v, t in zip(entry, _ROW_TYPES, strict=False)):
            return False
        if entry.checked is not None:
            checked = json.loads(entry.checked)
            if not isinstance(checked, list) or not all(
                isinstance(c, list) and len(c) == 2 and type(c[0]) is int and isinstance(c[1], str)
                for c in checked
            ):
                return False
        if entry.keys is not None and not isinstance(entry.keys, bytes):
            return False
        return entry.diagnostics is None or valid_rows(json.loads(entry.diagnostics))
    except (ValueError, TypeError, RecursionError):
        return False


class Cache:
    """The cache database of one (project, settings key): looked up a batch of files at a time
    and written in short transactions, never loaded whole."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = Path(directory)
        self.key = key
        self.folder = self.directory / f"v{CACHE_FORMAT}"
        self.path = self.folder / f"{key}.sqlite3"
        self.dirty = False  # something was written: prune entries of deleted files
        self._pending: list[tuple[Any, ...]] = []  # entries waiting to be written (a batch)
        self._touched: list[tuple[Any, ...]] = []  # new stats of unchanged files
        self._con: sqlite3.Connection | None = None
        self._writable = True
        self._reading = False  # in a read transaction
        self._warned = False  # a damaged row was reported (once a run)
        # the database is created by the first write: a run that writes nothing leaves no trace
        if self.path.exists():
            self._connect(create=False)
        self.empty = self._con is None or self._one("SELECT 1 FROM files LIMIT 1") is None

    # -- opening --

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        if self._con is None and self._writable:
            for attempt in range(OPEN_ATTEMPTS):
                try:
                    self._con = self._open(create)  # None: a corrupt file was removed
                    return self._con
                except sqlite3.OperationalError:
                    # another run switching a new database to WAL answers "locked" at once,
                    # without SQLite's busy wait: wait a little and look again
                    time.sleep(0.02 * (attempt + 1))
                except (OSError, sqlite3.Error):
                    break
            self._writable = False  # read-only folder, locked for long: lint uncached
        return self._con

    def _open(self, create: bool) -> sqlite3.Connection | None:
        if create:
            self._prepare()
        for attempt in range(2):
            con = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, CACHE_FORMAT):
                    raise sqlite3.DatabaseError(f"cache format {version}")
                if version == 0:
                    _create(con)
                # a cache never waits for the disk: a power cut may corrupt it, and a corrupt
                # cache is replaced (see _broken); a killed run cannot
                con.execute("PRAGMA synchronous = OFF")
                con.execute("PRAGMA cache_size = -256")  # KiB: lookups touch each leaf once
                return con
            except sqlite3.OperationalError:
                con.close()
                raise  # locked or unwritable: no cache for this run
            except sqlite3.DatabaseError:
                con.close()
                if attempt:
                    raise
                self._remove()  # corrupt or foreign: start again
                if not create:
                    return None
        raise AssertionError("unreachable")

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

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
        import shutil

        for old in range(1, CACHE_FORMAT):  # caches of earlier formats are never read again
            shutil.rmtree(self.directory / f"v{old}", ignore_errors=True)

    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        if self._con is None:
            return None
        try:
            return self._con.execute(sql, args).fetchone()
        except sqlite3.Error:
            return None  # a broken or locked database is a miss

    # -- reading --

    def get(self, real: str) -> Entry | None:
        """The entry of the file at the absolute path ``real``, if there is one."""
        return self.get_many([real]).get(real)

    def get_many(self, reals: Sequence[str]) -> dict[str, Entry]:
        """The entries of the files at the absolute paths ``reals`` (at most a few hundred:
        one query), by path; files without one are left out."""
        reals = [r for r in reals if _storable(r)]
        if self.empty or self._con is None or not reals:
            return {}
        try:
            if not self._reading:
                # lookups share one read transaction (one snapshot, one lock) until a write
                self._con.execute("BEGIN")
                self._reading = True
            marks = ",".join("?" * len(reals))
            rows = self._con.execute(f"{_GET} IN ({marks})", reals).fetchall()
        except sqlite3.Error as exc:
            self._broken(exc)
            return {}  # a broken or locked database is a miss
        out: dict[str, Entry] = {}
        for row in rows:
            entry = Entry(*row[1:-1])
            if _valid(entry, row[-1]):
                out[row[0]] = entry
            else:  # a miss: the file is linted again and its row rewritten
                self._damaged(str(row[0]))
        return out

    def _damaged(self, path: str) -> None:
        if not self._warned:
            self._warned = True
            print(
                f"snaplint: warning: damaged lint cache entry for {path!r} ignored; such files "
                "are linted again and their entries rewritten",
                file=sys.stderr,
            )

    def docs(self, real: str) -> list[Any] | None:
        """The data of the checked documents stored with the file's entry (read only when
        the project stage needs it: lookups leave it on disk)."""
        row = self._one("SELECT docs FROM files WHERE path = ?", (real,))
        try:
            data = json.loads(row[0]) if row is not None and row[0] is not None else None
        except (ValueError, TypeError, RecursionError):
            return None
        if not isinstance(data, list) or not all(
            isinstance(d, list) and len(d) == 3 and type(d[0]) is int and isinstance(d[1], str)
            for d in data
        ):
            return None  # damaged: the caller parses the file instead
        return data

    def project(self, files_key: str) -> list[tuple[str, list[Any]]] | None:
        """The project stage's findings over exactly the files ``files_key`` names."""
        row = self._one(
            "SELECT diagnostics FROM project WHERE id = 0 AND files_key = ?", (files_key,)
        )
        try:
            data = json.loads(row[0]) if row is not None else None
        except (ValueError, TypeError, RecursionError):
            data = None
        if data is None:
            return None
        if isinstance(data, list) and all(
            isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and valid_rows([r[1]])
            for r in data
        ):
            return [(f, row) for f, row in data]
        self._damaged("<project stage>")
        return None

    # -- writing --

    def put(self, real: str, entry: Entry, docs: str | None) -> None:
        """Record a file linted this run (and its checked documents' data as JSON, when they
        may be kept)."""
        if not _storable(real):
            return  # SQLite text is UTF-8: a non-UTF-8 name is linted again each run
        self._pending.append((real, *entry, docs, row_checksum(_payload(entry))))
        if len(self._pending) + len(self._touched) >= BATCH:
            self._flush()

    def touch(self, real: str, stat: list[int] | None) -> None:
        """A file read again with the same bytes: record its new stat, so the next run need
        not read it."""
        if stat is not None and _storable(real):
            self._touched.append((stat[0], stat[1], stat[2], real))
            if len(self._pending) + len(self._touched) >= BATCH:
                self._flush()

    def set_project(self, files_key: str, rows: list[tuple[str, list[Any]]]) -> None:
        self._write(
            "INSERT OR REPLACE INTO project VALUES (0, ?, ?)", [(files_key, encode_json(rows))]
        )

    def _flush(self) -> None:
        entries, touched = self._pending, self._touched
        self._pending, self._touched = [], []
        if entries:
            self._write(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries
            )
        if touched:
            self._write("UPDATE files SET size = ?, mtime = ?, read_ns = ? WHERE path = ?", touched)

    def _end_reads(self) -> None:
        if self._reading and self._con is not None:
            self._reading = False
            with contextlib.suppress(sqlite3.Error):
                self._con.execute("COMMIT")

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        con = self._connect(create=True)
        if con is None or not self._writable:
            return
        self._end_reads()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany(sql, rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            self.dirty = True
            self.empty = False
        except sqlite3.Error as exc:
            self._writable = False  # locked for long, read-only or full: results stay correct
            self._broken(exc)

    def _broken(self, exc: sqlite3.Error) -> None:
        """Remove a database found corrupt (not merely locked or read-only): the next run
        starts a new one."""
        if isinstance(exc, sqlite3.OperationalError) or not isinstance(exc, sqlite3.DatabaseError):
            return
        self._writable = False
        self.empty = True
        if self._con is not None:
            with contextlib.suppress(sqlite3.Error):
                self._con.close()
            self._con = None
        with contextlib.suppress(OSError):
            self._remove()

    def save(self) -> None:
        """Write what is pending, drop what is stale, close."""
        try:
            self._flush()
            if self.dirty and self._writable:
                self._prune_entries()
                self._prune_settings()
        except (OSError, sqlite3.Error):
            pass  # a cache that cannot be tidied is still a cache
        finally:
            self._end_reads()
            if self._con is not None:
                self._con.close()
                self._con = None

    def _prune_entries(self) -> None:
        """Entries of files that no longer exist (daily at most: it stats every cached path)."""
        assert self._con is not None
        now = time.time_ns()
        row = self._one("SELECT value FROM meta WHERE name = 'pruned_ns'")
        if row is not None and isinstance(row[0], int) and now - row[0] < PRUNE_EVERY * 10**9:
            return
        gone = [
            (path,)
            for (path,) in self._con.execute("SELECT path FROM files")
            if not os.path.exists(path)
        ]
        self._write("DELETE FROM files WHERE path = ?", gone)
        self._write("INSERT OR REPLACE INTO meta VALUES ('pruned_ns', ?)", [(now,)])

    def _prune_settings(self) -> None:
        """Databases of other settings unused for a month."""
        now = time.time()
        for entry in os.scandir(self.folder):
            if entry.name.startswith(self.key):
                continue
            try:
                if now - entry.stat().st_mtime > STALE_AFTER:
                    os.unlink(entry.path)
            except OSError:
                continue
