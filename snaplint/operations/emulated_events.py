"""The embedded emulator's notifications, written straight into the project's event store.

With no Agora account configured, plan and apply run against the embedded emulator
(:mod:`snaplint.emulator.embedded`); there is no notification service to call a receiver, so
the emulator hands its notifications to :func:`event_sink`, which stores them as a receiver
would have (same parsing, same deduplication). ``status`` first lets the emulator catch up
to now (:func:`catch_up_embedded`), so the screenshots taken since the last command are in
the store when it reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from snaplint.operations.settings import Settings

if TYPE_CHECKING:
    from snaplint.notifications import EventStore

Sink = Callable[[Sequence[tuple[str, bytes]]], None]
Opener = Callable[[], "EventStore"]


def event_sink(open_store: Opener) -> Sink:
    """A callable that stores ``(App ID, body)`` notifications in the store ``open_store``
    opens (once per batch, closed again)."""

    def deliver(bodies: Sequence[tuple[str, bytes]]) -> None:
        from snaplint.notifications import Malformed, parse_event
        from snaplint.notifications.store import now_ms

        store = open_store()
        try:
            received = now_ms()
            for app_id, body in bodies:
                event = parse_event(body, app_id=app_id, received_ms=received)
                if not isinstance(event, Malformed):
                    store.add(event)
        finally:
            store.close()

    return deliver


def attach(client: object, open_store: Opener) -> None:
    """Route the notifications of ``client``'s embedded emulator (if any) into the store."""
    embedded = getattr(client, "embedded", None)
    if embedded is not None:
        embedded.deliver = event_sink(open_store)


def catch_up_embedded(settings: Settings, open_store: Opener) -> None:
    """When the project runs against the embedded emulator, let it catch up to now (its
    screenshots and their notifications); otherwise do nothing."""
    from snaplint.agora.connection import (
        EMBEDDED_DIR,
        ConnectionConfigError,
        describe_connection,
    )

    try:
        conn = describe_connection(endpoint=settings.api.get("endpoint"), env=settings.env)
    except ConnectionConfigError:
        return  # not the emulator's business: status reads what the store has
    directory = settings.root / EMBEDDED_DIR
    if conn.kind != "embedded" or not (directory / "state.json").is_file():
        return
    from snaplint.emulator.embedded import EmbeddedEmulator

    EmbeddedEmulator(directory, deliver=event_sink(open_store)).control("GET", "clock")
