"""What the engine tells its notifier, and when: the mixed-in :class:`Announce`.

Video states (event 44) are kept per session as the set of uids whose video the recorder
receives; every change of the world that can alter that set (a start, a publisher joining,
leaving or switching its video, an update of the subscription, a catch-up) compares it with
what the channel offers now and tells the difference. A session's end tells 41 and 11. See
``notifier.py`` for the events and their details.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from snaplint.emulator.notifier import RECORDER, SERVICE, Notice, Notifier
from snaplint.emulator.sessions import Publisher, Session, end_session


class Announce:
    """Notifications of the engine's sessions; the engine supplies channels and the notifier."""

    notifier: Notifier | None
    channels: dict[str, dict[str, Publisher]]
    _channel_key: Callable[[str, str], str]  # Control's

    def _video_uids(self, s: Session) -> list[str]:
        """The uids whose video the session's recorder receives: subscribed and publishing."""
        if s.state != "running":
            return []
        publishers = self.channels.get(self._channel_key(s.app_id, s.cname), {})
        return sorted(
            (p.uid for p in publishers.values() if p.video and s.video.covers(p.uid)), key=int
        )

    def _sync_video(self, s: Session, uids: list[str], at: float) -> None:
        """Event 44 for each uid whose video the recorder started (0) or stopped (1) receiving."""
        before = set(s.receiving)
        if before == set(uids):
            return
        for uid in uids:
            if uid not in before:
                self._video_state(s, uid, 0, at)
        for uid in sorted(before - set(uids), key=int):
            self._video_state(s, uid, 1, at)
        s.receiving = list(uids)

    def _video_state(self, s: Session, uid: str, state: int, at: float) -> None:
        ms = round(at * 1000)
        self._emit(s, 44, at, {"streamUid": uid, "state": state, "UtcMs": ms})

    def _emit(
        self,
        s: Session,
        event_type: int,
        at: float,
        details: dict[str, Any],
        service_type: int = RECORDER,
    ) -> None:
        if self.notifier is None:
            return
        sequence = s.notify_seq
        s.notify_seq += 1
        self.notifier.put(
            Notice(
                event_type,
                s.app_id,
                s.sid,
                s.cname,
                s.bot_uid or s.uid,
                sequence,
                round(at * 1000),
                service_type,
                details,
            )
        )

    def _end(self, s: Session, at: float, reason: str, leave_code: int, exit_status: int) -> None:
        """End the session at ``at``: the recorder leaves (41) and the session exits (11)."""
        end_session(s, at, reason)
        s.receiving = []
        self._emit(s, 41, at, {"leaveCode": leave_code})
        self._emit(s, 11, at, {"exitStatus": exit_status}, SERVICE)
