"""The Cloud Recording service as a pure state machine with an injectable clock.

Transport-free: methods take path parameters and decoded JSON bodies and return a
:class:`Reply` (HTTP status + JSON body); the HTTP layer (``app.py``) adds routing, auth,
rate limits and faults. Screenshots go to an injected :class:`Storage`, time comes from an
injected clock, so the engine is deterministic under test. What it keeps is in
``sessions.py``, screenshots are taken by ``capture.py``, resourceIds are signed by
``resourceids.py``; the control side (publishers, failovers, listings) is the mixed-in
:class:`~snaplint.emulator.control.Control`.

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
- Screenshots: at start and then every ``captureInterval`` seconds, one JPEG per subscribed
  UID that publishes video, named per reference §3.1 and written to
  ``<vendor>/<bucket>/<fileNamePrefix…>/<name>`` in the storage.
- Notifications: with a ``notifier``, each of these steps is told as it happens in emulated
  time (events 40, 44, 45, 12, 41, 11; ``notifier.py`` lists them).

Nothing runs between calls: every call first *catches up* from the last processed instant
to now (status, idle timeouts, screenshots), so a state saved to disk and loaded an hour later
(embedded mode) sees exactly what happened meanwhile. A catch-up writes at most
``capture_cap`` screenshots per subscribed UID; older ones are counted in ``filesSkipped``.

Secrets never enter the engine's state: storage keys, tokens and decryption secrets are
dropped from what a session keeps, and ``startParameter`` is kept only as a digest.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from snaplint.agora.ratelimit import TokenBucket
from snaplint.emulator import validation as v
from snaplint.emulator.announce import Announce
from snaplint.emulator.capture import capture
from snaplint.emulator.clock import Clock, SimClock
from snaplint.emulator.control import Control
from snaplint.emulator.notifier import LEAVE_CLIENT, LEAVE_IDLE, Notifier
from snaplint.emulator.resourceids import digest, issue_rid, parse_rid
from snaplint.emulator.sessions import (
    DEFAULT_EXPIRED_HOUR,
    EXIT_SECONDS,
    GONE_RETENTION,
    RESOURCE_TTL,
    Publisher,
    ResourceRecord,
    Session,
    Subscription,
    ids,
    kept_storage,
    new_session,
    status_of,
)
from snaplint.emulator.storage import MemoryStorage, Storage
from snaplint.emulator.tokencheck import TOKEN_EXPIRED_REASON, check_start_token
from snaplint.emulator.validation import Reject, invalid

STATE_VERSION = 1
DEFAULT_FAILOVER_RECOVERY = 30.0  # "switched to a new server within 30 s" (ERR-26 FAQ; BP)
DEFAULT_CAPTURE_CAP = 100
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


class Engine(Announce, Control):
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
        self.notifier: Notifier | None = None  # hears every notification (notifier.py)
        self.app_certificates: dict[str, str] = {}  # App ID → certificate (tokencheck.py)

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

    def _advance_session(self, s: Session, now: float, *, starting: bool = False) -> None:
        """Process ``(processed_until, now]`` (and the start instant itself when ``starting``)."""
        if now <= s.processed_until and not starting:
            return
        end = s.idle_since + s.max_idle if s.idle_since is not None else math.inf
        token_end = s.token_expires_at if s.token_expires_at is not None else math.inf
        horizon = min(now, end, token_end)
        if horizon > s.processed_until or starting:
            publishers = self.channels.get(self._channel_key(s.app_id, s.cname), {})
            video_uids = self._video_uids(s)
            # the publisher set is constant since processed_until: every change catches up
            self._sync_video(s, video_uids, s.processed_until)
            audio_any = any(p.audio and s.audio.covers(p.uid) for p in publishers.values())
            if video_uids or audio_any:
                s.saw_stream = True
            if s.capture_interval:
                on_file = None
                if self.notifier is not None:

                    def on_file(t: float, key: str) -> None:
                        self._emit(s, 45, t, {"fileName": key})

                capture(s, video_uids, horizon, self.storage, self.capture_cap, on_file)
            s.processed_until = horizon
        if min(end, token_end) <= now:
            if token_end < end:
                # the bot leaves the channel when its token expires (leaveChannel: 16)
                self._end(s, token_end, TOKEN_EXPIRED_REASON, LEAVE_CLIENT, 0)
            else:
                self._end(s, end, "idle: no publisher for maxIdleTime", LEAVE_IDLE, 0)

    # ------------------------------------------------------------------ helpers

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
            rid = issue_rid(self._rid_key, self._rng, app_id, cname, uid, now)
            sp = cr.get("startParameter")
            self.resources[rid] = ResourceRecord(
                rid,
                app_id,
                cname,
                uid,
                now,
                int(cr.get("resourceExpiredHour", DEFAULT_EXPIRED_HOUR)),
                digest(sp) if sp is not None else None,
            )
            return Reply(200, {"cname": cname, "uid": uid, "resourceId": rid})

    def start(self, app_id: str, rid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            if mode not in v.MODES:
                raise invalid(f"mode must be one of {', '.join(v.MODES)} (got {mode!r})")
            cname, uid, cr = v.check_top(body)
            r_app, r_cname, r_uid, issued = parse_rid(self._rid_key, rid)
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
            token_expiry = check_start_token(self.app_certificates, app_id, cname, uid, cr, now)
            if (
                record.start_parameter_digest is not None
                and record.start_parameter_digest != digest(cr)
            ):
                raise invalid("clientRequest does not match the startParameter given to acquire")
            for other in self.sessions.values():
                if (
                    other.state == "running"
                    and other.app_id.lower() == app_id.lower()
                    and (other.cname, other.uid) == (cname, uid)
                ):
                    raise Reject(400, 53, "task conflict")
            s = new_session(self._new_sid(), rid, mode, app_id, cname, uid, cr, record, now)
            s.token_expires_at = token_expiry
            record.sid = s.sid
            self.sessions[s.sid] = s
            self._auto_publish(s, now)
            if not self.channels.get(self._channel_key(app_id, cname)):
                s.idle_since = now
            self._emit(s, 40, now, {"status": 0})
            self._advance_session(s, now, starting=True)  # video received, the first screenshots
            return Reply(200, {"cname": cname, "uid": uid, "resourceId": rid, "sid": s.sid})

    def _lookup(
        self, app_id: str, rid: str, sid: str, mode: str, endpoint: str, now: float
    ) -> Session:
        r_app, *_ = parse_rid(self._rid_key, rid)
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

    def query(self, app_id: str, rid: str, sid: str, mode: str) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self._lookup(app_id, rid, sid, mode, "query", now)
            response: dict[str, Any] = {
                "status": status_of(s, now),
                "sliceStartTime": round(s.started_at * 1000),
            }
            if not s.snapshot:  # recording sessions carry a file list (reference §3)
                response = {"fileListMode": "json", "fileList": [], **response}
            return Reply(200, {**ids(s), "serverResponse": response})

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
                self._sync_channel(s.app_id, s.cname, now)
            if "storageConfig" in cr:
                s.storage = kept_storage(cr["storageConfig"])
            s.update_count += 1
            return Reply(200, ids(s))

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
            return Reply(200, ids(s))

    def stop(self, app_id: str, rid: str, sid: str, mode: str, body: Any) -> Reply:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self._lookup(app_id, rid, sid, mode, "stop", now)
            cr = self._check_body_ids(s, body)
            v.check_stop(cr)
            if s.state != "running":
                raise Reject(400, 49, "invalid operation")
            self._end(s, now, "stopped", LEAVE_CLIENT, 0)
            has_data = bool(s.files_total or s.files_skipped) if s.snapshot else s.saw_stream
            if not has_data:
                return Reply(206, {"code": 435, "reason": "no recorded data"})
            response: dict[str, Any] = {"uploadingStatus": self.uploading_status}
            if not s.snapshot:
                response = {"fileListMode": "json", "fileList": [], **response}
            return Reply(200, {**ids(s), "serverResponse": response})
