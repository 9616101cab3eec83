"""Events in PostgreSQL: for several receiver replicas behind one load balancer.

::

    store = PostgresEventStore("host=db.internal dbname=ops user=snaplint")  # or "" + PG* vars

Table ``<schema>.snaplint_events`` (schema ``snaplint`` by default, created on first use),
with the same columns, deduplication and order as the SQLite store (:mod:`.store`):

- a unique index on ``notice_id`` and one on ``(sid, coalesce(uid, ''), sequence,
  event_type)``; :meth:`~PostgresEventStore.add` is one autocommitted
  ``INSERT … ON CONFLICT DO NOTHING``, so two replicas given the same event at once store it
  once and each learns whether it was the one — and the row is durable (the WAL flushed, with
  the server's default ``synchronous_commit``) when ``add`` returns;
- text columns sort with ``COLLATE "C"`` (code point order, as Python and SQLite sort), so
  both stores answer in the same order.

psycopg is imported only when a store is made. The connection string's password never
appears in an error: messages name the server as ``postgres://user@host:port/dbname``.
Connections are pooled per process (``max_connections``, default 8: one per receiver thread,
as ``run_receiver`` runs 8 for PostgreSQL); a broken one is dropped and replaced on the next call.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from snaplint.notifications.events import Event
from snaplint.notifications.store import (
    StoreError,
    cutoff_ms,
    in_order,
    insert_sql,
    now_ms,
    row_of,
    select_sql,
)

if TYPE_CHECKING:
    import psycopg

TABLE = "snaplint_events"
DEFAULT_SCHEMA = "snaplint"
CONNECT_TIMEOUT = 10
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_DDL_LOCK = 0x736E6576  # "snev": orders concurrent first uses' CREATE … IF NOT EXISTS
ORDER = 'order_ms, order_seq, coalesce(uid, \'\') COLLATE "C", event_type, notice_id COLLATE "C"'
ORDER_DESC = (
    "order_ms DESC, order_seq DESC, coalesce(uid, '') COLLATE \"C\" DESC, event_type DESC, "
    'notice_id COLLATE "C" DESC'
)


def _ddl(table: str, schema: str) -> list[str]:
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""CREATE TABLE IF NOT EXISTS {table} (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            notice_id   text   NOT NULL,
            product_id  bigint NOT NULL,
            event_type  bigint NOT NULL,
            notify_ms   bigint NOT NULL,
            sid         text,
            cname       text,
            uid         text,
            sequence    bigint,
            sendts      bigint,
            order_ms    bigint NOT NULL,
            order_seq   bigint NOT NULL,
            app_id      text,
            received_ms bigint NOT NULL,
            body        text   NOT NULL
        )""",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_notice ON {table} (notice_id)",
        f"""CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_copy
            ON {table} (sid, coalesce(uid, ''), sequence, event_type)""",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_by_sid ON {table} (sid, order_ms, order_seq)",
        f"""CREATE INDEX IF NOT EXISTS {TABLE}_by_recorder
            ON {table} (cname, uid, order_ms, order_seq)""",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_by_time ON {table} (order_ms, order_seq)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_by_arrival ON {table} (received_ms)",
    ]


class PostgresEventStore:
    """The :class:`~snaplint.notifications.store.EventStore` protocol on PostgreSQL."""

    name = "postgres"

    def __init__(
        self,
        conninfo: str = "",
        *,
        schema: str = DEFAULT_SCHEMA,
        max_connections: int = 8,
        wait_timeout: float = 5.0,
    ) -> None:
        """``conninfo``: a libpq connection string or URI ("" = the ``PG*`` environment
        variables only). ``wait_timeout``: how long a call waits for a free pooled
        connection before :class:`StoreError` (keep it under Agora's 10 s)."""
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(
                f"invalid PostgreSQL schema name {schema!r} "
                "(lower-case letters, digits and _, starting with a letter or _)"
            )
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        import psycopg  # noqa: F401 — fail here, not at the first event, when it is missing

        self.schema = schema
        self.table = f"{schema}.{TABLE}"
        self._conninfo = conninfo
        self._secrets = _secrets_of(conninfo)
        self.where = _where(conninfo)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._idle: list[psycopg.Connection[Any]] = []
        self._idle_lock = threading.Lock()
        self._wait = wait_timeout
        self._pid = os.getpid()
        self._ready = False  # the table is made at the first call (ping() to check early)

    def __repr__(self) -> str:
        return f"PostgresEventStore({self.where!r}, schema={self.schema!r})"

    # -- connections ------------------------------------------------------------------------

    def _clean(self, exc: BaseException) -> str:
        text = " ".join(str(exc).split()) or type(exc).__name__
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        kwargs: dict[str, Any] = {"autocommit": True, "application_name": "snaplint receiver"}
        if "connect_timeout" not in self._conninfo and not os.environ.get("PGCONNECT_TIMEOUT"):
            kwargs["connect_timeout"] = CONNECT_TIMEOUT
        return psycopg.connect(self._conninfo, **kwargs)

    def _take(self) -> psycopg.Connection[Any]:
        with self._idle_lock:
            if self._pid != os.getpid():  # forked: the parent's sockets are not ours to use
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and not conn.broken:
                    return conn
        return self._connect()

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        if conn.closed or conn.broken:
            with contextlib.suppress(Exception):
                conn.close()
            return
        with self._idle_lock:
            if self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()

    def _run(self, what: str, work: Any) -> Any:
        import psycopg

        if not self._slots.acquire(timeout=self._wait):
            raise StoreError(
                f"cannot {what} in the event store {self.where}: every connection is busy"
            )
        conn = None
        try:
            conn = self._take()
            if not self._ready:
                self._create(conn)
                self._ready = True
            return work(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot {what} in the event store {self.where}: {self._clean(exc)}"
            ) from None
        finally:
            if conn is not None:
                self._give_back(conn)
            self._slots.release()

    def _create(self, conn: psycopg.Connection[Any]) -> None:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self.table,)).fetchone()
        if row and row[0]:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK,))
            for statement in _ddl(self.table, self.schema):
                conn.execute(statement)

    # -- the protocol -----------------------------------------------------------------------

    def add(self, event: Event) -> bool:
        sql = insert_sql(self.table, "%s")
        row = row_of(event, now_ms())
        return bool(self._run("store an event", lambda c: c.execute(sql, row).rowcount == 1))

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
            self.table,
            "%s",
            limit,
            sid=sid,
            cname=cname,
            uid=uid,
            app_id=app_id,
            event_types=event_types,
            since_ms=since_ms,
        )
        rows = self._run("read events", lambda c: c.execute(sql, params).fetchall())
        return in_order(rows, limit)

    def prune(self, older_than_days: float, *, now_ms: int | None = None) -> int:
        cutoff = cutoff_ms(older_than_days, now_ms)
        sql = f"DELETE FROM {self.table} WHERE received_ms < %s"
        return int(self._run("prune events", lambda c: c.execute(sql, (cutoff,)).rowcount))

    def count(self) -> int:
        sql = f"SELECT count(*) FROM {self.table}"
        return int(self._run("count events", lambda c: c.execute(sql).fetchone()[0]))

    def ping(self) -> None:
        self._run("reach", lambda c: c.execute("SELECT 1").fetchone())

    def close(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
            ours = self._pid == os.getpid()
        for conn in idle:
            if ours:
                with contextlib.suppress(Exception):
                    conn.close()

    def __enter__(self) -> PostgresEventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _parsed(conninfo: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return dict(conninfo_to_dict(conninfo)) if conninfo else {}
    except Exception:
        return {}


def _secrets_of(conninfo: str) -> set[str]:
    """What must never appear in a message: the password and the whole connection string."""
    found = {conninfo} if conninfo else set()
    password = _parsed(conninfo).get("password") or os.environ.get("PGPASSWORD")
    if password:
        found.add(str(password))
    return found


def _where(conninfo: str) -> str:
    """``postgres://user@host:port/dbname``: enough to recognise the server, no password."""
    params = _parsed(conninfo)

    def get(key: str, var: str, default: str = "") -> str:
        return str(params.get(key) or os.environ.get(var) or default)

    user = get("user", "PGUSER")
    host = get("host", "PGHOST", "localhost")
    port = get("port", "PGPORT", "5432")
    db = get("dbname", "PGDATABASE", user or "postgres")
    return f"postgres://{user + '@' if user else ''}{host}:{port}/{db}"
