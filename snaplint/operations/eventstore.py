"""The project's notification event store, beside its state: with the file backend a SQLite
database under ``<project>/.snaplint/``; with the PostgreSQL backend a table in the state's
own database and schema, so that several receivers behind a load balancer share one store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snaplint.operations.settings import Settings

if TYPE_CHECKING:
    from snaplint.notifications import EventStore


def open_event_store(settings: Settings) -> EventStore:
    """The project's event store, beside its state."""
    from snaplint.notifications import SQLiteEventStore
    from snaplint.operations.planning import open_store

    backend = open_store(settings).backend
    if getattr(backend, "name", "") == "postgres":
        from snaplint.notifications.store_postgres import PostgresEventStore
        from snaplint.state.backends.postgres import PostgresBackend

        assert isinstance(backend, PostgresBackend)
        # the state's own database and schema
        return PostgresEventStore(backend.conninfo, schema=backend.schema)
    return SQLiteEventStore(settings.root / ".snaplint")
