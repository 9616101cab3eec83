"""Guard rails: refuse a plan that stops or replaces too many running sessions at once (pure).

A typo in a value many jobs share replaces every one of them; octodns refuses such a change
above a threshold unless forced, and so does ``snaplint apply`` (``--allow-mass-change``). The
refusal names the fields forcing the replacements and how many jobs each affects, so the typo
is obvious.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snaplint.plan.changes import REASON_REQUESTED, Action, Change, Plan

DEFAULT_SHARE = 0.25  # of the running sessions
DEFAULT_MINIMUM = 10  # sessions: below this, any share is allowed

# Reasons whose stop/replace never counts (a hook: token renewals, which must replace every
# session before its token expires, will be added here).
EXEMPT_REASONS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Limits:
    share: float = DEFAULT_SHARE
    minimum: int = DEFAULT_MINIMUM

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Limits:
        """From the config's ``apply.mass-change`` mapping (``share``, ``minimum``)."""
        share = section.get("share", DEFAULT_SHARE)
        minimum = section.get("minimum", DEFAULT_MINIMUM)
        return cls(float(share), int(minimum))


@dataclass(frozen=True)
class MassChange:
    """A plan over the limits: how many sessions it disrupts, of how many, and why."""

    disrupted: int
    running: int
    limits: Limits
    causes: tuple[tuple[str, int], ...]  # (field or cause, jobs), most jobs first

    def message(self) -> tuple[str, str]:
        """The refusal as (summary, detail)."""
        share = self.disrupted / self.running if self.running else 1.0
        summary = (
            f"refusing to stop or replace {self.disrupted} of {self.running} running sessions "
            f"({share:.0%}; the limit is {self.limits.share:.0%} once at least "
            f"{self.limits.minimum} sessions are affected)"
        )
        width = max(len(c) for c, _ in self.causes)
        lines = [
            f"  {cause.ljust(width)}  {n} job{'s' if n != 1 else ''}" for cause, n in self.causes
        ]
        detail = (
            "What forces the stops and replacements:\n"
            + "\n".join(lines)
            + "\n\nIf a value shared by many jobs changed by mistake, fix it and plan again; "
            "if the change is intended, apply with --allow-mass-change."
        )
        return summary, detail


def disrupts(change: Change) -> bool:
    """Does this change stop a running session (delete, or the stop half of a replace)?"""
    return (
        change.action in (Action.DELETE, Action.REPLACE)
        and change.status not in ("ended", "pending", "untracked")
        and change.reason not in EXEMPT_REASONS
    )


def causes(changes: list[Change]) -> tuple[tuple[str, int], ...]:
    """Per field (or cause) forcing a stop, the number of jobs it affects."""
    count: Counter[str] = Counter()
    for c in changes:
        if c.action == Action.DELETE:
            count[
                "(manifest removed)" if c.reason != "delete_because_destroy" else "(destroy)"
            ] += 1
        elif c.reason == REASON_REQUESTED and not c.forces:
            count["(--replace)"] += 1
        else:
            for path in c.forces:
                count[".".join(str(p) for p in path)] += 1
    return tuple(sorted(count.items(), key=lambda kv: (-kv[1], kv[0])))


def check(plan: Plan, running: int, limits: Limits) -> MassChange | None:
    """The plan's mass change if it is over the limits, else None."""
    hit = [c for c in plan.changes if disrupts(c)]
    if len(hit) < max(1, limits.minimum) or len(hit) <= limits.share * running:
        return None
    return MassChange(len(hit), running, limits, causes(hit))
