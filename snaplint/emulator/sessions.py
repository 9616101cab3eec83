"""What the emulated service keeps: sessions, their subscriptions, resources, publishers.

Also the lifecycle's timings and defaults (reference §3–§5, §7.3), how a start request becomes
a :class:`Session` (secrets dropped), a session's status at a given instant and the view the
control API shows of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from snaplint.emulator import validation as v
from snaplint.redaction import redact

STATUS_STEP = 1.0  # seconds per status step 0 → 5 after start
EXIT_SECONDS = 3.0  # stop/idle/4th failover → gone
RESOURCE_TTL = 300.0  # a resourceId must be used within 5 minutes (API-26; ERR-old 433)
DEFAULT_MAX_IDLE = 30  # recordingConfig.maxIdleTime default (API-26)
DEFAULT_CAPTURE_INTERVAL = 10  # snapshotConfig.captureInterval default (API-26)
DEFAULT_EXPIRED_HOUR = 72  # acquire resourceExpiredHour default (API-26)
GONE_RETENTION = 7 * 24 * 3600.0  # gone sessions stay listed (control API) this long
_STORAGE_KEYS = ("vendor", "region", "bucket", "fileNamePrefix")


@dataclass
class Subscription:
    """Who is subscribed for one media type: all, none, a list, or all but a list."""

    kind: str = "all"  # "all" | "none" | "include" | "exclude"
    uids: list[str] = field(default_factory=list)

    def covers(self, uid: str) -> bool:
        if self.kind == "all":
            return True
        if self.kind == "include":
            return uid in self.uids
        if self.kind == "exclude":
            return uid not in self.uids
        return False

    @classmethod
    def from_lists(cls, lists: dict[str, Any], media: str) -> Subscription | None:
        """From ``subscribe<Media>Uids`` / ``unsubscribe<Media>Uids`` keys, None if absent."""
        sub = lists.get(f"subscribe{media}Uids")
        if sub is not None:
            return cls("all") if sub == [v.ALL_STREAMS] else cls("include", list(sub))
        unsub = lists.get(f"unsubscribe{media}Uids", lists.get(f"unSubscribe{media}Uids"))
        if unsub is not None:
            return cls("exclude", list(unsub))
        return None


@dataclass
class Publisher:
    uid: str
    video: bool = True
    audio: bool = True
    joined_at: float = 0.0
    auto: bool = False  # added by the emulator for an explicitly subscribed UID (embedded mode)


@dataclass
class ResourceRecord:
    resource_id: str
    app_id: str
    cname: str
    uid: str
    acquired_at: float
    expired_hour: int
    start_parameter_digest: str | None = None
    sid: str | None = None


@dataclass
class Session:
    sid: str
    resource_id: str
    app_id: str
    cname: str
    uid: str
    mode: str
    started_at: float
    expires_at: float
    channel_type: int
    stream_types: int
    max_idle: int
    capture_interval: int | None  # None: no snapshotConfig
    video: Subscription
    audio: Subscription
    storage: dict[str, Any]  # redacted storageConfig
    config: dict[str, Any]  # redacted start clientRequest (for the control API)
    state: str = "running"  # "running" | "exiting" | "gone"
    ended_at: float | None = None
    end_reason: str | None = None
    processed_until: float = 0.0
    # index k of the next capture at started_at + k·interval; k = 0 is the start itself, so
    # a uid publishing when the recorder joins has a screenshot at once
    next_capture: int = 0
    idle_since: float | None = None
    failovers: int = 0
    recovering_until: float = 0.0
    bot_uid: str | None = None  # after a failover the bot rejoins with a random uid (NCS 12)
    files: list[str] = field(default_factory=list)  # the newest MAX_LISTED_FILES paths
    files_total: int = 0  # screenshots written
    files_skipped: int = 0
    saw_stream: bool = False
    update_count: int = 0
    receiving: list[str] = field(default_factory=list)  # uids whose video the recorder gets
    notify_seq: int = 0  # payload.sequence of the session's next notification
    token_expires_at: float | None = None  # verified token (tokencheck.py): the bot leaves then

    @property
    def snapshot(self) -> bool:
        return self.capture_interval is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        data = dict(data)
        data["video"] = Subscription(**data["video"])
        data["audio"] = Subscription(**data["audio"])
        return cls(**data)


def end_session(s: Session, at: float, reason: str) -> None:
    """Stop, idle timeout or the last failover: the session exits at ``at``."""
    s.state = "exiting"
    s.ended_at = at
    s.end_reason = reason
    s.processed_until = max(s.processed_until, at)


def kept_storage(storage_config: dict[str, Any]) -> dict[str, Any]:
    """What a session keeps of a ``storageConfig``: where files go, never the keys."""
    storage = redact(storage_config)
    return {k: storage[k] for k in _STORAGE_KEYS if k in storage}


def new_session(
    sid: str,
    rid: str,
    mode: str,
    app_id: str,
    cname: str,
    uid: str,
    cr: dict[str, Any],
    record: ResourceRecord,
    now: float,
) -> Session:
    """The session a valid start ``clientRequest`` begins at ``now``."""
    rc = cr.get("recordingConfig", {})
    stream_types = rc.get("streamTypes", 2)
    video = Subscription.from_lists(rc, "Video")
    audio = Subscription.from_lists(rc, "Audio")
    # SUB: a list for only one media type means the other type is not subscribed at all
    if video is None:
        video = Subscription("none") if audio is not None else Subscription("all")
    if audio is None:
        audio = (
            Subscription("none")
            if rc and any(k in rc for k in v.VIDEO_LISTS)
            else Subscription("all")
        )
    if stream_types == 0:
        video = Subscription("none")
    if stream_types == 1:
        audio = Subscription("none")
    snapshot = cr.get("snapshotConfig")
    return Session(
        sid=sid,
        resource_id=rid,
        app_id=app_id,
        cname=cname,
        uid=uid,
        mode=mode,
        started_at=now,
        expires_at=now + record.expired_hour * 3600,
        channel_type=rc.get("channelType", 0),
        stream_types=stream_types,
        max_idle=rc.get("maxIdleTime", DEFAULT_MAX_IDLE),
        capture_interval=(
            snapshot.get("captureInterval", DEFAULT_CAPTURE_INTERVAL)
            if snapshot is not None
            else None
        ),
        video=video,
        audio=audio,
        storage=kept_storage(cr["storageConfig"]),
        config=redact(cr),
        processed_until=now,
    )


def status_of(s: Session, now: float) -> int:
    """The query ``status``: 0 → 5 while running, then 6, 7, 8 while exiting."""
    if s.state == "running":
        return min(5, max(0, int((now - s.started_at) / STATUS_STEP)))
    since = now - (s.ended_at or now)
    return 6 if since < EXIT_SECONDS / 3 else 7 if since < 2 * EXIT_SECONDS / 3 else 8


def ids(s: Session) -> dict[str, Any]:
    """The ids every answer about a session repeats."""
    return {"cname": s.cname, "uid": s.uid, "resourceId": s.resource_id, "sid": s.sid}


def session_view(s: Session, now: float) -> dict[str, Any]:
    """The control API's view of a session (the config and storage are redacted)."""
    return {
        **ids(s),
        "appId": s.app_id,
        "mode": s.mode,
        "state": s.state,
        "status": status_of(s, now) if s.state != "gone" else None,
        "startedAt": s.started_at,
        "endedAt": s.ended_at,
        "endReason": s.end_reason,
        "expiresAt": s.expires_at,
        "captureInterval": s.capture_interval,
        "maxIdleTime": s.max_idle,
        "idleSince": s.idle_since,
        "video": asdict(s.video),
        "audio": asdict(s.audio),
        "storage": s.storage,
        "failovers": s.failovers,
        "recovering": now < s.recovering_until,
        "botUid": s.bot_uid or s.uid,
        "updates": s.update_count,
        "files": list(s.files),
        "filesTotal": s.files_total,
        "filesSkipped": s.files_skipped,
        "config": s.config,
    }
