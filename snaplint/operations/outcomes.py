"""What the executor is given and what it reports: one :class:`JobWork` per job in, one
:class:`Outcome` per job out, and the test-only crash points (pure values and helpers; the
calls themselves are in :mod:`snaplint.operations.executor`)."""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snaplint.agora.exceptions import InvalidOperationError, NoRecordedDataError
from snaplint.plan.changes import PENDING, RUNNING, UNTRACKED, Action, Change, Desired, Live, Plan
from snaplint.plan.changes import summary_counts as _counts

ENV_CRASH = "SNAPLINT_TEST_CRASH_AT"
CRASH_POINTS = (
    "after-acquire",  # acquire answered, start intent not yet written
    "after-start-intent",  # start intent durable, start not sent
    "after-start",  # start answered, its outcome not yet journaled
    "after-start-recorded",  # outcome journaled, state not yet written
    "after-stop",  # stop answered, outcome not yet journaled
    "before-state-write",  # every call done, final state write not yet made
)

SUCCEEDED, FAILED, UNTOUCHED = "succeeded", "failed", "untouched"


@dataclass
class Outcome:
    """What happened to one job."""

    name: str
    action: Action
    result: str  # succeeded | failed | untouched
    detail: str = ""
    http_status: int | None = None
    code: int | None = None
    reason: str | None = None
    sid: str | None = None
    elapsed: float = 0.0
    changed: bool = True  # False: nothing was changed (e.g. the session already ran)


class NoHooks:
    def started(self, name: str, action: Action) -> None:
        pass

    def step(self, name: str, action: Action, step: str) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        pass


def crash_point(point: str, job: str | None = None) -> None:
    """Die here (SIGKILL, no cleanup) when the test hook names this point (and job)."""
    wanted = os.environ.get(ENV_CRASH)
    if not wanted:
        return
    name, _, target = wanted.partition(":")
    if name == point and (not target or target == job):
        os.kill(os.getpid(), signal.SIGKILL)


def error_fields(exc: BaseException) -> dict[str, Any]:
    return {
        "http_status": getattr(exc, "http_status", None),
        "code": getattr(exc, "code", None),
        "reason": getattr(exc, "reason", None) or type(exc).__name__,
    }


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@dataclass(frozen=True)
class JobWork:
    """One job as the executor gets it: the planned change, the desired job and the start
    body built from it (secrets resolved; creates, updates and replaces), and what refresh
    saw of its session. Jobs without a change still come for their protection flag and
    refresh result."""

    name: str
    change: Change | None = None
    desired: Desired | None = None
    body: Mapping[str, Any] | None = None
    live: Live | None = None


def job_work(
    plan: Plan,
    desired: Mapping[str, Desired],
    bodies: Mapping[str, Mapping[str, Any]],
    live: Mapping[str, Live],
) -> list[JobWork]:
    """One record per job of the plan, of the desired jobs and of the refreshed sessions."""
    changes = {c.name: c for c in plan.changes}
    names = list(changes) + [n for n in (*desired, *live) if n not in changes]
    return [
        JobWork(n, changes.get(n), desired.get(n), bodies.get(n), live.get(n))
        for n in dict.fromkeys(names)
    ]


def stopped_detail(exc: BaseException) -> str:
    if isinstance(exc, NoRecordedDataError):
        return "stopped (nothing had been recorded: code 435)"
    if isinstance(exc, InvalidOperationError):
        return "already stopping (code 49)"
    return "already ended (404)"


def summary_counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Succeeded changes per kind, for the closing summary (counted as plans are)."""
    return _counts(o.action for o in outcomes if o.result == SUCCEEDED and o.changed)


def recorded_session(previous: Any, base: dict[str, Any]) -> bool:
    """The state recorded a running session of this App ID + cname + uid (with its sid)."""
    session = base["session"]
    return bool(previous and previous.sid and previous.status == RUNNING) and (
        previous.app_id,
        previous.cname,
        previous.uid,
    ) == (session["appId"], session["cname"], session["uid"])


def earlier_start(previous: Any) -> bool:
    """An earlier start went unanswered (untracked or pending) and its resourceId is known."""
    return bool(previous and previous.status in (UNTRACKED, PENDING) and previous.resource_id)
