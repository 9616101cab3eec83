"""Which event store a state backend has beside it: with the file backend a SQLite database
under ``<project>/.snaplint/``, with the PostgreSQL backend a table in the same database and
schema (so that several receivers behind a load balancer share one store). No import of the
planning layer, so that opening the store can be passed down to where a client is made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import Settings

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


def open_event_store(settings: Settings) -> EventStore:
    """The project's event store, beside its state (the backend is opened for its settings
    only, and closed again)."""
    from snaplint.operations.settings import OperationError
    from snaplint.state.backends import BackendError, open_backend

    try:
        backend = open_backend(
            settings.config.section("state"),
            project_root=settings.root,
            env=settings.env,
            workspace=settings.workspace,
        )
    except BackendError as exc:
        raise OperationError(str(exc)) from exc
    try:
        return event_store_for(backend, settings.root)
    finally:
        backend.close()
