"""Notifications as operations: run the receiver for the project, and read what it stored.

The event store sits beside the state: with the file backend a SQLite database under
``<project>/.snaplint/``; with the PostgreSQL backend a table in the same database, so that
several receivers behind a load balancer share one store. The notification secret comes from
``AGORA_NCS_SECRET`` (and ``AGORA_NCS_SECRET_<App ID>`` for one App ID), never from a manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import OperationError, Settings

if TYPE_CHECKING:
    from snaplint.notifications import Event, EventStore

SECRET_PREFIX = "AGORA_NCS_SECRET"


def open_event_store(settings: Settings) -> EventStore:
    """The project's event store, beside its state."""
    from snaplint.operations.eventstore import event_store_for
    from snaplint.operations.planning import open_store

    return event_store_for(open_store(settings).backend, settings.root)


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    path: str,
    retention_days: float | None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Receive Agora's notifications for the project until SIGTERM/SIGINT."""
    from snaplint.notifications import Secrets
    from snaplint.notifications.serve import run_receiver

    try:
        secrets = Secrets.from_env(settings.env, prefix=SECRET_PREFIX)
    except ValueError:
        secrets = None
    if secrets is None or (not secrets.has_default and not secrets.app_ids):
        raise OperationError(
            f"{SECRET_PREFIX} is not set: the receiver verifies every notification with the "
            "secret configured for the notification service (unsigned ones are refused)"
        )
    store = open_event_store(settings)
    try:
        run_receiver(
            settings.root,
            host,
            port,
            path,
            secrets,
            store=store,
            retention_days=retention_days,
            on_ready=on_ready,
        )
    except OSError as exc:
        raise OperationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    finally:
        store.close()


def stored_events(settings: Settings, *, job: str | None = None) -> list[Event]:
    """The stored events, oldest first (by the payload's sendts and sequence); with ``job``,
    those of its session (by the sid recorded in state), else of its cname and uid."""
    from snaplint.operations.planning import open_store, read_state

    store = open_event_store(settings)
    try:
        if job is None:
            return store.events()
        state, _, _ = read_state(open_store(settings))
        recorded = state.jobs.get(job)
        if recorded is None:
            raise OperationError(f"no job {job} in the state")
        if recorded.sid:
            by_sid = store.events(sid=recorded.sid)
            if by_sid:
                return by_sid
        return store.events(cname=recorded.cname, uid=recorded.uid)
    finally:
        store.close()


def event_row(event: Event) -> dict[str, Any]:
    """One event as the CLI shows it (no secret: events carry none)."""
    return event.to_dict()
