"""The Cloud Recording service as a pure state machine with an injectable clock.

Transport-free: methods take path parameters and decoded JSON bodies and return a
:class:`Reply` (HTTP status + JSON body); the HTTP layer (``app.py``) adds routing, auth,
rate limits and faults. Screenshots go to an injected :class:`Storage`, time comes from an
injected clock, so the engine is deterministic under test.

Lifecycle (reference §3–§5, §7.3), in emulated time:

- ``acquire`` issues a resourceId valid for 5 minutes (``RESOURCE_TTL``). The id is
  self-describing and signed (App ID, cname, uid, issue time), so start can answer 1001 (cannot
  be parsed), 1003 (App ID mismatch), 432 (cname/uid mismatch) and 433 (expired) like the
  service. ``startParameter`` is remembered as a digest and must equal the later start body.
- ``start``: a used resourceId → ``201 {code 7}``; the same App ID + cname + uid running →
  ``400 {code 53}``. Status then climbs 0 → 5 one step per ``STATUS_STEP`` seconds, with
  ``sliceStartTime`` = the start time in ms.
- ``update`` *replaces* the subscription (reference §4: "overrides"): a media type missing
  from ``streamSubscribe`` ends up unsubscribed; ``storageConfig`` replaces the storage.
- ``stop`` → ``uploadingStatus``; with no screenshot taken → ``206 {code 435}``. The session
  then exits for ``EXIT_SECONDS`` (query: status 6, 7, 8; stop: ``400 {code 49}``) and is gone
  afterwards (``404 "failed to find worker"``). Idle timeouts and the 4th failover end a
  session the same way.
- Idle: a channel with no publisher for ``maxIdleTime`` seconds ends its sessions (API-26).
- ``resourceExpiredHour`` (from start): afterwards query/update/stop answer
  ``400 {code 433}`` while the recording itself keeps going (REF-22). The reference names no
  code for this case; the emulator reuses 433 "resource expired".
- Failover (control API): the session keeps running; for ``failover_recovery`` seconds
  query/updateLayout/stop answer 404 and no screenshots are taken; later files get
  ``bak<n>_`` (n from 0); the 4th failover stops the session (HA-FAQ).
- Screenshots: every ``captureInterval`` seconds from start, one JPEG per subscribed UID that
  publishes video, named per reference §3.1 and written to
  ``<vendor>/<bucket>/<fileNamePrefix…>/<name>`` in the storage.

Nothing runs between calls: every call first *catches up* from the last processed instant
to now (status, idle timeouts, screenshots), so a state saved to disk and loaded an hour later
(embedded mode) sees exactly what happened meanwhile. A catch-up writes at most
``capture_cap`` screenshots per subscribed UID; older ones are counted in ``filesSkipped``.

Secrets never enter the engine's state: storage keys, tokens and decryption secrets are
dropped from what a session keeps, and ``startParameter`` is kept only as a digest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from snaplint.agora.filenames import build_name
from snaplint.agora.ratelimit import TokenBucket
from snaplint.emulator import validation as v
from snaplint.emulator.clock import Clock, SimClock
from snaplint.emulator.jpeg import screenshot_jpeg
from snaplint.emulator.validation import Reject, invalid
from snaplint.redaction import redact

STATE_VERSION = 1
STATUS_STEP = 1.0  # seconds per status step 0 → 5 after start
EXIT_SECONDS = 3.0  # stop/idle/4th failover → gone
RESOURCE_TTL = 300.0  # a resourceId must be used within 5 minutes (API-26; ERR-old 433)
DEFAULT_MAX_IDLE = 30  # recordingConfig.maxIdleTime default (API-26)
DEFAULT_CAPTURE_INTERVAL = 10  # snapshotConfig.captureInterval default (API-26)
DEFAULT_EXPIRED_HOUR = 72  # acquire resourceExpiredHour default (API-26)
MAX_FAILOVERS = 3  # a 4th migration stops the task (HA-FAQ)
DEFAULT_FAILOVER_RECOVERY = 30.0  # "switched to a new server within 30 s" (ERR-26 FAQ; BP)
DEFAULT_CAPTURE_CAP = 100
MAX_LISTED_FILES = 1000  # per session; older paths drop out of the list (files stay on disk)
GONE_RETENTION = 7 * 24 * 3600.0  # gone sessions stay listed (control API) this long
_APP_ID_RE = re.compile(r"^[0-9a-fA-F]{32}$")


def not_found() -> Reject:
    """``404 {code 404, "failed to find worker"}``: the session is gone, unknown or migrating."""
    return Reject(404, 404, "failed to find worker")


@dataclass
class Reply:
    """What the service answers: HTTP status and JSON body."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class Storage(Protocol):
    def write(self, path: str, data: bytes) -> None:
        """Store ``data`` at ``<vendor>/<bucket>/<object key>``."""


class FileStorage:
    """Screenshots as files under ``root`` (``<root>/<vendor>/<bucket>/<key>``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def write(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # readers never see half a JPEG


class MemoryStorage:
    """Screenshots in a dict (unit tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, path: str, data: bytes) -> None:
        self.files[path] = data


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
    next_capture: int = 1  # index k of the next capture at started_at + k·interval
    idle_since: float | None = None
    failovers: int = 0
    recovering_until: float = 0.0
    bot_uid: str | None = None  # after a failover the bot rejoins with a random uid (NCS 12)
    files: list[str] = field(default_factory=list)  # the newest MAX_LISTED_FILES paths
    files_total: int = 0  # screenshots written
    files_skipped: int = 0
    saw_stream: bool = False
    update_count: int = 0

    @property
    def snapshot(self) -> bool:
        return self.capture_interval is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        data = dict(data)
        data["video"] = Subscription(**data["video"])
        data["audio"] = Subscription(**data["audio"])
        return cls(**data)


def _digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Engine:
    """The emulated service. Thread-safe: every public method holds one lock."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        storage: Storage | None = None,
        qps: float | None = 10.0,
        rate_clock: Callable[[], float] = time.monotonic,
        app_ids: Collection[str] | None = None,
        auto_publishers: bool = False,
        failover_recovery: float = DEFAULT_FAILOVER_RECOVERY,
        max_sessions: int | None = None,
        capture_cap: int = DEFAULT_CAPTURE_CAP,
        rid_key: bytes | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.clock: Clock = clock or SimClock()
        self.storage: Storage = storage or MemoryStorage()
        self.qps = qps
        self._rate_clock = rate_clock
        self.app_ids = frozenset(a.lower() for a in app_ids) if app_ids else None
        self.auto_publishers = auto_publishers
        self.failover_recovery = failover_recovery
        self.max_sessions = max_sessions
        self.capture_cap = capture_cap
        self.uploading_status = "uploaded"  # stop's answer; faults may set "backuped"/"unknown"
        self._rng = rng or random.Random()
        self._rid_key = rid_key or self._rng.randbytes(16)
        self._lock = threading.RLock()
        self._buckets: dict[str, TokenBucket] = {}
        self.resources: dict[str, ResourceRecord] = {}
        self.sessions: dict[str, Session] = {}
        self.channels: dict[str, dict[str, Publisher]] = {}

    # ------------------------------------------------------------------ persistence

    def to_state(self) -> dict[str, Any]:
        """Everything needed to continue later (no secrets: see the module docstring)."""
        with self._lock:
            return {
                "version": STATE_VERSION,
                "ridKey": self._rid_key.hex(),
                "uploadingStatus": self.uploading_status,
                "resources": [asdict(r) for r in self.resources.values()],
                "sessions": [asdict(s) for s in self.sessions.values()],
                "channels": {
                    key: [asdict(p) for p in pubs.values()] for key, pubs in self.channels.items()
                },
            }

    def load_state(self, state: dict[str, Any]) -> None:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported emulator state version {state.get('version')!r}")
        with self._lock:
            self._rid_key = bytes.fromhex(state["ridKey"])
            self.uploading_status = state.get("uploadingStatus", "uploaded")
            self.resources = {r["resource_id"]: ResourceRecord(**r) for r in state["resources"]}
            self.sessions = {s["sid"]: Session.from_dict(s) for s in state["sessions"]}
            self.channels = {
                key: {p["uid"]: Publisher(**p) for p in pubs}
                for key, pubs in state["channels"].items()
            }

    # ------------------------------------------------------------------ time

    def now(self) -> float:
        return self.clock.now()

    def tick(self) -> float:
        """Catch up to now (the server calls this periodically so files appear on time)."""
        with self._lock:
            now = self.now()
            self._catch_up(now)
            return now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._catch_up(self.now())
            self.clock.advance(seconds)
            now = self.now()
            self._catch_up(now)
            return now

    def _catch_up(self, now: float) -> None:
        for s in self.sessions.values():
            if s.state == "running":
                self._advance_session(s, now)
        for s in self.sessions.values():
            if s.state == "exiting" and s.ended_at is not None and now >= s.ended_at + EXIT_SECONDS:
                s.state = "gone"
        for sid in [
            sid
            for sid, s in self.sessions.items()
            if s.state == "gone" and s.ended_at is not None and now - s.ended_at > GONE_RETENTION
        ]:
            del self.sessions[sid]
        for rid in [
            rid
            for rid, r in self.resources.items()
            if r.sid is None and now - r.acquired_at > RESOURCE_TTL
        ]:
            del self.resources[rid]

    def _advance_session(self, s: Session, now: float) -> None:
        if now <= s.processed_until:
            return
        end = s.idle_since + s.max_idle if s.idle_since is not None else math.inf
        horizon = min(now, end)
        if horizon > s.processed_until:
            publishers = self.channels.get(self._channel_key(s.app_id, s.cname), {})
            video_uids = sorted(
                (p.uid for p in publishers.values() if p.video and s.video.covers(p.uid)), key=int
            )
            audio_any = any(p.audio and s.audio.covers(p.uid) for p in publishers.values())
            if video_uids or audio_any:
                s.saw_stream = True
            if s.capture_interval:
                self._capture(s, video_uids, horizon)
            s.processed_until = horizon
        if end <= now:
            self._end(s, end, "idle: no publisher for maxIdleTime")

    def _capture(self, s: Session, uids: list[str], horizon: float) -> None:
        interval = float(s.capture_interval or DEFAULT_CAPTURE_INTERVAL)
        last = math.floor((horizon - s.started_at) / interval + 1e-9)
        if last < s.next_capture:
            return
        ks = range(s.next_capture, last + 1)
        s.next_capture = last + 1
        # no screenshots while a failover is migrating the task (reference §7.3)
        times = [s.started_at + k * interval for k in ks]
        times = [t for t in times if t >= s.recovering_until]
        if not uids or not times:
            return
        if len(times) > self.capture_cap:
            s.files_skipped += (len(times) - self.capture_cap) * len(uids)
            times = times[-self.capture_cap :]
        vendor = s.storage["vendor"]
        bucket = s.storage["bucket"]
        prefix = s.storage.get("fileNamePrefix") or []
        failover = s.failovers - 1 if s.failovers else None
        variant = "raw" if s.mode == "raw" else "individual"
        for t in times:
            ms = round(t * 1000)
            for uid in uids:
                name = build_name(
                    s.sid, s.cname, uid, ms / 1000, failover=failover, variant=variant
                )
                path = "/".join([str(vendor), bucket, *prefix, name])
                self.storage.write(path, screenshot_jpeg(uid, ms))
                s.files.append(path)
                s.files_total += 1
        if len(s.files) > MAX_LISTED_FILES:
            del s.files[: len(s.files) - MAX_LISTED_FILES]

    def _end(self, s: Session, at: float, reason: str) -> None:
        s.state = "exiting"
        s.ended_at = at
        s.end_reason = reason
        s.processed_until = max(s.processed_until, at)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _channel_key(app_id: str, cname: str) -> str:
        return f"{app_id.lower()}/{cname}"

    def _channel_changed(self, app_id: str, cname: str, now: float) -> None:
        empty = not self.channels.get(self._channel_key(app_id, cname))
        for s in self.sessions.values():
            if s.state == "running" and s.app_id == app_id and s.cname == cname:
                if empty and s.idle_since is None:
                    s.idle_since = now
                elif not empty:
                    s.idle_since = None

    def _auto_publish(self, s: Session, now: float) -> None:
        """Embedded mode: explicitly subscribed video UIDs publish, so screenshots appear."""
        if not self.auto_publishers or s.video.kind != "include":
            return
        pubs = self.channels.setdefault(self._channel_key(s.app_id, s.cname), {})
        for uid in s.video.uids:
            if uid not in pubs:
                pubs[uid] = Publisher(uid, True, True, now, auto=True)

    def check_app(self, app_id: str) -> None:
        if not _APP_ID_RE.match(app_id) or (
            self.app_ids is not None and app_id.lower() not in self.app_ids
        ):
            raise Reject(400, 400, "invalid_appid")

    def allow_request(self, app_id: str) -> bool:
        """The per-App ID QPS limit; a bucket holding one second's worth of requests."""
        if not self.qps:
            return True
        with self._lock:
            bucket = self._buckets.get(app_id)
            if bucket is None or bucket.rate != self.qps:
                bucket = TokenBucket(self.qps, max(1.0, self.qps), clock=self._rate_clock)
                self._buckets[app_id] = bucket
        return bucket.try_acquire()

    def _issue_rid(self, app_id: str, cname: str, uid: str, now: float) -> str:
        payload = json.dumps(
            [app_id, cname, uid, round(now, 3), self._rng.getrandbits(32)], separators=(",", ":")
        ).encode()
        sig = hmac.new(self._rid_key, payload, hashlib.sha256).digest()[:12]
        return f"{_b64(payload)}.{_b64(sig)}"

    def _parse_rid(self, rid: str) -> tuple[str, str, str, float]:
        try:
            payload_b64, sig_b64 = rid.split(".")
            payload = _unb64(payload_b64)
            expected = hmac.new(self._rid_key, payload, hashlib.sha256).digest()[:12]
            if not hmac.compare_digest(expected, _unb64(sig_b64)):
                raise ValueError("bad signature")
            app_id, cname, uid, issued, _nonce = json.loads(payload)
            return str(app_id), str(cname), str(uid), float(issued)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise Reject(400, 1001, "invalid resourceId") from None

    def _new_sid(self) -> str:
        while True:
            sid = f"{self._rng.getrandbits(128):032x}"
            if sid not in self.sessions:
                return sid

    # ------------------------------------------------------------------ API

    def acquire(self, app_id: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            self.check_app(app_id)
            if not isinstance(body, dict):
                raise invalid("the request body must be a JSON object")
            if "cname" in body and v.cname_problem(body["cname"]) is not None:
                raise Reject(400, 401, "invalid_channel_name")
            cname, uid, cr = v.check_top(body, need_client_request=False)
            v.check_acquire(cr)
            if self.max_sessions is not None:
                running = sum(
                    1 for s in self.sessions.values() if s.state == "running" and s.app_id == app_id
                )
                if running >= self.max_sessions:
                    raise Reject(400, 406, "vendor_over_load")
            rid = self._issue_rid(app_id, cname, uid, now)
            sp = cr.get("startParameter")
            self.resources[rid] = ResourceRecord(
                rid,
                app_id,
                cname,
                uid,
                now,
                int(cr.get("resourceExpiredHour", DEFAULT_EXPIRED_HOUR)),
                _digest(sp) if sp is not None else None,
            )
            return Reply(200, {"cname": cname, "uid": uid, "resourceId": rid})

    def start(self, app_id: str, rid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            if mode not in v.MODES:
                raise invalid(f"mode must be one of {', '.join(v.MODES)} (got {mode!r})")
            cname, uid, cr = v.check_top(body)
            r_app, r_cname, r_uid, issued = self._parse_rid(rid)
            if r_app.lower() != app_id.lower():
                raise Reject(400, 1003, "resource mismatch")
            if (r_cname, r_uid) != (cname, uid):
                raise Reject(400, 432, "resource mismatch")
            record = self.resources.get(rid)
            if record is not None and record.sid is not None:
                return Reply(201, {"code": 7, "reason": "already started"})
            if record is None or now - issued > RESOURCE_TTL:
                raise Reject(400, 433, "resource expired")
            v.check_start(mode, cr)
            if (
                record.start_parameter_digest is not None
                and record.start_parameter_digest != _digest(cr)
            ):
                raise invalid("clientRequest does not match the startParameter given to acquire")
            for other in self.sessions.values():
                if (
                    other.state == "running"
                    and other.app_id.lower() == app_id.lower()
                    and (other.cname, other.uid) == (cname, uid)
                ):
                    raise Reject(400, 53, "task conflict")
            s = self._new_session(app_id, rid, mode, cname, uid, cr, record, now)
            record.sid = s.sid
            self.sessions[s.sid] = s
            self._auto_publish(s, now)
            if not self.channels.get(self._channel_key(app_id, cname)):
                s.idle_since = now
            return Reply(200, {"cname": cname, "uid": uid, "resourceId": rid, "sid": s.sid})

    def _new_session(
        self,
        app_id: str,
        rid: str,
        mode: str,
        cname: str,
        uid: str,
        cr: dict[str, Any],
        record: ResourceRecord,
        now: float,
    ) -> Session:
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
        storage = redact(cr["storageConfig"])
        return Session(
            sid=self._new_sid(),
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
            storage={
                k: storage[k]
                for k in ("vendor", "region", "bucket", "fileNamePrefix")
                if k in storage
            },
            config=redact(cr),
            processed_until=now,
        )

    def _lookup(
        self, app_id: str, rid: str, sid: str, mode: str, endpoint: str, now: float
    ) -> Session:
        r_app, *_ = self._parse_rid(rid)
        if r_app.lower() != app_id.lower():
            raise Reject(400, 1003, "resource mismatch")
        s = self.sessions.get(sid)
        if s is None or s.state == "gone":
            raise not_found()
        if s.resource_id != rid or s.app_id.lower() != app_id.lower():
            raise Reject(400, 1003, "resource mismatch")
        if s.mode != mode:
            raise invalid(f"mode {mode} does not match the session's mode {s.mode}")
        if now > s.expires_at:
            raise Reject(400, 433, "resource expired")
        # during a failover migration these calls cannot find the worker (reference §7.3)
        if endpoint in ("query", "updateLayout", "stop") and now < s.recovering_until:
            raise not_found()
        return s

    @staticmethod
    def _ids(s: Session) -> dict[str, Any]:
        return {"cname": s.cname, "uid": s.uid, "resourceId": s.resource_id, "sid": s.sid}

    def status_of(self, s: Session, now: float) -> int:
        if s.state == "running":
            return min(5, max(0, int((now - s.started_at) / STATUS_STEP)))
        since = now - (s.ended_at or now)
        return 6 if since < EXIT_SECONDS / 3 else 7 if since < 2 * EXIT_SECONDS / 3 else 8

    def query(self, app_id: str, rid: str, sid: str, mode: str) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self._lookup(app_id, rid, sid, mode, "query", now)
            response: dict[str, Any] = {
                "status": self.status_of(s, now),
                "sliceStartTime": round(s.started_at * 1000),
            }
            if not s.snapshot:  # recording sessions carry a file list (reference §3)
                response = {"fileListMode": "json", "fileList": [], **response}
            return Reply(200, {**self._ids(s), "serverResponse": response})

    def _check_body_ids(self, s: Session, body: Any) -> dict[str, Any]:
        cname, uid, cr = v.check_top(body)
        if (cname, uid) != (s.cname, s.uid):
            raise not_found()  # cname/uid differing from acquire ends in 404 (ISSUE-404)
        return cr

    def update(self, app_id: str, rid: str, sid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self._lookup(app_id, rid, sid, mode, "update", now)
            if s.state != "running":
                raise not_found()  # update is only valid while the session is active (API-26)
            cr = self._check_body_ids(s, body)
            v.check_update(mode, s.stream_types, cr)
            if "streamSubscribe" in cr:
                sub = cr["streamSubscribe"]
                # replace, not merge: a media type left out is no longer subscribed (REF-22)
                s.video = Subscription.from_lists(
                    sub.get("videoUidList", {}), "Video"
                ) or Subscription("none")
                s.audio = Subscription.from_lists(
                    sub.get("audioUidList", {}), "Audio"
                ) or Subscription("none")
                self._auto_publish(s, now)
                self._channel_changed(s.app_id, s.cname, now)
            if "storageConfig" in cr:
                storage = redact(cr["storageConfig"])
                s.storage = {
                    k: storage[k]
                    for k in ("vendor", "region", "bucket", "fileNamePrefix")
                    if k in storage
                }
            s.update_count += 1
            return Reply(200, self._ids(s))

    def update_layout(self, app_id: str, rid: str, sid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            if mode != "mix":
                raise invalid(f"updateLayout is only available in mix mode (got mode {mode})")
            s = self._lookup(app_id, rid, sid, mode, "updateLayout", now)
            if s.state != "running":
                raise not_found()
            cr = self._check_body_ids(s, body)
            if not isinstance(cr, dict):
                raise Reject(400, 1028, "invalid updateLayout body")
            return Reply(200, self._ids(s))

    def stop(self, app_id: str, rid: str, sid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self._lookup(app_id, rid, sid, mode, "stop", now)
            cr = self._check_body_ids(s, body)
            v.check_stop(cr)
            if s.state != "running":
                raise Reject(400, 49, "invalid operation")
            self._end(s, now, "stopped")
            has_data = bool(s.files_total or s.files_skipped) if s.snapshot else s.saw_stream
            if not has_data:
                return Reply(206, {"code": 435, "reason": "no recorded data"})
            response: dict[str, Any] = {"uploadingStatus": self.uploading_status}
            if not s.snapshot:
                response = {"fileListMode": "json", "fileList": [], **response}
            return Reply(200, {**self._ids(s), "serverResponse": response})

    # ------------------------------------------------------------------ control

    def session_view(self, s: Session, now: float) -> dict[str, Any]:
        return {
            **self._ids(s),
            "appId": s.app_id,
            "mode": s.mode,
            "state": s.state,
            "status": self.status_of(s, now) if s.state != "gone" else None,
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

    def list_sessions(self, state: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            return [
                self.session_view(s, now)
                for s in sorted(self.sessions.values(), key=lambda s: (s.started_at, s.sid))
                if state is None or s.state == state
            ]

    def get_session(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self.sessions.get(sid)
            return self.session_view(s, now) if s else None

    def list_publishers(self, app_id: str, cname: str) -> list[dict[str, Any]]:
        with self._lock:
            pubs = self.channels.get(self._channel_key(app_id, cname), {})
            return [asdict(p) for p in pubs.values()]

    def list_channels(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return {key: [asdict(p) for p in pubs.values()] for key, pubs in self.channels.items()}

    def add_publisher(
        self, app_id: str, cname: str, uid: str, *, video: bool = True, audio: bool = True
    ) -> dict[str, Any]:
        v.check_uid(uid)
        with self._lock:
            now = self.now()
            self._catch_up(now)  # everything before now happened with the old publisher set
            pub = Publisher(uid, video, audio, now)
            self.channels.setdefault(self._channel_key(app_id, cname), {})[uid] = pub
            self._channel_changed(app_id, cname, now)
            return asdict(pub)

    def remove_publisher(self, app_id: str, cname: str, uid: str) -> bool:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            key = self._channel_key(app_id, cname)
            pubs = self.channels.get(key, {})
            removed = pubs.pop(uid, None) is not None
            if not pubs:
                self.channels.pop(key, None)
            self._channel_changed(app_id, cname, now)
            return removed

    def failover(self, sid: str) -> dict[str, Any]:
        """Migrate a running session to a new server (reference §7.3); KeyError if not running."""
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self.sessions.get(sid)
            if s is None or s.state != "running":
                raise KeyError(sid)
            s.failovers += 1
            s.bot_uid = str(self._rng.randint(100_000_000, 4_000_000_000))
            if s.failovers > MAX_FAILOVERS:
                self._end(s, now, f"failover limit: migration {s.failovers} stops the task")
            else:
                s.recovering_until = now + self.failover_recovery
            return self.session_view(s, now)

    def reset(self) -> None:
        with self._lock:
            self.resources.clear()
            self.sessions.clear()
            self.channels.clear()
            self._buckets.clear()
