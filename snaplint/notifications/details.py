"""Typed views of the ``details`` of the Cloud Recording events a snapshot job cares about.

Each class is what one event type's ``details`` say (reference §7.4, Agora's NCS event list
for Cloud Recording). The ``of_*`` functions read them leniently: Agora may add fields, and a
field that is missing or of the wrong type gives ``None`` rather than an error — the raw
``details`` always stay on the event and in the store, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class EventType(IntEnum):
    """Cloud Recording event types (``productId`` 3)."""

    CLOUD_RECORDING_ERROR = 1
    CLOUD_RECORDING_WARNING = 2
    CLOUD_RECORDING_STATUS_UPDATE = 3
    CLOUD_RECORDING_FILE_INFOS = 4
    SESSION_EXIT = 11
    SESSION_FAILOVER = 12
    UPLOADER_STARTED = 30
    UPLOADED = 31
    BACKUPED = 32
    UPLOADING_PROGRESS = 33
    RECORDER_STARTED = 40
    RECORDER_LEAVE = 41
    RECORDER_SLICE_START = 42
    RECORDER_AUDIO_STREAM_STATE_CHANGED = 43
    RECORDER_VIDEO_STREAM_STATE_CHANGED = 44
    RECORDER_SNAPSHOT_FILE = 45
    DOWNLOAD_FAILED = 90


# What a screenshot job should subscribe to in Agora Console: errors and warnings, exit and
# failover, recorder start and leave, whether video arrives (no video, no screenshots), and
# every uploaded screenshot.
RECOMMENDED_EVENT_TYPES: tuple[int, ...] = (1, 2, 11, 12, 40, 41, 44, 45)

# recorder_leave leaveCode bits (0 alone means "initialisation failed")
LEAVE_REASONS: tuple[tuple[int, str], ...] = (
    (2, "signal"),  # the recorder process received SIGINT
    (4, "no-users"),  # nobody in the channel for maxIdleTime
    (8, "timer"),  # Agora: "ignore it"
    (16, "client-leave"),  # the recorder called leaveChannel (e.g. after stop)
)

MODULES = {0: "recorder", 1: "uploader", 2: "service", 6: "web-recorder"}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _uid(value: Any) -> str | None:
    """UIDs are documented as strings; accept a number too, as the same decimal text."""
    if isinstance(value, str):
        return value
    number = _int(value)
    return None if number is None else str(number)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class RecordingError:
    """eventType 1 ``cloud_recording_error``. ``level`` 5 is fatal: call ``query``."""

    module: int | None
    level: int | None
    code: int | None
    stat: int | None
    message: str | None

    @property
    def module_name(self) -> str | None:
        return None if self.module is None else MODULES.get(self.module, str(self.module))

    @property
    def fatal(self) -> bool:
        return self.level == 5


@dataclass(frozen=True)
class RecordingWarning:
    """eventType 2 ``cloud_recording_warning``."""

    module: int | None
    code: int | None


@dataclass(frozen=True)
class SessionExit:
    """eventType 11 ``session_exit``: ``exit_status`` 0 normal, 1 abnormal (bad parameter…)."""

    exit_status: int | None

    @property
    def normal(self) -> bool | None:
        return None if self.exit_status is None else self.exit_status == 0


@dataclass(frozen=True)
class SessionFailover:
    """eventType 12 ``session_failover``: the recorder moved to a new server and rejoined the
    channel as ``new_uid``; later events of this session carry that uid."""

    new_uid: str | None


@dataclass(frozen=True)
class RecorderLeave:
    """eventType 41 ``recorder_leave``: ``leave_code`` is a set of bit flags."""

    leave_code: int | None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The flags by name; ``("init-failed",)`` for code 0."""
        if self.leave_code is None:
            return ()
        if self.leave_code == 0:
            return ("init-failed",)
        named = tuple(name for bit, name in LEAVE_REASONS if self.leave_code & bit)
        unknown = self.leave_code & ~sum(bit for bit, _ in LEAVE_REASONS)
        return (*named, f"unknown-{unknown}") if unknown else named


@dataclass(frozen=True)
class StreamState:
    """eventType 43 (audio) / 44 (video) ``recorder_*_stream_state_changed``.

    ``stream_uid`` is the publisher whose stream changed (``"0"`` for a composite stream);
    ``state`` 0 means the recorder receives it, 1 that it does not (it stopped).
    """

    media: str  # "audio" or "video"
    stream_uid: str | None
    state: int | None
    utc_ms: int | None

    @property
    def receiving(self) -> bool | None:
        return None if self.state is None else self.state == 0


@dataclass(frozen=True)
class SnapshotFile:
    """eventType 45 ``recorder_snapshot_file``: a screenshot was captured *and uploaded*;
    ``file_name`` is ``"<fileNamePrefix path>/<jpg name>"`` in the bucket."""

    file_name: str


def of_error(details: Mapping[str, Any]) -> RecordingError:
    return RecordingError(
        module=_int(details.get("module")),
        level=_int(details.get("errorLevel")),
        code=_int(details.get("errorCode")),
        stat=_int(details.get("stat")),
        message=_str(details.get("errorMsg")),
    )


def of_warning(details: Mapping[str, Any]) -> RecordingWarning:
    return RecordingWarning(module=_int(details.get("module")), code=_int(details.get("warnCode")))


def of_exit(details: Mapping[str, Any]) -> SessionExit:
    return SessionExit(_int(details.get("exitStatus")))


def of_failover(details: Mapping[str, Any]) -> SessionFailover:
    return SessionFailover(_uid(details.get("newUid")))


def of_leave(details: Mapping[str, Any]) -> RecorderLeave:
    return RecorderLeave(_int(details.get("leaveCode")))


def of_stream_state(details: Mapping[str, Any], media: str) -> StreamState:
    return StreamState(
        media=media,
        stream_uid=_uid(details.get("streamUid")),
        state=_int(details.get("state")),
        utc_ms=_int(details.get("UtcMs")),
    )


def of_snapshot(details: Mapping[str, Any]) -> SnapshotFile | None:
    name = details.get("fileName")
    return SnapshotFile(name) if isinstance(name, str) and name else None


def of_status(details: Mapping[str, Any]) -> int | None:
    return _int(details.get("status"))
