"""``status``: what every job is really capturing, from the state and the notification events
(:mod:`snaplint.notifications.capture` says how, and what is flagged). Reads only — but
against the embedded emulator it first lets the emulated sessions catch up to now, so their
notifications are in the store (:mod:`snaplint.operations.emulated_events`)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from snaplint.operations.settings import Settings

if TYPE_CHECKING:
    from snaplint.notifications.capture import JobCapture


def status(
    settings: Settings,
    *,
    video_gap: float = 60.0,
    shot_gap: float | None = None,
    now: float | None = None,
) -> list[JobCapture]:
    """One capture view per job recorded in state (targets and excludes apply)."""
    from snaplint.notifications.capture import capture
    from snaplint.operations.emulated_events import catch_up_embedded
    from snaplint.operations.notifications import open_event_store
    from snaplint.operations.planning import open_store, read_state, targeted

    state, _, _ = read_state(open_store(settings))
    if state.jobs:
        # the embedded emulator's screenshots up to now, into the store read below
        catch_up_embedded(settings, lambda: open_event_store(settings))
    store = open_event_store(settings)
    now_ms = int((time.time() if now is None else now) * 1000)
    views = []
    try:
        for job in state:
            if not targeted(job.name, settings.options):
                continue
            events = store.events(sid=job.sid) if job.sid else []
            if not events:
                events = store.events(cname=job.cname, uid=job.uid)
            views.append(
                capture(
                    job.name,
                    job.status,
                    job.sid,
                    job.spec,
                    events,
                    now_ms=now_ms,
                    video_gap_ms=int(video_gap * 1000),
                    shot_gap_ms=int(shot_gap * 1000) if shot_gap is not None else None,
                )
            )
    finally:
        store.close()
    return views
