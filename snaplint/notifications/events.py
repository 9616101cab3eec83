"""The event model: a verified notification body → a frozen :class:`Event`, or a
:class:`Malformed` value saying why not. Nothing here raises on bad input.

Body (reference §7.4)::

    {"noticeId": "…", "productId": 3, "eventType": 45, "notifyMs": 1700000000123,
     "payload": {"cname": "…", "uid": "…", "sid": "…", "sequence": 7, "sendts": 1700000000100,
                 "serviceType": 1, "details": {"msgName": "recorder_snapshot_file", …}}}

Only the envelope is required (``noticeId``, ``productId``, ``eventType``, ``notifyMs``,
``payload``): other products, or fields Agora adds later, still parse. The payload's common
fields are optional, but when present they must have their documented types (strings, and
integers for ``sequence``/``sendts``/``serviceType``; a ``uid`` sent as a number is read as its
decimal text). A top-level ``sid`` (some of Agora's examples put it there) is used when the
payload has none.

Events sort by when they happened, not when they arrived: :attr:`Event.order_key` is
``(sendts — or notifyMs when absent, sequence, uid, eventType, noticeId)``; both stores order
their answers the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from snaplint.notifications import details as d
from snaplint.notifications.details import EventType

PRODUCT_CLOUD_RECORDING = 3
MAX_NOTICE_ID = 256  # Agora's are UUIDs or "a:b:c" triples; anything much longer is not theirs


@dataclass(frozen=True)
class Malformed:
    """Why a body is not a notification. ``reason`` names fields, never quotes values."""

    reason: str


@dataclass(frozen=True)
class Event:
    """One notification. Attribute names are the body's, in snake case.

    ``app_id`` is the App ID the receiver learnt from the URL or the matching secret (``None``
    when it could not tell); ``received_ms`` when the receiver got it (``None`` until then).
    ``body`` is the notification as received (UTF-8 JSON text, no headers, no secret).
    """

    notice_id: str
    product_id: int
    event_type: int
    notify_ms: int
    sid: str | None
    cname: str | None
    uid: str | None
    sequence: int | None
    sendts: int | None
    service_type: int | None
    details: dict[str, Any] = field(hash=False, repr=False)
    app_id: str | None = None
    received_ms: int | None = None
    body: str = field(default="", hash=False, repr=False, compare=False)

    # -- ordering ---------------------------------------------------------------------------

    @property
    def order_ms(self) -> int:
        """When the event happened: ``sendts``, or ``notifyMs`` for events without one."""
        return self.sendts if self.sendts is not None else self.notify_ms

    @property
    def order_key(self) -> tuple[int, int, str, int, str]:
        seq = self.sequence if self.sequence is not None else -1
        return (self.order_ms, seq, self.uid or "", self.event_type, self.notice_id)

    # -- identity ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """``recorder_snapshot_file`` and the like (``details.msgName`` for unknown types)."""
        if self.product_id == PRODUCT_CLOUD_RECORDING:
            try:
                return EventType(self.event_type).name.lower()
            except ValueError:
                pass
        msg = self.details.get("msgName")
        return msg if isinstance(msg, str) and msg else f"event-{self.event_type}"

    def _is(self, *types: int) -> bool:
        return self.product_id == PRODUCT_CLOUD_RECORDING and self.event_type in types

    # -- typed details of the events a snapshot job cares about -----------------------------

    @property
    def error(self) -> d.RecordingError | None:
        """eventType 1."""
        return d.of_error(self.details) if self._is(EventType.CLOUD_RECORDING_ERROR) else None

    @property
    def warning(self) -> d.RecordingWarning | None:
        """eventType 2."""
        return d.of_warning(self.details) if self._is(EventType.CLOUD_RECORDING_WARNING) else None

    @property
    def session_exit(self) -> d.SessionExit | None:
        """eventType 11."""
        return d.of_exit(self.details) if self._is(EventType.SESSION_EXIT) else None

    @property
    def exit_status(self) -> int | None:
        """eventType 11: 0 normal exit, 1 abnormal."""
        found = self.session_exit
        return found.exit_status if found else None

    @property
    def failover(self) -> d.SessionFailover | None:
        """eventType 12."""
        return d.of_failover(self.details) if self._is(EventType.SESSION_FAILOVER) else None

    @property
    def recorder_leave(self) -> d.RecorderLeave | None:
        """eventType 41."""
        return d.of_leave(self.details) if self._is(EventType.RECORDER_LEAVE) else None

    @property
    def leave_code(self) -> int | None:
        """eventType 41: the bit flags (see :class:`details.RecorderLeave`)."""
        found = self.recorder_leave
        return found.leave_code if found else None

    @property
    def stream_state(self) -> d.StreamState | None:
        """eventType 43 (audio) and 44 (video)."""
        if self._is(EventType.RECORDER_VIDEO_STREAM_STATE_CHANGED):
            return d.of_stream_state(self.details, "video")
        if self._is(EventType.RECORDER_AUDIO_STREAM_STATE_CHANGED):
            return d.of_stream_state(self.details, "audio")
        return None

    @property
    def video_state(self) -> d.StreamState | None:
        """eventType 44: whether the recorder receives the video of ``stream_uid``."""
        found = self.stream_state
        return found if found and found.media == "video" else None

    @property
    def snapshot(self) -> d.SnapshotFile | None:
        """eventType 45: the uploaded screenshot."""
        return d.of_snapshot(self.details) if self._is(EventType.RECORDER_SNAPSHOT_FILE) else None

    @property
    def file_name(self) -> str | None:
        """eventType 45: ``"<fileNamePrefix path>/<jpg name>"``."""
        found = self.snapshot
        return found.file_name if found else None

    @property
    def status(self) -> int | None:
        """``details.status`` of 3, 30, 31, 32 and 40 (0 is normal for 30–40)."""
        return d.of_status(self.details) if self._is(3, 30, 31, 32, 40) else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view with the body's field names (for ``status --json`` and logs)."""
        return {
            "noticeId": self.notice_id,
            "productId": self.product_id,
            "eventType": self.event_type,
            "name": self.name,
            "notifyMs": self.notify_ms,
            "sid": self.sid,
            "cname": self.cname,
            "uid": self.uid,
            "sequence": self.sequence,
            "sendts": self.sendts,
            "serviceType": self.service_type,
            "details": self.details,
            "appId": self.app_id,
            "receivedMs": self.received_ms,
        }


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


INT64 = 1 << 63  # stores keep integers as signed 64-bit


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -INT64 <= value < INT64


def _is_text(value: Any) -> bool:
    """A string a store can keep: valid UTF-8 (no lone surrogate) and no NUL."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_event(
    body: bytes | str, *, app_id: str | None = None, received_ms: int | None = None
) -> Event | Malformed:
    """Read one notification body (already verified). Never raises."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else body
    except UnicodeDecodeError:
        return Malformed("the body is not UTF-8")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return Malformed("the body is not JSON")
    if not isinstance(data, dict):
        return Malformed("the body is not a JSON object")
    notice_id = data.get("noticeId")
    if not _is_text(notice_id) or not notice_id or len(notice_id) > MAX_NOTICE_ID:
        return Malformed(
            f"noticeId must be a non-empty string of at most {MAX_NOTICE_ID} characters"
        )
    for key in ("productId", "eventType", "notifyMs"):
        if not _is_int(data.get(key)):
            return Malformed(f"{key} must be a (64-bit) integer")
    payload = data.get("payload")
    if not isinstance(payload, dict):
        return Malformed("payload must be a JSON object")
    fields: dict[str, Any] = {}
    for key in ("cname", "sid"):
        value = payload.get(key)
        if value is not None and not _is_text(value):
            return Malformed(f"payload.{key} must be a string")
        fields[key] = value
    if fields["sid"] is None and _is_text(data.get("sid")):
        fields["sid"] = data["sid"]
    uid = payload.get("uid")
    if uid is not None:
        if not _is_text(uid) and not _is_int(uid):
            return Malformed("payload.uid must be a string")
        uid = str(uid)
    for key in ("sequence", "sendts", "serviceType"):
        value = payload.get(key)
        if value is not None and not _is_int(value):
            return Malformed(f"payload.{key} must be a (64-bit) integer")
        fields[key] = value
    details = payload.get("details", {})
    if details is None:
        details = {}
    if not isinstance(details, dict):
        return Malformed("payload.details must be a JSON object")
    return Event(
        notice_id=notice_id,
        product_id=data["productId"],
        event_type=data["eventType"],
        notify_ms=data["notifyMs"],
        sid=fields["sid"] or None,
        cname=fields["cname"],
        uid=uid,
        sequence=fields["sequence"],
        sendts=fields["sendts"],
        service_type=fields["serviceType"],
        details=details,
        app_id=app_id,
        received_ms=received_ms,
        body=text,
    )
