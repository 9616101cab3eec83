"""The emulator's control side: channels and their publishers, failovers, session listings.

What the control API (``/_emulator/…``), the embedded mode and tests drive, as opposed to the
Cloud Recording API itself. Mixed into :class:`~snaplint.emulator.engine.Engine`, whose lock,
clock and catch-up it uses: every method catches up first, so what happened before a change
happened with the old world.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict
from typing import Any

from snaplint.agora.ratelimit import TokenBucket
from snaplint.emulator import validation as v
from snaplint.emulator.notifier import LEAVE_SIGNAL, SERVICE
from snaplint.emulator.sessions import (
    Publisher,
    ResourceRecord,
    Session,
    session_view,
)

MAX_FAILOVERS = 3  # a 4th migration stops the task (HA-FAQ)


class Control:
    """Channels, publishers and failovers; the engine supplies the state and the catch-up."""

    _lock: threading.RLock
    _rng: random.Random
    _buckets: dict[str, TokenBucket]
    failover_recovery: float
    auto_publishers: bool
    resources: dict[str, ResourceRecord]
    sessions: dict[str, Session]
    channels: dict[str, dict[str, Publisher]]

    def now(self) -> float:
        raise NotImplementedError  # the engine's clock

    def _catch_up(self, now: float) -> None:
        raise NotImplementedError  # the engine's catch-up

    def _video_uids(self, s: Session) -> list[str]:
        raise NotImplementedError

    def _sync_video(self, s: Session, uids: list[str], at: float) -> None:
        raise NotImplementedError

    def _emit(
        self, s: Session, event_type: int, at: float, details: dict[str, Any], service_type: int
    ) -> None:
        raise NotImplementedError

    def _end(self, s: Session, at: float, reason: str, leave_code: int, exit_status: int) -> None:
        raise NotImplementedError

    def _sync_channel(self, app_id: str, cname: str, now: float) -> None:
        """Event 44 now for the sessions in the channel whose received video changed."""
        for s in self.sessions.values():
            if s.state == "running" and s.app_id == app_id and s.cname == cname:
                self._sync_video(s, self._video_uids(s), now)

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

    def list_sessions(self, state: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            return [
                session_view(s, now)
                for s in sorted(self.sessions.values(), key=lambda s: (s.started_at, s.sid))
                if state is None or s.state == state
            ]

    def get_session(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self.sessions.get(sid)
            return session_view(s, now) if s else None

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
            self._sync_channel(app_id, cname, now)
            return asdict(pub)

    def set_publisher(
        self,
        app_id: str,
        cname: str,
        uid: str,
        *,
        video: bool | None = None,
        audio: bool | None = None,
    ) -> dict[str, Any]:
        """Switch a publisher's video and/or audio off or on; ``KeyError`` if it is not there.

        Its screenshots stop (or resume at the next capture instant) and event 44 tells it;
        the channel's other publishers go on as they were."""
        with self._lock:
            now = self.now()
            self._catch_up(now)
            pub = self.channels.get(self._channel_key(app_id, cname), {}).get(uid)
            if pub is None:
                raise KeyError(uid)
            if video is not None:
                pub.video = video
            if audio is not None:
                pub.audio = audio
            self._sync_channel(app_id, cname, now)
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
            self._sync_channel(app_id, cname, now)
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
            self._emit(s, 12, now, {"newUid": int(s.bot_uid)}, SERVICE)
            if s.failovers > MAX_FAILOVERS:
                reason = f"failover limit: migration {s.failovers} stops the task"
                self._end(s, now, reason, LEAVE_SIGNAL, 1)
            else:
                s.recovering_until = now + self.failover_recovery
            return session_view(s, now)

    def report(self, sid: str, details: dict[str, Any], *, warning: bool = False) -> None:
        """Event 1 (a recording error) or 2 (a warning) for a running session, as the service
        reports trouble in its modules; ``KeyError`` if the session is not running."""
        with self._lock:
            now = self.now()
            self._catch_up(now)
            s = self.sessions.get(sid)
            if s is None or s.state != "running":
                raise KeyError(sid)
            self._emit(s, 2 if warning else 1, now, details, SERVICE)

    def reset(self) -> None:
        with self._lock:
            self.resources.clear()
            self.sessions.clear()
            self.channels.clear()
            self._buckets.clear()
