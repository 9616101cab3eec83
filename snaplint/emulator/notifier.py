"""What the emulated service tells its notification service: :class:`Notice`s and their bodies.

The engine emits a :class:`Notice` (reference §7.4) at the emulated instant something happens:

- 40 ``recorder_started`` when a session starts;
- 44 ``recorder_video_stream_state_changed`` when the recorder starts (``state`` 0) or stops
  (``state`` 1) receiving a subscribed uid's video: the uid publishes, switches its video off
  or on, leaves, or the subscription changes;
- 45 ``recorder_snapshot_file`` for every screenshot written, ``fileName`` being
  ``"<fileNamePrefix path>/<jpg name>"`` (no vendor, no bucket);
- 12 ``session_failover`` (``newUid``, a number) for each migration;
- 41 ``recorder_leave`` and 11 ``session_exit`` when a session ends: stop (``leaveCode`` 16,
  the recorder left the channel; ``exitStatus`` 0), idle (``leaveCode`` 4; 0), the 4th
  failover (``leaveCode`` 2, the process was stopped; ``exitStatus`` 1);
- 1 ``cloud_recording_error`` / 2 ``cloud_recording_warning`` when the control API injects one.

``sequence`` numbers a session's notices from 0, ``sendts`` is the emulated time in ms, the
payload's ``uid`` is the recorder's (the new one after a failover). A :class:`Notifier` takes
them without blocking the engine: :class:`Collector` keeps them in a list (the embedded mode
stores them itself), :class:`~snaplint.emulator.sender.HttpSender` posts them signed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

# eventType -> details.msgName (Agora's names, reference §7.4)
MSG_NAMES = {
    1: "cloud_recording_error",
    2: "cloud_recording_warning",
    11: "session_exit",
    12: "session_failover",
    40: "recorder_started",
    41: "recorder_leave",
    44: "recorder_video_stream_state_changed",
    45: "recorder_snapshot_file",
}
SERVICE = 0  # payload.serviceType: the cloud recording service itself
RECORDER = 1  # the recorder (joins the channel, receives streams, takes screenshots)

LEAVE_SIGNAL = 2
LEAVE_IDLE = 4
LEAVE_CLIENT = 16


@dataclass(frozen=True)
class Notice:
    """One notification as the service knows it, before the notification service sends it."""

    event_type: int
    app_id: str  # not in the body (Agora's carries none): for a receiver mounted per App ID
    sid: str
    cname: str
    uid: str
    sequence: int
    sendts: int  # ms
    service_type: int
    details: dict[str, Any] = field(hash=False)

    def body(self, *, notify_ms: int, notice_id: str | None = None) -> bytes:
        """The body Agora's notification service would post for it."""
        # the receiver's own composer: one definition of the wire format (loaded only when
        # notifications are sent)
        from snaplint.notifications.compose import notification_body

        return notification_body(
            self.event_type,
            sid=self.sid,
            cname=self.cname,
            uid=self.uid,
            sequence=self.sequence,
            sendts=self.sendts,
            details={"msgName": MSG_NAMES.get(self.event_type, ""), **self.details},
            notice_id=notice_id or str(uuid.uuid4()),
            notify_ms=notify_ms,
            service_type=self.service_type,
        )


class Notifier(Protocol):
    def put(self, notice: Notice) -> None:
        """Take ``notice`` for delivery; never blocks (the engine holds its lock)."""


class Collector:
    """Keeps the notices of one embedded request, for whoever stores them afterwards."""

    def __init__(self) -> None:
        self.notices: list[Notice] = []

    def put(self, notice: Notice) -> None:
        self.notices.append(notice)

    def bodies(self, notify_ms: int) -> list[tuple[str, bytes]]:
        """``(App ID, body)`` of each notice, in the order they happened."""
        return [(n.app_id, n.body(notify_ms=notify_ms)) for n in self.notices]


# -- the control API's bodies (``app.py`` routes them here) -----------------------------------


def media_switches(body: Any) -> dict[str, bool]:
    """``{"video": false}`` / ``{"audio": true}`` of ``PATCH …/publishers/{uid}``."""
    if not isinstance(body, dict) or not body or set(body) - {"video", "audio"}:
        raise ValueError('body must be {"video": true|false} and/or {"audio": true|false}')
    for key, value in body.items():
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false (got {value!r})")
    return dict(body)


ERROR_DEFAULTS = {"module": 0, "errorLevel": 3, "errorCode": 1, "stat": 0, "errorMsg": "injected"}
WARNING_DEFAULTS = {"module": 0, "warnCode": 1}


def report_details(kind: str, body: Any) -> dict[str, Any]:
    """The ``details`` of event 1 (``kind`` "error") or 2 ("warning"): the documented fields,
    each defaulted (``module`` 0 recorder, ``errorLevel`` 3, ``errorCode``/``warnCode`` 1)."""
    defaults = ERROR_DEFAULTS if kind == "error" else WARNING_DEFAULTS
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    unknown = set(body) - set(defaults)
    if unknown:
        raise ValueError(
            f"unknown {kind} fields: {', '.join(sorted(unknown))} (known: {', '.join(defaults)})"
        )
    details = {**defaults, **body}
    for key, value in details.items():
        wanted = str if key == "errorMsg" else int
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise ValueError(f"{key} must be {'a string' if wanted is str else 'an integer'}")
    return details


def notifier_stats(notifier: Notifier | None) -> dict[str, Any]:
    """What ``GET /_emulator/notifications`` shows."""
    stats = getattr(notifier, "stats", None)
    if stats is None:
        return {"enabled": False}
    return {"enabled": True, **stats()}
