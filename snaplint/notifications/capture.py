"""What a job is really capturing, from its notification events (pure): per subscribed uid
whether its video is received (event 44), its last screenshot (event 45), the screenshots of
the last hour against those its ``captureInterval`` promises, and what needs a person.

Flags (``snaplint status`` exits 3 when any is raised):

- ``not-sending-video``: a uid's video has not been received for longer than ``video_gap``;
- ``no-screenshot``: video is received but no screenshot came for longer than ``shot_gap``
  (default two capture intervals);
- ``exited-abnormally``: the session ended with event 11 ``exitStatus`` 1, or event 41 with
  a ``leaveCode`` other than 4 (idle: the normal end of a channel nobody publishes in);
- ``errors``: event 1 (a recording error) was reported;
- ``untracked``: state knows a session runs for the job (start answered "already started", or
  its answer was lost in a crash) but not its sid, so no call can stop it: it is billed until
  it idles out, or until ``snaplint import`` (or a plan that learns the sid) adopts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from snaplint.agora.filenames import ScreenshotNameError, parse_key

HOUR_MS = 3_600_000
MINUTES = 60
LEAVE_IDLE = 4


@dataclass
class UidCapture:
    uid: str
    receiving: bool | None = None  # None: no event 44 seen yet
    since_ms: int | None = None  # when it started or stopped being received
    last_shot_ms: int | None = None
    last_shot_key: str | None = None
    shots_last_hour: int = 0
    # screenshots per minute of the last hour, oldest minute first (the status page's strip)
    per_minute: list[int] = field(default_factory=lambda: [0] * MINUTES)
    failover_shots: int = 0  # bak<n>_ files: taken after a failover
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        shot = (
            {"time": _iso(self.last_shot_ms), "key": self.last_shot_key}
            if self.last_shot_ms is not None
            else None
        )
        return {
            "uid": self.uid,
            "receiving": self.receiving,
            "since": _iso(self.since_ms),
            "lastScreenshot": shot,
            "screenshotsLastHour": self.shots_last_hour,
            "failoverScreenshots": self.failover_shots,
            "flags": list(self.flags),
        }


@dataclass
class JobCapture:
    name: str
    status: str  # as recorded in state
    sid: str | None
    interval: int | None
    uids: list[UidCapture]
    expected_last_hour: int | None
    ended: str | None = None  # how the session ended, from events 11 / 41
    failovers: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags) or any(u.flags for u in self.uids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "sid": self.sid,
            "captureInterval": self.interval,
            "expectedScreenshotsLastHour": self.expected_last_hour,
            "ended": self.ended,
            "failovers": self.failovers,
            "errors": self.errors,
            "warnings": self.warnings,
            "flags": list(self.flags),
            "uids": [u.to_dict() for u in self.uids],
        }


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def capture(
    name: str,
    status: str,
    sid: str | None,
    spec: dict[str, Any],
    events: Iterable[Any],
    *,
    now_ms: int,
    video_gap_ms: int = 60_000,
    shot_gap_ms: int | None = None,
) -> JobCapture:
    """The capture view of one job from its events (oldest first)."""
    cr = (spec or {}).get("clientRequest") or {}
    interval = ((cr.get("snapshotConfig") or {}).get("captureInterval")) or None
    interval = interval if isinstance(interval, int) else None
    subscribed = (cr.get("recordingConfig") or {}).get("subscribeVideoUids") or []
    uids: dict[str, UidCapture] = {
        str(u): UidCapture(str(u))
        for u in subscribed
        if isinstance(u, str | int) and str(u) != "#allstream#"
    }
    job = JobCapture(name, status, sid, interval, [], None)
    for event in events:
        kind = event.event_type
        if kind == 44 and event.video_state is not None and event.video_state.stream_uid:
            vs = event.video_state
            uid = uids.setdefault(vs.stream_uid, UidCapture(vs.stream_uid))
            uid.receiving, uid.since_ms = vs.receiving, vs.utc_ms or event.order_ms
        elif kind == 45 and event.file_name:
            _shot(uids, event.file_name, event.order_ms, now_ms)
        elif kind == 12:
            job.failovers += 1
        elif kind == 11:
            job.ended = "normally" if event.exit_status == 0 else "abnormally (exitStatus 1)"
            if event.exit_status not in (0, None):
                job.flags.append("exited-abnormally")
        elif kind == 41:
            code = event.leave_code
            job.ended = "idle (leaveCode 4)" if code == LEAVE_IDLE else f"leaveCode {code}"
            if code not in (LEAVE_IDLE, None) and "exited-abnormally" not in job.flags:
                job.flags.append("exited-abnormally")
        elif kind in (1, 2):
            text = json_line(event.details)
            (job.errors if kind == 1 else job.warnings).append(text)
    if job.errors:
        job.flags.append("errors")
    if status == "untracked":
        job.flags.append("untracked")
    if interval:
        job.expected_last_hour = HOUR_MS // (interval * 1000)
    gap = shot_gap_ms if shot_gap_ms is not None else (2 * interval * 1000 if interval else None)
    live = status == "running" and job.ended is None
    for uid in uids.values():
        if not live:
            continue
        if uid.receiving is False and uid.since_ms is not None:
            if now_ms - uid.since_ms > video_gap_ms:
                uid.flags.append("not-sending-video")
        elif uid.receiving and gap is not None:
            # since the last screenshot, or since the video (re)started if that is later
            marks = [m for m in (uid.last_shot_ms, uid.since_ms) if m is not None]
            if marks and now_ms - max(marks) > gap:
                uid.flags.append("no-screenshot")
    job.uids = sorted(uids.values(), key=lambda u: u.uid)
    return job


def _shot(uids: dict[str, UidCapture], key: str, at_ms: int, now_ms: int) -> None:
    try:
        _prefix, name = parse_key(key)
    except ScreenshotNameError:
        return
    uid = uids.setdefault(str(name.uid), UidCapture(str(name.uid)))
    taken = int(name.captured_at.timestamp() * 1000)
    if uid.last_shot_ms is None or taken >= uid.last_shot_ms:
        uid.last_shot_ms, uid.last_shot_key = taken, key
    if now_ms - taken <= HOUR_MS:
        uid.shots_last_hour += 1
        # a clock running ahead (an emulator's, advanced) puts a shot in the current minute
        ago = min(max(now_ms - taken, 0), HOUR_MS - 1)
        uid.per_minute[MINUTES - 1 - ago // 60_000] += 1
    if name.failover is not None:
        uid.failover_shots += 1


def json_line(details: Any) -> str:
    import json

    return json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)


def flagged(jobs: Sequence[JobCapture]) -> bool:
    return any(j.flagged for j in jobs)
