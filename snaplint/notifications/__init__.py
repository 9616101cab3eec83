"""Receive Agora's Cloud Recording notifications (NCS webhooks) and keep them as events.

No CLI and no printing here: the CLI (a receiver command, ``status``) calls this.

- :mod:`.signature` — ``Agora-Signature-V2`` / ``Agora-Signature`` verification, :class:`Secrets`
- :mod:`.events` — :func:`parse_event`: a body → :class:`Event` or :class:`Malformed`
- :mod:`.details` — typed ``details`` of the events a snapshot job cares about
- :mod:`.store` — the :class:`EventStore` protocol and :class:`SQLiteEventStore`
- :mod:`.store_postgres` — :class:`~.store_postgres.PostgresEventStore` (needs psycopg)
- :mod:`.app` — :func:`create_app`: the WSGI receiver
- :mod:`.serve` — :func:`~.serve.run_receiver` and :class:`~.serve.ReceiverServer` on waitress
- :mod:`.compose` — notification bodies and signatures as Agora sends them (tests, the bench)

Importing this package loads neither waitress nor psycopg.
"""

from snaplint.notifications.app import DEFAULT_MAX_BODY, DEFAULT_PATH, Receiver, create_app
from snaplint.notifications.details import RECOMMENDED_EVENT_TYPES, EventType
from snaplint.notifications.events import Event, Malformed, parse_event
from snaplint.notifications.signature import Secrets, Verified
from snaplint.notifications.store import (
    DEFAULT_RETENTION_DAYS,
    EventStore,
    SQLiteEventStore,
    StoreError,
)

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_PATH",
    "DEFAULT_RETENTION_DAYS",
    "RECOMMENDED_EVENT_TYPES",
    "Event",
    "EventStore",
    "EventType",
    "Malformed",
    "Receiver",
    "SQLiteEventStore",
    "Secrets",
    "StoreError",
    "Verified",
    "create_app",
    "parse_event",
]
