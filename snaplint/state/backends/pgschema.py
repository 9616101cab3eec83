"""The PostgreSQL backend's schema: its tables (created on first use) and its lock namespace.

The tables (in the schema ``SNAPLINT_PG_SCHEMA``, default ``snaplint``)::

    states(workspace PK, id, data, backup, updated_at)   one row per workspace
    journal(workspace, seq, record, at)                  apply's write-ahead journal
    locks(workspace PK, lock_id, info, backend_pid, …)   who holds each workspace's lock

:mod:`snaplint.state.backends.postgres` explains how they are used and why; this module holds
the DDL it runs and the numbers of its advisory locks.
"""

from __future__ import annotations

import re
import zlib

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # what SNAPLINT_PG_SCHEMA may be
TABLES = ("states", "journal", "locks")
SCHEMA_LOCK = 0x736E6170  # "snap": serialises CREATE … IF NOT EXISTS of concurrent first uses


def lock_namespace(schema: str) -> int:
    """The advisory-lock namespace (``classid``) of a schema: a signed 32-bit integer."""
    value = zlib.crc32(f"snaplint:{schema}".encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def ddl(schema: str) -> list[str]:
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        f"""CREATE TABLE IF NOT EXISTS {schema}.states (
            workspace  text PRIMARY KEY,
            id         integer GENERATED ALWAYS AS IDENTITY UNIQUE,
            data       bytea,
            backup     bytea,
            updated_at timestamptz NOT NULL DEFAULT now()
        )""",
        f"""CREATE TABLE IF NOT EXISTS {schema}.journal (
            workspace text NOT NULL,
            seq       bigint GENERATED ALWAYS AS IDENTITY,
            record    bytea NOT NULL,
            at        timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workspace, seq)
        )""",
        f"""CREATE TABLE IF NOT EXISTS {schema}.locks (
            workspace   text PRIMARY KEY,
            lock_id     text NOT NULL,
            info        text NOT NULL,
            backend_pid integer NOT NULL,
            locked_at   timestamptz NOT NULL DEFAULT now()
        )""",
    ]
