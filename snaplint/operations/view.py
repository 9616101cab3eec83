"""What an operation tells the person (or program) running it: the :class:`View` protocol.

Operations never print: they call a view. The CLI passes a terminal view (text, colour, a
progress bar, prompts) or a JSON view (Terraform-style event lines); tests pass a recording
fake; a reconcile loop passes one that logs. Every method is called from the operation's
thread except the :class:`Progress` callbacks, which apply calls from its worker threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from snaplint.findings.diagnostics import Diagnostic as LintDiagnostic
    from snaplint.lint.linter import LintResult
    from snaplint.lint.plugins import RuleTable
    from snaplint.operations.outcomes import Outcome
    from snaplint.plan.changes import Action, Plan


class Progress(Protocol):
    """Per-job progress of an apply (called from worker threads)."""

    def started(self, name: str, action: Action) -> None: ...

    def step(self, name: str, action: Action, step: str) -> None: ...

    def finished(self, outcome: Outcome) -> None: ...


class View(Protocol):
    def text(self, line: str = "") -> None:
        """Human output only (a JSON view drops it): confirmations, listings, hints."""

    def note(self, message: str, level: str = "info") -> None:
        """A message for both people and programs (``info`` | ``warn`` | ``error``)."""

    def error(self, summary: str, detail: str = "") -> None:
        """A failure of the operation, with what to do about it."""

    def lint_errors(
        self, result: LintResult, errors: Sequence[LintDiagnostic], rules: RuleTable
    ) -> None:
        """The manifests have lint errors: plan and apply refuse them."""

    def refreshing(self, name: str, sid: str | None) -> None: ...

    def refreshed(self, name: str, sid: str | None, status: str) -> None: ...

    def plan(self, plan: Plan, operation: str) -> None:
        """The plan (``plan``, ``apply`` or ``destroy``)."""

    def confirm(self, operation: str, detail: str = "") -> bool | None:
        """Approval to go on (``detail`` is shown with the question): True/False as answered;
        None when no answer is possible (the view has said why)."""

    def progress(self, total: int) -> ProgressContext:
        """A context manager for the apply's per-job progress."""

    def outcomes(self, outcomes: Sequence[Outcome]) -> None:
        """The table of what happened to each job."""

    def summary(self, plan: Plan, operation: str, counts: Mapping[str, int], failed: int) -> None:
        """The closing line of an apply or destroy."""


class ProgressContext(Progress, Protocol):
    def __enter__(self) -> Progress: ...

    def __exit__(self, *exc: object) -> Any: ...
