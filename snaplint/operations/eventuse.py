"""Notification events put to use by plan and refresh: why a session ended, the sid of a
session whose start answer was lost, and sessions the events show running that state does
not know.

Events are a second opinion (Agora may lose, repeat or reorder them): they explain what
``query`` found and point at what it cannot see, but a sid they name is adopted only after a
``query`` confirms it is running (as for sids learned from storage). The functions here are
pure but :func:`open_events` (which never creates a store: a project without a receiver plans
exactly as before) and :func:`use_events`, which reads the store and confirms sids by query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import Settings

if TYPE_CHECKING:
    from snaplint.notifications import Event, EventStore
    from snaplint.plan.changes import Desired, Live
    from snaplint.state.codec import State

LEAVE_IDLE = 4
END_EVENTS = frozenset({11, 41})
# A session is at most ~24 h old (its token); events older than that say nothing of today's
RECENT_MS = 24 * 3_600_000


def open_events(settings: Settings) -> EventStore | None:
    """The project's event store when a receiver has written one, else None."""
    from snaplint.notifications.store import FILE_NAME, SQLiteEventStore
    from snaplint.operations.eventstore import open_event_store
    from snaplint.state.backends import backend_kind

    if backend_kind(settings.config.section("state"), settings.env) == "file":
        folder = settings.root / ".snaplint"
        return SQLiteEventStore(folder) if (folder / FILE_NAME).is_file() else None
    try:
        return open_event_store(settings)
    except Exception:  # no table yet, or the database is away: plan without events
        return None


def end_reason(events: Iterable[Event]) -> str | None:
    """How the session these events belong to ended, or None when they do not say.

    An abnormal exit wins over a normal-looking leave (both come for a failed session)."""
    exit_event = leave_event = None
    for event in events:
        if event.event_type == 11:
            exit_event = event
        elif event.event_type == 41:
            leave_event = event
    if exit_event is not None and getattr(exit_event, "exit_status", None) == 1:
        return "failed: the session exited abnormally (event 11, exitStatus 1)"
    if leave_event is not None:
        code = getattr(leave_event, "leave_code", None)
        if code == LEAVE_IDLE:
            return (
                "ended idle: nobody published in the channel for maxIdleTime "
                "(event 41, leaveCode 4)"
            )
        return f"ended: the recorder left the channel (event 41, leaveCode {code})"
    if exit_event is not None:
        return "ended normally (event 11, exitStatus 0)"
    return None


@dataclass(frozen=True)
class SeenSession:
    """A session the events show for a channel and recorder uid, not (yet) ended."""

    sid: str
    last_ms: int  # its latest event
    event_type: int


def open_sessions(events: Sequence[Event], *, now_ms: int) -> list[SeenSession]:
    """Sessions named by ``events`` (of one cname and uid) without an end event and with an
    event in the last 24 h, newest first."""
    by_sid: dict[str, list[Event]] = {}
    for event in events:
        if event.sid:
            by_sid.setdefault(event.sid, []).append(event)
    out = []
    for sid, mine in by_sid.items():
        if any(e.event_type in END_EVENTS for e in mine):
            continue
        last = max(mine, key=lambda e: e.order_ms)
        if now_ms - last.order_ms <= RECENT_MS:
            out.append(SeenSession(sid, last.order_ms, last.event_type))
    return sorted(out, key=lambda s: s.last_ms, reverse=True)


def token_end_reason(job: Any, now_iso_text: str) -> str | None:
    """Ended by token expiry, inferred from the expiry state records for a minted or
    referenced token (when it does)."""
    expires = getattr(job, "token_expires_at", None)
    if isinstance(expires, str) and expires and expires <= now_iso_text:
        return f"ended by token expiry: its RTC token expired at {expires} (code 109)"
    return None


def use_events(
    settings: Settings,
    client: Any,
    state: State,
    desired: list[Desired],
    live: dict[str, Live],
    selected: Callable[[str], bool],
) -> list[Any]:
    """What the notification events add to a refresh: ``live`` gains why ended sessions ended and the sids of untracked jobs' sessions (each
    confirmed by a ``query``); the warnings returned name sessions the events show running
    that state does not record."""
    import dataclasses
    import time

    from snaplint.operations.refresh import STATUS_TEXT
    from snaplint.plan.changes import ENDED, RUNNING, UNTRACKED, Live
    from snaplint.plan.changes import Diagnostic as PlanDiagnostic
    from snaplint.state.codec import now_iso

    store = open_events(settings)
    if store is None:
        return []
    now_ms = int(time.time() * 1000)
    warnings: list[Any] = []
    try:
        for job in state:
            info = live.get(job.name)
            if not selected(job.name) or info is None:
                continue
            if info.status == ENDED:
                # a passed token expiry is the most specific reason (the bot's leave says less)
                why = token_end_reason(job, now_iso())
                why = why or end_reason(store.events(sid=job.sid) if job.sid else [])
                if why:
                    live[job.name] = dataclasses.replace(info, detail=f"{why}; {info.detail}")
            elif job.status == UNTRACKED and info.sid is None and client is not None:
                seen = open_sessions(store.events(cname=job.cname, uid=job.uid), now_ms=now_ms)
                for session in seen[:5]:
                    found = confirmed_status(client, job, session.sid)
                    if found is not None:
                        live[job.name] = Live(
                            RUNNING,
                            found,
                            now_iso(),
                            f"sid {session.sid} learned from its notification events (latest: "
                            f"event {session.event_type}); query: {STATUS_TEXT.get(found, found)}",
                            sid=session.sid,
                        )
                        break
        recorded_sids = {j.sid for j in state if j.sid}
        for d in desired:
            if d.job is None or not selected(d.name):
                continue
            known = state.jobs.get(d.name)
            seen = open_sessions(
                store.events(cname=str(d.job.cname), uid=str(d.job.uid)), now_ms=now_ms
            )
            for session in seen:
                if session.sid in recorded_sids or (known and known.status == UNTRACKED):
                    continue  # state knows it (an untracked job is already reported)
                warnings.append(
                    PlanDiagnostic(
                        "warning",
                        f"events show a session of job {d.name} running that state does "
                        f"not record (sid {session.sid})",
                        f"channel {d.job.cname}, recorder uid {d.job.uid}: it is billed and "
                        "a start would be refused (code 53). If it is this job's, run "
                        f"`snaplint import {d.name} --resource-id ID --sid {session.sid}`; "
                        "otherwise stop it where it was started.",
                        job=d.name,
                        source=d.source,
                    )
                )
    except Exception as exc:  # events are a second opinion: never fail a plan on them
        why = f"notification events could not be read ({type(exc).__name__}: {exc})"
        warnings.append(PlanDiagnostic("warning", why))
    finally:
        store.close()
    return warnings


def confirmed_status(client: Any, job: Any, sid: str) -> int | None:
    """query's status when ``sid`` is a running session of ``job``'s resource, else None."""
    from snaplint.operations.refresh import RUNNING_STATUSES

    try:
        result = client.query(job.app_id, job.resource_id, sid, job.mode)
    except Exception:  # not this job's session, or not running
        return None
    return result.status if result.status in RUNNING_STATUSES else None
