"""The throwaway PostgreSQL server works, with password auth and advisory locks."""

from __future__ import annotations

import pytest

psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed")

pytestmark = pytest.mark.postgres


def test_server_accepts_password_and_rejects_wrong_one(pg_server) -> None:
    with psycopg.connect(pg_server.dsn) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg_server.dsn.replace(pg_server.password, "wrong"), connect_timeout=5)


def test_advisory_locks_are_per_connection(pg_server) -> None:
    with (
        psycopg.connect(pg_server.dsn, autocommit=True) as a,
        psycopg.connect(pg_server.dsn, autocommit=True) as b,
    ):
        assert a.execute("select pg_try_advisory_lock(42)").fetchone() == (True,)
        assert b.execute("select pg_try_advisory_lock(42)").fetchone() == (False,)
    # the holder's connection closed: the lock went with it
    with psycopg.connect(pg_server.dsn, autocommit=True) as c:
        assert c.execute("select pg_try_advisory_lock(42)").fetchone() == (True,)
