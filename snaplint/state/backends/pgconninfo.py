"""Where the PostgreSQL backend connects, and how it speaks of it without the password.

The connection comes from ``SNAPLINT_PG_DSN`` or libpq's own ``PG*`` variables (see
:mod:`snaplint.state.backends.postgres`): this module checks the string, names the server
(``postgres://user@host:port/dbname``), collects what every message must be scrubbed of,
and lets libpq see a caller's own environment while it connects.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from snaplint.state.backends.base import BackendError

ENV_DSN = "SNAPLINT_PG_DSN"
CONNECT_TIMEOUT = 10  # seconds; libpq's default is to wait forever
# the server probes an idle lock connection after 30 s, then every 10 s, 3 times: a holder
# whose machine vanished loses the lock within about a minute
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": 30,
    "tcp_keepalives_interval": 10,
    "tcp_keepalives_count": 3,
}


def connect_options(purpose: str, conninfo: str, env: Mapping[str, str]) -> dict[str, Any]:
    """``psycopg.connect``'s keyword arguments: autocommit, an application name saying what
    the connection is for, and a connect timeout unless the DSN or environment sets one."""
    options: dict[str, Any] = {"autocommit": True, "application_name": f"snaplint {purpose}"}
    if "connect_timeout" not in conninfo and not env.get("PGCONNECT_TIMEOUT"):
        options["connect_timeout"] = CONNECT_TIMEOUT
    return options


def check_dsn(dsn: str) -> None:
    """A :class:`BackendError` unless ``dsn`` parses (the message never quotes it)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(dsn)
    except Exception:
        # the parser's message may quote the string, password included: say only where
        raise BackendError(
            f"{ENV_DSN} is not a valid libpq connection string or postgresql:// URI"
        ) from None


def _parsed(conninfo: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return dict(conninfo_to_dict(conninfo)) if conninfo else {}
    except Exception:
        return {}


def secrets_of(conninfo: str, env: Mapping[str, str]) -> set[str]:
    """What must never appear in a message: the password and the whole connection string."""
    found = {conninfo} if conninfo else set()
    password = _parsed(conninfo).get("password") or env.get("PGPASSWORD")
    if password:
        found.add(str(password))
    return found


def server_name(conninfo: str, env: Mapping[str, str]) -> str:
    """``postgres://user@host:port/dbname`` — enough to recognise the server, no password."""
    params = _parsed(conninfo)

    def get(key: str, var: str, default: str = "") -> str:
        return str(params.get(key) or env.get(var) or default)

    user = get("user", "PGUSER")
    host = get("host", "PGHOST", "localhost")
    port = get("port", "PGPORT", "5432")
    db = get("dbname", "PGDATABASE", user or "postgres")
    service = get("service", "PGSERVICE")
    where = f"postgres://{user + '@' if user else ''}{host}:{port}/{db}"
    return f"{where} (service {service})" if service else where


@contextlib.contextmanager
def libpq_env(env: Mapping[str, str]) -> Iterator[None]:
    """libpq reads PG* variables from the process environment; when a caller passes its own
    ``env`` (tests, embedding), make those the ones libpq sees while connecting."""
    if env is os.environ:
        yield
        return
    keys = {k for k in (*env, *os.environ) if k.startswith("PG")}
    saved = {k: os.environ.get(k) for k in keys}
    if all(os.environ.get(k) == env.get(k) for k in keys):
        yield
        return
    with _ENV_LOCK:
        try:
            for k in keys:
                if env.get(k) is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = env[k]
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


_ENV_LOCK = threading.Lock()
