"""The PostgreSQL backend: one row per workspace, advisory locks, for teams and CI runners.

Configured with ``state.backend: postgres`` (or ``SNAPLINT_STATE_BACKEND=postgres``). The
connection comes from ``SNAPLINT_PG_DSN`` (a libpq connection string or URI) or, when that
is unset, from the standard libpq environment variables (``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGPASSWORD``, ``PGDATABASE``, ``PGSERVICE``, ``PGPASSFILE``…) — never from the project
config, which is committed, and never written anywhere: messages name the server as
``postgres://user@host:port/dbname`` and every error text is scrubbed of the password.

Schema (``SNAPLINT_PG_SCHEMA``, default ``snaplint``): one row per workspace in ``states``,
apply's journal in ``journal``, lock holders in ``locks``, created on first use
(:mod:`snaplint.state.backends.pgschema`). The connection's details are in
:mod:`snaplint.state.backends.pgconninfo`.

- ``write`` is one upsert that moves the stored version into ``backup`` and stores the new
  one — atomic by construction (one statement, one transaction).
- ``journal_append`` is one autocommitted INSERT: durable (WAL flushed) when it returns.
- The **lock** is ``pg_try_advisory_lock(namespace, id)`` on a connection opened for it and
  held for the lock's lifetime. A session-level advisory lock belongs to the server backend
  of that connection: when the process holding it dies (SIGKILL, a cancelled CI job), the
  kernel closes its socket, the backend exits and the lock disappears with it — a crashed
  runner cannot leave a stuck lock. The lock connection asks the *server* to send TCP
  keepalives, so even a runner whose machine vanished without closing its socket loses the
  lock within about a minute. The holder's info (ID, operation, user@host, pid, start time)
  is stored in ``locks`` together with the lock connection's backend pid; a row is believed
  only while ``pg_locks`` shows that backend holding the advisory lock, so rows left behind
  by crashed runners are ignored (and overwritten by the next holder).
- ``force-unlock`` (for a holder that hangs) terminates the holder's lock connection
  (``pg_terminate_backend``), which needs the holder's lock ID, as for the file backend. A
  holder that loses its lock (forced, or the server restarted) notices at its next write:
  writes and journal appends of a lock holder first check that the lock is still held.

The workspace's lock key is ``(namespace, states.id)``: the namespace is derived from the
schema name (so two snaplint schemas in one database do not share locks), and the id is the
workspace row's identity column, assigned when the workspace is first locked or written —
unique, so two workspaces never share a lock.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from snaplint.redaction import scrub
from snaplint.state.backends.base import (
    DEFAULT_WORKSPACE,
    BackendError,
    LockError,
    LockInfo,
    check_workspace,
)
from snaplint.state.backends.pgconninfo import ENV_DSN as ENV_DSN
from snaplint.state.backends.pgconninfo import (
    SERVER_KEEPALIVES,
    check_dsn,
    connect_options,
    libpq_env,
    secrets_of,
    server_name,
)
from snaplint.state.backends.pgschema import SCHEMA_LOCK, SCHEMA_NAME, TABLES, ddl, lock_namespace

if TYPE_CHECKING:
    import psycopg
    from psycopg.sql import Composed

ENV_SCHEMA = "SNAPLINT_PG_SCHEMA"
DEFAULT_SCHEMA = "snaplint"
INFO_WAIT = 1.0  # a new holder writes its info right after locking: wait this long for it
FORCE_WAIT = 5.0  # force-unlock: how long the terminated holder may take to let go
POLL_MIN, POLL_MAX = 0.05, 0.5  # lock polling interval while waiting (--lock-timeout)

T = TypeVar("T")


class PostgresBackend:
    """State of one workspace in a PostgreSQL database."""

    name = "postgres"

    def __init__(
        self,
        conninfo: str = "",
        *,
        workspace: str = DEFAULT_WORKSPACE,
        schema: str = DEFAULT_SCHEMA,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """``conninfo`` is a libpq connection string or URI; empty means "libpq environment
        variables only" (read from ``env``, default ``os.environ``)."""
        if not SCHEMA_NAME.match(schema):
            raise BackendError(
                f"invalid PostgreSQL schema name {schema!r} "
                "(lower-case letters, digits and _, starting with a letter or _)"
            )
        self.workspace = check_workspace(workspace)
        self.schema = schema
        self._conninfo = conninfo
        self._env = dict(os.environ if env is None else env)
        self._secrets = secrets_of(conninfo, self._env)
        self._where = server_name(conninfo, self._env)
        self._namespace = lock_namespace(schema)
        self._conn: psycopg.Connection[Any] | None = None
        self._conn_lock = threading.RLock()
        self._lock_conn: psycopg.Connection[Any] | None = None
        self._held: LockInfo | None = None
        self._ready = False

    def describe(self) -> str:
        return f"{self._where} (schema {self.schema}, workspace {self.workspace})"

    @property
    def conninfo(self) -> str:
        """The connection string, for stores that share this database (the event store).
        It may hold a password: pass it on, never print it (:meth:`describe` is for people)."""
        return self._conninfo

    # -- connections ------------------------------------------------------------------------

    def _connect(self, purpose: str) -> psycopg.Connection[Any]:
        import psycopg

        try:
            with libpq_env(self._env):
                return psycopg.connect(
                    self._conninfo, **connect_options(purpose, self._conninfo, self._env)
                )
        except psycopg.Error as exc:
            raise BackendError(
                f"cannot connect to the PostgreSQL state backend {self._where}: {self._clean(exc)}"
            ) from None

    def _clean(self, exc: BaseException) -> str:
        """An error's text, one line, without the password or the connection string."""
        text = " ".join(str(exc).split()) or type(exc).__name__
        return scrub(text, self._secrets)

    def _run(self, what: str, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run ``work`` on the shared connection (opened, and the schema created, on first
        use). A broken connection is dropped so that the next call opens a fresh one."""
        import psycopg

        with self._conn_lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect("state")
            conn = self._conn
            try:
                if not self._ready:
                    self._create_schema(conn)
                    self._ready = True
                return work(conn)
            except psycopg.Error as exc:
                if conn.broken or conn.closed:
                    with contextlib.suppress(Exception):
                        conn.close()
                    self._conn = None
                raise BackendError(
                    f"cannot {what} in the PostgreSQL state backend {self._where}: "
                    f"{self._clean(exc)}"
                ) from None

    def _create_schema(self, conn: psycopg.Connection[Any]) -> None:
        # CREATE … IF NOT EXISTS races with itself (unique violations in the catalogs) when
        # two runners use a fresh database at once: a transaction-level advisory lock orders
        # them. The fast path skips it when the tables exist.
        row = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL "
            "AND to_regclass(%s) IS NOT NULL",
            (f"{self.schema}.states", f"{self.schema}.journal", f"{self.schema}.locks"),
        ).fetchone()
        if row and row[0]:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (SCHEMA_LOCK, self._namespace))
            for statement in ddl(self.schema):
                conn.execute(statement)

    def _sql(self, template: str, **identifiers: str) -> Composed:
        """``template`` with ``{states}``, ``{journal}``, ``{locks}`` (this schema's tables)
        and the given ``identifiers`` quoted as SQL identifiers."""
        from psycopg import sql

        names: dict[str, Any] = {t: sql.Identifier(self.schema, t) for t in TABLES}
        names.update({k: sql.Identifier(v) for k, v in identifiers.items()})
        return sql.SQL(template).format(**names)  # type: ignore[arg-type]

    # -- state ------------------------------------------------------------------------------

    def read(self) -> bytes | None:
        return self._read_column("data")

    def read_backup(self) -> bytes | None:
        return self._read_column("backup")

    def _read_column(self, column: str) -> bytes | None:
        def work(conn: psycopg.Connection[Any]) -> bytes | None:
            row = conn.execute(
                self._sql("SELECT {column} FROM {states} WHERE workspace = %s", column=column),
                (self.workspace,),
            ).fetchone()
            return bytes(row[0]) if row and row[0] is not None else None

        return self._run("read the state", work)

    def write(self, data: bytes) -> None:
        self._check_held()

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                self._sql("""INSERT INTO {states} AS s (workspace, data)
                    VALUES (%s, %s)
                    ON CONFLICT (workspace) DO UPDATE
                    SET backup = s.data, data = EXCLUDED.data, updated_at = now()"""),
                (self.workspace, data),
            )

        self._run("write the state", work)

    # -- journal ----------------------------------------------------------------------------

    def journal_append(self, record: bytes) -> None:
        if b"\n" in record:
            raise ValueError("a journal record must be one line")
        self._check_held()
        self._run(
            "append to the journal",
            lambda conn: conn.execute(
                self._sql("INSERT INTO {journal} (workspace, record) VALUES (%s, %s)"),
                (self.workspace, record),
            ),
        )

    def journal_read(self) -> list[bytes]:
        def work(conn: psycopg.Connection[Any]) -> list[bytes]:
            rows = conn.execute(
                self._sql("SELECT record FROM {journal} WHERE workspace = %s ORDER BY seq"),
                (self.workspace,),
            ).fetchall()
            return [bytes(r[0]) for r in rows]

        return self._run("read the journal", work)

    def journal_clear(self) -> None:
        self._run(
            "clear the journal",
            lambda conn: conn.execute(
                self._sql("DELETE FROM {journal} WHERE workspace = %s"),
                (self.workspace,),
            ),
        )

    # -- lock -------------------------------------------------------------------------------

    def _lock_key(self, create: bool) -> int | None:
        """The workspace row's id (the lock's ``objid``); with ``create``, the row is made."""

        def work(conn: psycopg.Connection[Any]) -> int | None:
            if create:
                conn.execute(
                    self._sql(
                        "INSERT INTO {states} (workspace) VALUES (%s) "
                        "ON CONFLICT (workspace) DO NOTHING"
                    ),
                    (self.workspace,),
                )
            row = conn.execute(
                self._sql("SELECT id FROM {states} WHERE workspace = %s"),
                (self.workspace,),
            ).fetchone()
            return int(row[0]) if row else None

        return self._run("find the workspace", work)

    def lock(self, info: LockInfo, timeout: float = 0.0) -> LockInfo:
        import psycopg

        if self._held is not None:
            raise LockError(f"this process already holds the state lock {self._held.id}")
        key = self._lock_key(create=True)
        info = LockInfo(**{**info.__dict__, "path": info.path or self.describe()})
        conn = self._connect("lock")
        deadline = time.monotonic() + max(0.0, timeout)
        poll = POLL_MIN
        try:
            for setting, value in SERVER_KEEPALIVES.items():
                conn.execute(f"SET {setting} = {int(value)}")
            while True:
                row = conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (self._namespace, key)
                ).fetchone()
                if row and row[0]:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    conn.close()
                    holder = self._wait_for_holder()
                    waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
                    raise LockError(
                        f"the state {self.describe()} is locked by another process{waited}",
                        holder,
                    )
                time.sleep(min(poll, remaining))
                poll = min(POLL_MAX, poll * 1.5)
            conn.execute(
                self._sql("""INSERT INTO {locks} AS l
                        (workspace, lock_id, info, backend_pid)
                    VALUES (%s, %s, %s, pg_backend_pid())
                    ON CONFLICT (workspace) DO UPDATE
                    SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info,
                        backend_pid = EXCLUDED.backend_pid, locked_at = now()"""),
                (self.workspace, info.id, info.to_json().decode()),
            )
        except psycopg.Error as exc:
            with contextlib.suppress(Exception):
                conn.close()
            raise BackendError(
                f"cannot lock the state in the PostgreSQL state backend {self._where}: "
                f"{self._clean(exc)}"
            ) from None
        self._lock_conn, self._held = conn, info
        return info

    def unlock(self, lock_id: str) -> None:
        if self._held is None:
            return
        if lock_id != self._held.id:
            raise LockError(f"lock ID {lock_id} is not the lock this process holds")
        conn, self._lock_conn, self._held = self._lock_conn, None, None
        if conn is None:
            return
        # Closing the connection releases the advisory lock; the info row goes first so that
        # nobody reads a holder that has just left. A broken connection (the lock was forced
        # or the server restarted) has nothing left to release.
        with contextlib.suppress(Exception):
            conn.execute(
                self._sql("DELETE FROM {locks} WHERE workspace = %s AND lock_id = %s"),
                (self.workspace, lock_id),
            )
        with contextlib.suppress(Exception):
            conn.close()

    def _check_held(self) -> None:
        """A holder whose lock connection died (forced, server restart) must not write."""
        import psycopg

        conn = self._lock_conn
        if self._held is None or conn is None:
            return
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            raise LockError(
                f"the state lock {self._held.id} on {self.describe()} was lost (its connection "
                "closed: force-unlocked, or the server restarted); nothing was written"
            ) from None

    def _holder_pid(self, key: int) -> int | None:
        """The server backend pid holding the workspace's advisory lock, if any."""

        def work(conn: psycopg.Connection[Any]) -> int | None:
            row = conn.execute(
                """SELECT pid FROM pg_locks
                   WHERE locktype = 'advisory' AND granted AND objsubid = 2
                     AND classid::bigint = (%s::bigint & 4294967295)
                     AND objid::bigint = %s
                     AND database = (SELECT oid FROM pg_database
                                     WHERE datname = current_database())""",
                (self._namespace, key),
            ).fetchone()
            return int(row[0]) if row else None

        return self._run("read the lock", work)

    def _info_of(self, backend_pid: int) -> LockInfo | None:
        def work(conn: psycopg.Connection[Any]) -> LockInfo | None:
            row = conn.execute(
                self._sql("SELECT info FROM {locks} WHERE workspace = %s AND backend_pid = %s"),
                (self.workspace, backend_pid),
            ).fetchone()
            if not row:
                return None
            try:
                return LockInfo.from_json(row[0])
            except (ValueError, TypeError):
                return None

        return self._run("read the lock", work)

    def _wait_for_holder(self) -> LockInfo | None:
        key = self._lock_key(create=False)
        if key is None:
            return None
        deadline = time.monotonic() + INFO_WAIT
        while True:
            pid = self._holder_pid(key)
            if pid is None:
                return None
            info = self._info_of(pid)
            if info is not None:
                return info
            if time.monotonic() >= deadline:
                # locked, but by something that wrote no info (not snaplint, or mid-crash)
                return LockInfo(
                    id="unknown",
                    operation="?",
                    who="?",
                    host="?",
                    pid=0,
                    created="?",
                    path=self.describe(),
                    extra={"backend_pid": pid},
                )
            time.sleep(0.02)

    def lock_holder(self) -> LockInfo | None:
        if self._held is not None:
            return self._held
        return self._wait_for_holder()

    def force_unlock(self, lock_id: str) -> LockInfo:
        holder = self.lock_holder()
        if holder is None:
            raise LockError(f"the state {self.describe()} is not locked")
        if holder.id != lock_id:
            raise LockError(
                f"lock ID {lock_id} does not match the lock on {self.describe()}; "
                "force-unlock needs the holder's ID",
                holder,
            )
        key = self._lock_key(create=False)
        pid = self._holder_pid(key) if key is not None else None
        if pid is None:
            return holder  # released meanwhile
        # Ending the holder's lock connection releases its advisory lock; only that
        # connection: the holder's data connection stays, and its next write finds the lock
        # gone (see _check_held). Needs the holder's role (or pg_signal_backend).
        terminated = self._run(
            "force the lock",
            lambda conn: conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone(),
        )
        if not terminated or not terminated[0]:
            raise LockError(f"could not end the lock holder's connection (backend pid {pid})")
        # the signal is asynchronous (the two-argument form that waits needs PostgreSQL 14)
        deadline = time.monotonic() + FORCE_WAIT
        while self._holder_pid(key) == pid:
            if time.monotonic() >= deadline:
                raise LockError(f"the lock holder's connection (backend pid {pid}) did not end")
            time.sleep(0.02)
        self._run(
            "force the lock",
            lambda conn: conn.execute(
                self._sql("DELETE FROM {locks} WHERE workspace = %s AND lock_id = %s"),
                (self.workspace, lock_id),
            ),
        )
        return holder

    def close(self) -> None:
        if self._held is not None:
            self.unlock(self._held.id)
        with self._conn_lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    # -- workspaces -------------------------------------------------------------------------

    def workspaces(self) -> list[str]:
        """Every workspace with a stored state, sorted."""

        def work(conn: psycopg.Connection[Any]) -> list[str]:
            rows = conn.execute(
                self._sql(
                    "SELECT workspace FROM {states} WHERE data IS NOT NULL ORDER BY workspace"
                )
            ).fetchall()
            return [str(r[0]) for r in rows]

        return self._run("list the workspaces", work)


# --------------------------------------------------------------------------- configuration


def open_from_env(env: Mapping[str, str], *, workspace: str = DEFAULT_WORKSPACE) -> PostgresBackend:
    """The backend ``SNAPLINT_PG_DSN`` (or the libpq variables) and ``SNAPLINT_PG_SCHEMA``
    describe; nothing is connected until first use."""
    dsn = env.get(ENV_DSN, "")
    if not dsn and not any(env.get(k) for k in ("PGHOST", "PGSERVICE", "PGDATABASE")):
        raise BackendError(
            f"the postgres state backend needs a connection: set {ENV_DSN} (a libpq connection "
            "string or postgresql:// URI) or the PGHOST/PGUSER/PGPASSWORD/PGDATABASE variables"
        )
    if dsn:
        check_dsn(dsn)
    return PostgresBackend(
        dsn, workspace=workspace, schema=env.get(ENV_SCHEMA) or DEFAULT_SCHEMA, env=env
    )
