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

from snaplint.operations.settings import Settings

Sink = Callable[[Sequence[tuple[str, bytes]]], None]


def event_sink(settings: Settings) -> Sink:
    """A callable that stores ``(App ID, body)`` notifications in the project's event store."""

    def deliver(bodies: Sequence[tuple[str, bytes]]) -> None:
        from snaplint.notifications import Malformed, parse_event
        from snaplint.notifications.store import now_ms
        from snaplint.operations.notifications import open_event_store

        store = open_event_store(settings)
        try:
            received = now_ms()
            for app_id, body in bodies:
                event = parse_event(body, app_id=app_id, received_ms=received)
                if not isinstance(event, Malformed):
                    store.add(event)
        finally:
            store.close()

    return deliver


def attach(client: object, settings: Settings) -> None:
    """Route the notifications of ``client``'s embedded emulator (if any) into the store."""
    embedded = getattr(client, "embedded", None)
    if embedded is not None:
        embedded.deliver = event_sink(settings)


def catch_up_embedded(settings: Settings) -> None:
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

    EmbeddedEmulator(directory, deliver=event_sink(settings)).control("GET", "clock")
