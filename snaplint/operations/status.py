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
    from snaplint.operations.view import View
    from snaplint.plan.changes import Live
    from snaplint.state.codec import State


def status(
    settings: Settings,
    *,
    video_gap: float = 60.0,
    shot_gap: float | None = None,
    now: float | None = None,
    refresh: bool = False,
    view: View | None = None,
) -> list[JobCapture]:
    """One capture view per job recorded in state (targets and excludes apply); with
    ``refresh``, each running session is also queried and the answer shown (a session query
    finds ended is shown ended, its uids no longer flagged for missing video)."""
    from snaplint.notifications.capture import capture
    from snaplint.operations.emulated_events import catch_up_embedded
    from snaplint.operations.eventstore import open_event_store
    from snaplint.operations.planning import open_store, read_state, targeted

    state, _, _ = read_state(open_store(settings))
    if state.jobs:
        # the embedded emulator's screenshots up to now, into the store read below
        catch_up_embedded(settings, lambda: open_event_store(settings))
    live = _queried(settings, view, state) if refresh else {}
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
            answer = live.get(job.name)
            shown = "ended" if answer is not None and answer.status == "ended" else job.status
            views.append(
                capture(
                    job.name,
                    shown,
                    job.sid,
                    job.spec,
                    events,
                    now_ms=now_ms,
                    video_gap_ms=int(video_gap * 1000),
                    shot_gap_ms=int(shot_gap * 1000) if shot_gap is not None else None,
                )
            )
            if answer is not None:
                views[-1].query = (
                    f"{answer.status}: {answer.detail}" if answer.detail else answer.status
                )
                if shown == "ended" and views[-1].ended is None:
                    views[-1].ended = answer.detail or "(query)"
    finally:
        store.close()
    return views


def _queried(settings: Settings, view: View | None, state: State) -> dict[str, Live]:
    """``query`` of every recorded running session (as plan's refresh does)."""
    from snaplint.operations.planning import connect, targeted
    from snaplint.operations.refresh import refresh

    if not any(j.status == "running" for j in state):
        return {}
    quiet = view if view is not None else _Quiet()
    client = connect(settings, quiet)
    wanted = {n: j for n, j in state.jobs.items() if targeted(n, settings.options)}
    return refresh(client, wanted, parallelism=settings.effective_parallelism())


class _Quiet:
    """A view that drops notes (status prints only its own table)."""

    def __getattr__(self, name: str) -> object:
        return lambda *args, **kwargs: None
