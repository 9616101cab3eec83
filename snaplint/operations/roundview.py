"""What one reconcile round is told by apply: a :class:`~snaplint.operations.view.View` that
prints nothing and keeps what the round's JSON line reports (errors, warnings, the plan, the
outcomes). It approves on its own: the loop is unattended, and apply's guard rails (protected
jobs, lint errors, unset secrets) refuse before any approval is asked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from snaplint.operations.outcomes import NoHooks

if TYPE_CHECKING:
    from snaplint.operations.outcomes import Outcome
    from snaplint.plan.changes import Plan

MAX_LISTED = 20  # errors listed per round; the count says how many there were


class _NoProgress(NoHooks):
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class RoundView:
    """Collects one round's messages (the operation's thread; progress hooks do nothing)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.plan_seen: Plan | None = None
        self.outcome_list: list[Outcome] = []
        self.error_count = 0

    def _error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(message)

    def text(self, line: str = "") -> None:
        pass

    def note(self, message: str, level: str = "info") -> None:
        if level == "error":
            self._error(message)
        elif level == "warn":
            self.warnings.append(" ".join(message.split()))

    def error(self, summary: str, detail: str = "") -> None:
        first = next((line for line in detail.splitlines() if line.strip()), "")
        self._error(f"{summary}: {first.strip()}" if first else summary)

    def lint_errors(self, result: Any, errors: Sequence[Any], rules: Any) -> None:
        for d in errors:
            self._error(f"{d.file}:{d.line}:{d.column}: {d.rule} {d.message}")

    def refreshing(self, name: str, sid: str | None) -> None:
        pass

    def refreshed(self, name: str, sid: str | None, status: str) -> None:
        pass

    def plan(self, plan: Plan, operation: str) -> None:
        self.plan_seen = plan
        for d in plan.diagnostics:
            where = f"job {d.job}: " if d.job and d.job not in d.summary else ""
            if d.severity == "error":
                self._error(where + d.summary)
            else:
                self.warnings.append(where + d.summary)

    def confirm(self, operation: str, detail: str = "") -> bool | None:
        return True

    def progress(self, total: int) -> _NoProgress:
        return _NoProgress()

    def outcomes(self, outcomes: Sequence[Outcome]) -> None:
        from snaplint.operations.outcomes import FAILED

        self.outcome_list = list(outcomes)
        for o in outcomes:
            if o.result == FAILED:
                self._error(f"job {o.name}: {o.detail}")

    def summary(self, plan: Plan, operation: str, counts: Mapping[str, int], failed: int) -> None:
        pass
