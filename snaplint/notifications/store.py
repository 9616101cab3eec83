"""Where received events are kept: the :class:`EventStore` protocol and its SQLite
implementation (PostgreSQL: :mod:`snaplint.notifications.store_postgres`).

Every store keeps each event **once**. Two rules decide what "once" means:

- by ``noticeId`` — Agora resends a notification it got no ``200`` for with the same noticeId;
- by ``(sid, uid, sequence, eventType)`` — with redundant notifications enabled, Agora sends
  every event twice, and the second copy carries a *new* noticeId. The payload's ``sequence``
  numbers the notifications of a session. The uid is part of the key because during a
  failover the old and the new recorder (a new uid, event 12) may both report; those are two
  reports, told apart by uid (reference §7.3), not copies — without the uid, whichever came
  first would win and the store would depend on the delivery order. Events without a sid or
  sequence are deduplicated by noticeId only.

:meth:`EventStore.add` returns whether the event was new, and returns only once it is
durable (see :class:`SQLiteEventStore` for what that means for SQLite). Queries answer
oldest first by when the event happened (:attr:`Event.order_key`: ``sendts``, then
``sequence``…), never by arrival, so events delivered in any order read back alike.

What is stored is the event: the body as received plus the App ID and arrival time. Never
the request headers (the signatures), never a secret.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from snaplint.notifications.events import Event, Malformed, parse_event

FILE_NAME = "events.sqlite3"
DEFAULT_RETENTION_DAYS = 30.0
DAY_MS = 86_400_000
SCHEMA_VERSION = 1


class StoreError(Exception):
    """The store could not do what was asked (unreachable, locked too long, corrupt…).
    Messages name the store, never a secret."""


@runtime_checkable
class EventStore(Protocol):
    """What the receiver and ``status`` need of a store. Implementations are thread-safe."""

    def add(self, event: Event) -> bool:
        """Store ``event`` durably unless it is already stored; ``True`` if it was new."""
        ...

    def events(
        self,
        *,
        sid: str | None = None,
        cname: str | None = None,
        uid: str | None = None,
        app_id: str | None = None,
        event_types: Iterable[int] | None = None,
        since_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Matching events, oldest first by :attr:`Event.order_key`. Every filter given must
        match (``since_ms``: happened at or after). With ``limit``, the *latest* ``limit``
        matching events (still oldest first)."""
        ...

    def prune(self, older_than_days: float, *, now_ms: int | None = None) -> int:
        """Delete events received more than ``older_than_days`` ago; how many went."""
        ...

    def count(self) -> int: ...

    def ping(self) -> None:
        """Raise :class:`StoreError` unless the store answers (for health checks)."""
        ...

    def close(self) -> None: ...


# -- shared by the implementations -----------------------------------------------------------

COLUMNS = (
    "notice_id",
    "product_id",
    "event_type",
    "notify_ms",
    "sid",
    "cname",
    "uid",
    "sequence",
    "sendts",
    "order_ms",
    "order_seq",
    "app_id",
    "received_ms",
    "body",
)
ORDER = "order_ms, order_seq, coalesce(uid, ''), event_type, notice_id"
ORDER_DESC = (
    "order_ms DESC, order_seq DESC, coalesce(uid, '') DESC, event_type DESC, notice_id DESC"
)


def row_of(event: Event, now_ms: int) -> tuple[Any, ...]:
    """The stored columns of ``event`` (``COLUMNS`` order)."""
    return (
        event.notice_id,
        event.product_id,
        event.event_type,
        event.notify_ms,
        event.sid,
        event.cname,
        event.uid,
        event.sequence,
        event.sendts,
        event.order_ms,
        event.sequence if event.sequence is not None else -1,
        event.app_id,
        event.received_ms if event.received_ms is not None else now_ms,
        event.body,
    )


def event_of(body: str, app_id: str | None, received_ms: int) -> Event:
    parsed = parse_event(body, app_id=app_id, received_ms=received_ms)
    if isinstance(parsed, Malformed):  # it parsed on the way in: the row was altered
        raise StoreError(f"a stored event no longer parses ({parsed.reason})")
    return parsed


def where(
    placeholder: str,
    *,
    sid: str | None,
    cname: str | None,
    uid: str | None,
    app_id: str | None,
    event_types: Iterable[int] | None,
    since_ms: int | None,
) -> tuple[str, list[Any]]:
    """A ``WHERE`` clause (or ``""``) and its parameters, with ``placeholder`` (``?``/``%s``)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("sid", sid), ("cname", cname), ("uid", uid), ("app_id", app_id)):
        if value is not None:
            clauses.append(f"{column} = {placeholder}")
            params.append(value)
    if event_types is not None:
        types = sorted({int(t) for t in event_types})
        if not types:
            clauses.append("1 = 0")
        else:
            clauses.append(f"event_type IN ({', '.join([placeholder] * len(types))})")
            params.extend(types)
    if since_ms is not None:
        clauses.append(f"order_ms >= {placeholder}")
        params.append(int(since_ms))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def insert_sql(table: str, placeholder: str) -> str:
    """The ``INSERT`` of one event (``row_of``'s columns) that skips one already stored."""
    return (
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join([placeholder] * len(COLUMNS))}) ON CONFLICT DO NOTHING"
    )


def select_sql(
    table: str, placeholder: str, limit: int | None, **filters: Any
) -> tuple[str, list[Any]]:
    """The ``SELECT`` of :meth:`EventStore.events` and its parameters: with ``limit`` the
    latest rows first (:func:`in_order` turns them back), else oldest first."""
    clause, params = where(placeholder, **filters)
    sql = f"SELECT body, app_id, received_ms FROM {table}{clause}"
    if limit is None:
        return f"{sql} ORDER BY {ORDER}", params
    return f"{sql} ORDER BY {ORDER_DESC} LIMIT {placeholder}", [*params, int(limit)]


def in_order(rows: Iterable[Sequence[Any]], limit: int | None) -> list[Event]:
    """The events of ``select_sql``'s rows, oldest first."""
    found = [event_of(*row) for row in rows]
    return found[::-1] if limit is not None else found


def cutoff_ms(older_than_days: float, now_ms: int | None) -> int:
    if not older_than_days > 0:
        raise ValueError("the retention must be a positive number of days")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return now - int(older_than_days * DAY_MS)


def now_ms() -> int:
    return int(time.time() * 1000)


# -- SQLite ------------------------------------------------------------------------------------

_DDL = (
    """CREATE TABLE IF NOT EXISTS events (
        id          INTEGER PRIMARY KEY,
        notice_id   TEXT    NOT NULL,
        product_id  INTEGER NOT NULL,
        event_type  INTEGER NOT NULL,
        notify_ms   INTEGER NOT NULL,
        sid         TEXT,
        cname       TEXT,
        uid         TEXT,
        sequence    INTEGER,
        sendts      INTEGER,
        order_ms    INTEGER NOT NULL,
        order_seq   INTEGER NOT NULL,
        app_id      TEXT,
        received_ms INTEGER NOT NULL,
        body        TEXT    NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS events_notice ON events (notice_id)",
    # NULL sid or sequence: never equal, so such events are deduplicated by noticeId only
    """CREATE UNIQUE INDEX IF NOT EXISTS events_copy
        ON events (sid, coalesce(uid, ''), sequence, event_type)""",
    "CREATE INDEX IF NOT EXISTS events_by_sid ON events (sid, order_ms, order_seq)",
    "CREATE INDEX IF NOT EXISTS events_by_recorder ON events (cname, uid, order_ms, order_seq)",
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (order_ms, order_seq)",
    "CREATE INDEX IF NOT EXISTS events_by_arrival ON events (received_ms)",
)
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


class SQLiteEventStore:
    """Events in ``<directory>/events.sqlite3`` (the receiver uses ``<project>/.snaplint/``).

    Several receiver processes may share one file: it is in WAL mode (readers never block the
    writer), and a writer that finds the file locked waits up to ``busy_timeout_ms`` (SQLite's
    busy handler) before :meth:`add` raises :class:`StoreError` — keep it below Agora's 10 s
    answer deadline, so a stuck store answers 503 and Agora retries. Each process holds one
    connection, shared by its threads under a lock (one writer per process: SQLite serialises
    writers anyway, and one connection avoids a connection per request).

    Durability: every :meth:`add` is one ``INSERT`` in its own transaction, committed before it
    returns. In WAL mode with ``synchronous=NORMAL`` (the default) a commit is written to the
    ``-wal`` file by ``write(2)`` and fsynced only at checkpoints: once :meth:`add` returned,
    the event survives the process dying in any way (SIGKILL, OOM, a crash) — the kernel has
    the bytes, and the next opener reads the WAL — but an OS crash or power cut can lose the
    last commits (never corrupting the file). ``synchronous="FULL"`` fsyncs the WAL at every
    commit: it survives power loss too, for one fsync per event.
    """

    name = "sqlite"

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        synchronous: str = "NORMAL",
        busy_timeout_ms: int = 5000,
        file_name: str = FILE_NAME,
    ) -> None:
        if synchronous.upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(_SYNCHRONOUS)}")
        self.directory = Path(directory)
        self.path = self.directory / file_name
        self.synchronous = synchronous.upper()
        self.busy_timeout_ms = int(busy_timeout_ms)
        self.journal_mode = ""
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        with self._lock:
            self._connect()

    def __repr__(self) -> str:
        return f"SQLiteEventStore({str(self.path)!r})"

    # -- connection -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """The process's connection (a forked child opens its own: SQLite connections must
        not cross a fork)."""
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._conn = None
        try:
            from snaplint.workdir import make_dirs

            make_dirs(self.directory)  # .snaplint/ gets its .gitignore
            conn = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout_ms / 1000,
                isolation_level=None,  # autocommit: each INSERT is its own transaction
                check_same_thread=False,  # shared by the server's threads, under self._lock
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the event store {self.path}: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            self.journal_mode = self._wal(conn)
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            self._create(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open the event store {self.path}: {exc}") from None
        except StoreError:
            conn.close()
            raise
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _wal(self, conn: sqlite3.Connection) -> str:
        # Switching a new file to WAL needs a moment alone with it; a second process opening
        # the same new file at that moment may be told "locked" at once (the busy handler is
        # not used for it), so retry until the busy timeout.
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        while True:
            try:
                return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _create(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the event store {self.path} was written by a newer snaplint "
                f"(schema {version}, this one reads {SCHEMA_VERSION})"
            )
        conn.execute("BEGIN IMMEDIATE")  # concurrent first openers: one creates, the rest wait
        try:
            for statement in _DDL:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _run(self, what: str, work: Any) -> Any:
        with self._lock:
            try:
                return work(self._connect())
            except sqlite3.Error as exc:
                raise StoreError(f"event store {self.path}: {what} failed: {exc}") from None

    # -- the protocol ---------------------------------------------------------------------

    def add(self, event: Event) -> bool:
        sql = insert_sql("events", "?")
        row = row_of(event, now_ms())
        return bool(self._run("storing an event", lambda c: c.execute(sql, row).rowcount == 1))

    def events(
        self,
        *,
        sid: str | None = None,
        cname: str | None = None,
        uid: str | None = None,
        app_id: str | None = None,
        event_types: Iterable[int] | None = None,
        since_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        sql, params = select_sql(
            "events",
            "?",
            limit,
            sid=sid,
            cname=cname,
            uid=uid,
            app_id=app_id,
            event_types=event_types,
            since_ms=since_ms,
        )
        rows: Sequence[tuple[str, str | None, int]] = self._run(
            "reading events", lambda c: c.execute(sql, params).fetchall()
        )
        return in_order(rows, limit)

    def prune(self, older_than_days: float, *, now_ms: int | None = None) -> int:
        cutoff = cutoff_ms(older_than_days, now_ms)
        return int(
            self._run(
                "pruning events",
                lambda c: c.execute("DELETE FROM events WHERE received_ms < ?", (cutoff,)).rowcount,
            )
        )

    def count(self) -> int:
        return int(
            self._run(
                "counting events", lambda c: c.execute("SELECT count(*) FROM events").fetchone()[0]
            )
        )

    def ping(self) -> None:
        self._run("a health check", lambda c: c.execute("SELECT 1").fetchone())

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> SQLiteEventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
