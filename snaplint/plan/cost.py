"""Cost in the plan: projected screenshot-minutes and their price, per job and in total (pure).

Agora bills a screenshot-only task as "Cloud-Based Screenshot Upload", a price per 1,000
minutes the task runs (the pricing page gives one price for every video definition and no
per-stream or per-screenshot multiplier); a task that records and takes screenshots at once
(``recordingFileConfig`` beside ``snapshotConfig``) pays only the recording fee, so its
screenshots cost nothing here. Hence, per running job::

    minutes per hour    = 60                  (0 when recording in the same task)
    cost per hour       = 60 × price / 1,000
    cost per 30 days    = 60 × 24 × 30 × price / 1,000

The price table is :data:`PRICE_TABLE` (data, with its source and date); the config's
``pricing:`` section overrides it for contracts (:meth:`Price.from_config`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snaplint.plan.changes import Action, Change, Plan

PRICE_TABLE: dict[str, Any] = {
    "screenshot-upload-per-1000-minutes": 2.49,
    "currency": "US$",
    "source": "https://docs.agora.io/en/cloud-recording/overview/pricing (2026-07-01)",
}
MINUTES_PER_HOUR = 60
HOURS_PER_30_DAYS = 24 * 30


@dataclass(frozen=True)
class Price:
    per_1000_minutes: float
    currency: str = "US$"
    source: str = ""

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None = None) -> Price:
        """The built-in table with the config's ``pricing`` section laid over it."""
        table = {**PRICE_TABLE, **(section or {})}
        if section and "source" not in section:
            table["source"] = "the config's pricing section"
        return cls(
            float(table["screenshot-upload-per-1000-minutes"]),
            str(table["currency"]),
            str(table["source"]),
        )

    def money(self, amount: float, *, sign: bool = False) -> str:
        text = f"{self.currency}{abs(amount):,.2f}"
        if not sign:
            return text
        return ("-" if amount < 0 else "+") + text if round(amount, 2) else "±" + text


DEFAULT = Price.from_config()


@dataclass(frozen=True)
class JobCost:
    minutes_per_hour: float
    per_hour: float
    per_30_days: float
    free: bool = False  # screenshots taken by a recording task: only the recording is billed

    def to_dict(self) -> dict[str, Any]:
        return {
            "screenshot_minutes_per_hour": self.minutes_per_hour,
            "screenshot_minutes_per_30_days": self.minutes_per_hour * HOURS_PER_30_DAYS,
            "per_hour": round(self.per_hour, 4),
            "per_30_days": round(self.per_30_days, 2),
            "free_with_recording": self.free,
        }


ZERO = JobCost(0, 0.0, 0.0)


def job_cost(spec: Mapping[str, Any] | None, price: Price = DEFAULT) -> JobCost:
    """What one job's running task costs (see the module docstring)."""
    if spec is None:
        return ZERO
    cr = spec.get("clientRequest") or {}
    if cr.get("recordingFileConfig") is not None:
        return JobCost(0, 0.0, 0.0, free=True)
    per_hour = MINUTES_PER_HOUR * price.per_1000_minutes / 1000
    return JobCost(MINUTES_PER_HOUR, per_hour, per_hour * HOURS_PER_30_DAYS)


def _runs_before(c: Change) -> bool:
    """Does this job's session run (and bill) now?"""
    return c.before is not None and c.status in ("running", "unknown", "untracked")


def _runs_after(c: Change) -> bool:
    if c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE):
        return True
    if c.action == Action.NOOP:
        return _runs_before(c)
    return False  # delete, forget


@dataclass(frozen=True)
class PlanCost:
    price: Price
    jobs: dict[str, JobCost]  # what each job costs once the plan is applied (running ones)
    before_30_days: float
    after_30_days: float

    @property
    def change_30_days(self) -> float:
        return self.after_30_days - self.before_30_days

    @property
    def after_per_hour(self) -> float:
        return sum(j.per_hour for j in self.jobs.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.price.currency,
            "price_per_1000_minutes": self.price.per_1000_minutes,
            "price_source": self.price.source,
            "per_hour": round(self.after_per_hour, 4),
            "per_30_days": round(self.after_30_days, 2),
            "before_per_30_days": round(self.before_30_days, 2),
            "change_per_30_days": round(self.change_30_days, 2),
        }


def plan_cost(plan: Plan, price: Price | None = None) -> PlanCost:
    """The fleet's cost before and after the plan (jobs outside a --target keep theirs and
    are not counted: only the planned jobs are)."""
    price = price or getattr(plan, "price", None) or DEFAULT
    jobs: dict[str, JobCost] = {}
    before = after = 0.0
    for c in plan.changes:
        if _runs_before(c):
            before += job_cost(c.before, price).per_30_days
        if _runs_after(c):
            cost = job_cost(c.after if c.after is not None else c.before, price)
            jobs[c.name] = cost
            after += cost.per_30_days
    return PlanCost(price, jobs, before, after)


def cost_text(cost: JobCost, price: Price) -> str:
    """One job's figures as the plan shows them."""
    if cost.free:
        return "free: screenshots of a recording task bill only the recording"
    return (
        f"{cost.minutes_per_hour:g} screenshot-minutes/hour: {price.money(cost.per_hour)}/hour, "
        f"{price.money(cost.per_30_days)}/30 days"
    )
