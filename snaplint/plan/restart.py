"""Restart policies: which ended sessions the reconcile loop starts again (pure).

A session ends on its own — the channel idled for ``maxIdleTime``, its token expired, a
failure or a 4th failover — and :func:`snaplint.plan.changes.decide` plans every desired job
whose session ended as a ``create`` (reason ``session_ended``). That is what ``plan`` and
``apply`` by hand do, and keep doing: a person running apply asks for the manifests to run.

The reconcile loop runs apply unattended, so it asks the job first (``metadata.restart``):

- ``always`` — start any ended session again;
- ``on-failure`` — only when the end is known to be abnormal (:func:`end_of`);
- ``never`` (default) — leave it ended: :func:`hold` turns its ``create`` into a no-op with
  reason :data:`REASON_NOT_RESTARTED`, and the state records it as ended. ``snaplint apply``
  starts it again.

Jobs never started, interrupted starts being verified, and sessions snaplint itself stopped for
a replace that was interrupted before its start (:data:`REPLACED`) are not ended sessions: the
loop always carries them out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from snaplint.plan.changes import REASON_ENDED, Action, Change, Live, Plan

ALWAYS, ON_FAILURE, NEVER = "always", "on-failure", "never"
POLICIES = (ALWAYS, ON_FAILURE, NEVER)
REASON_NOT_RESTARTED = "session_ended_not_restarted"

# how a session ended, as far as snaplint can tell
FAILURE, NORMAL, UNKNOWN_END = "failure", "normal", "unknown"
# not an end of its own: snaplint stopped it for a replace whose start has not run yet (an
# interrupted apply or round); every policy finishes the replace
REPLACED = "replaced"

ABNORMAL_STATUS = 20  # query's serverResponse.status "exited abnormally"
EXITING_STATUSES = frozenset({6, 7, 8})  # stop requested, stopped, exited: the normal path
SESSION_EXIT, RECORDER_LEAVE, RECORDING_ERROR = 11, 41, 1  # notification event types
LEAVE_NO_USERS = 4  # recorder_leave leaveCode bit: the channel had no users (idle)
FATAL_LEVEL = 5  # cloud_recording_error errorLevel


@dataclass(frozen=True)
class End:
    """How one session ended: ``kind`` (failure | normal | unknown) and the evidence."""

    kind: str
    why: str


def end_of(live: Live | None, events: Iterable[Any] = (), *, token_expired: bool = False) -> End:
    """How a session ended, from what this round's refresh saw (``live``), the session's
    notification events (objects with ``event_type`` and ``details``, oldest first) and whether
    its recorded token expiry has passed.

    A 404 alone says only that the session is gone: idle-outs are the usual reason, so without
    other evidence the end is ``unknown`` and ``on-failure`` does not restart it.
    """
    if token_expired:
        return End(FAILURE, "its token expired")
    if live is not None and live.agora_status == ABNORMAL_STATUS:
        return End(FAILURE, "query answered status 20 (exited abnormally)")
    for event in reversed(list(events)):
        details = getattr(event, "details", None) or {}
        kind = getattr(event, "event_type", None)
        if kind == SESSION_EXIT and details.get("exitStatus") in (0, 1):
            if details["exitStatus"] == 1:
                return End(FAILURE, "event 11 session_exit: exitStatus 1 (abnormal)")
            return End(NORMAL, "event 11 session_exit: exitStatus 0 (normal)")
        if kind == RECORDER_LEAVE and isinstance(details.get("leaveCode"), int):
            code = details["leaveCode"]
            if code & LEAVE_NO_USERS:
                return End(NORMAL, f"event 41 recorder_leave: leaveCode {code} (no users)")
            if code == 0:
                return End(FAILURE, "event 41 recorder_leave: leaveCode 0 (init failed)")
        if kind == RECORDING_ERROR and details.get("errorLevel") == FATAL_LEVEL:
            return End(FAILURE, "event 1 cloud_recording_error: errorLevel 5 (fatal)")
    if live is not None and live.agora_status in EXITING_STATUSES:
        return End(NORMAL, f"query answered status {live.agora_status} (exiting normally)")
    return End(UNKNOWN_END, "no evidence of how it ended (query answered 404)")


def restarts(policy: str, end: End) -> bool:
    """Does ``policy`` start a session that ended like ``end`` again?"""
    if policy == ALWAYS or end.kind == REPLACED:
        return True
    if policy == ON_FAILURE:
        return end.kind == FAILURE
    return False


def hold(plan: Plan, policies: Mapping[str, str], ends: Mapping[str, End]) -> Plan:
    """The plan with every ended session's restart that its job's policy does not allow
    turned into a no-op (:data:`REASON_NOT_RESTARTED`); other changes are kept as they are."""
    changes: list[Change] = []
    for c in plan.changes:
        if c.action == Action.CREATE and c.reason == REASON_ENDED:
            policy = policies.get(c.name, NEVER)
            end = ends.get(c.name) or End(UNKNOWN_END, "ended before this round")
            if not restarts(policy, end):
                c = dataclasses.replace(
                    c,
                    action=Action.NOOP,
                    reason=REASON_NOT_RESTARTED,
                    fields=(),
                    detail=f"metadata.restart: {policy}; {end.why}",
                )
        changes.append(c)
    changes.sort(key=lambda c: c.sort_key)
    return dataclasses.replace(plan, changes=changes)


def not_restarted(plan: Plan) -> list[str]:
    """The jobs whose ended session the plan leaves ended."""
    return [c.name for c in plan.changes if c.reason == REASON_NOT_RESTARTED]
