"""Which event store a state backend has beside it: with the file backend a SQLite database
under ``<project>/.snaplint/``, with the PostgreSQL backend a table in the same database and
schema (so that several receivers share one store). No import of the planning layer, so that
opening the store can be passed down to where a client is made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.notifications import EventStore


def event_store_for(backend: Any, root: Path) -> EventStore:
    """The event store beside ``backend`` (the state backend) of the project at ``root``."""
    from snaplint.notifications import SQLiteEventStore

    if getattr(backend, "name", "") == "postgres":
        from snaplint.notifications.store_postgres import PostgresEventStore
        from snaplint.state.backends.postgres import PostgresBackend

        assert isinstance(backend, PostgresBackend)
        # the state's own database and schema
        return PostgresEventStore(backend.conninfo, schema=backend.schema)
    return SQLiteEventStore(root / ".snaplint")
