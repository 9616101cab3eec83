"""The two views of the plan/apply commands (:class:`~snaplint.operations.view.View`):
text for a terminal, and Terraform-style line-delimited JSON events."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.operations.outcomes import Outcome
    from snaplint.plan.changes import Action, Plan


class TerminalView:
    """Text: notes on stdout (warnings and errors on stderr), the plan, a prompt, a progress
    bar on a terminal (one line per job otherwise), and the outcome table."""

    json = False

    def __init__(
        self, out: IO[str], *, color: bool, root: Path, auto_approve: bool = False
    ) -> None:
        self.out = out
        self.color = color
        self.root = root
        self.auto_approve = auto_approve

    # -- messages ---------------------------------------------------------------------------

    def text(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def note(self, message: str, level: str = "info") -> None:
        stream = sys.stderr if level in ("warn", "error") else self.out
        stream.write(message + "\n")
        stream.flush()

    def error(self, summary: str, detail: str = "") -> None:
        from snaplint.plan.changes import Diagnostic
        from snaplint.plan.render import diagnostic_lines

        lines = diagnostic_lines(Diagnostic("error", summary, detail), color=self.color)
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()

    def lint_errors(self, result: Any, errors: Sequence[Any], rules: Any) -> None:
        from snaplint.report import ReportOptions, reporter

        reporter("text").render(
            replace(result, diagnostics=list(errors)),
            self.out,
            ReportOptions(color=self.color, rules=dict(rules.rules), root=str(self.root)),
        )
        self.text()
        self.error(
            "the manifests have lint errors",
            "plan and apply refuse manifests with errors: fix them (`snaplint lint`) and plan again",
        )

    # -- refresh and plan -------------------------------------------------------------------

    def refreshing(self, name: str, sid: str | None) -> None:
        pass  # one line when done is enough for people

    def refreshed(self, name: str, sid: str | None, status: str) -> None:
        self.text(f"job.{name}: Refreshing state... [sid={sid}] {status}")

    def plan(self, plan: Plan, operation: str) -> None:
        from snaplint.plan.render import render_plan

        self.text()
        if operation == "destroy":
            text = render_plan(
                plan,
                color=self.color,
                title="snaplint will stop the following sessions:",
                nothing="No recorded session to stop.",
            )
        else:
            text = render_plan(plan, color=self.color)
        self.out.write(text)
        self.out.flush()

    # -- approval ---------------------------------------------------------------------------

    def confirm(self, operation: str, detail: str = "") -> bool | None:
        if self.auto_approve:
            return True
        unlock = operation == "force-unlock"
        if self.json or not sys.stdin.isatty():
            why = "--json output cannot prompt" if self.json else "stdin is not a terminal"
            if unlock:
                self.error(
                    f"refusing to ask for confirmation: {why}",
                    "pass --force to remove the lock without asking",
                )
            else:
                self.error(
                    f"refusing to ask for approval: {why}",
                    "pass --auto-approve, or save a plan with `snaplint plan --out FILE` and "
                    "apply that file. Nothing was changed.",
                )
            return None
        if detail:
            self.text(detail)
        if unlock:
            self.text(
                "\nRemoving the lock lets another process write the state while this holder "
                "may still be running.\nOnly 'yes' will be accepted to confirm."
            )
        else:
            destroy = operation == "destroy"
            verb = (
                "stop every session listed above"
                if destroy
                else "perform the actions described above"
            )
            self.text(
                f"\nDo you want to {'destroy' if destroy else 'perform these actions'}?\n"
                f"  snaplint will {verb}.\n"
                "  Only 'yes' will be accepted to approve.\n"
            )
        try:
            answer = input("  Enter a value: ")
        except EOFError:
            return False
        return answer.strip() == "yes"

    # -- apply ------------------------------------------------------------------------------

    def progress(self, total: int) -> _Progress:
        return _Progress(self, total)

    def outcomes(self, outcomes: Sequence[Outcome]) -> None:
        if not outcomes:
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=None, show_lines=False, header_style="bold")
        for column in ("Job", "Action", "Result", "Code", "Detail"):
            table.add_column(column, overflow="fold")
        styles = {"succeeded": "green", "failed": "red", "untouched": "yellow"}
        for o in outcomes:
            table.add_row(
                o.name,
                o.action.value,
                o.result,
                _code(o),
                o.detail,
                style=styles.get(o.result) if self.color else None,
            )
        width = shutil.get_terminal_size((140, 24)).columns if sys.stdout.isatty() else 160
        console = Console(
            file=self.out,
            no_color=not self.color,
            force_terminal=self.color,
            width=width,
            highlight=False,
        )
        self.text()
        console.print(table)

    def summary(self, plan: Plan, operation: str, counts: Mapping[str, int], failed: int) -> None:
        word = "Destroy" if operation == "destroy" else "Apply"
        head = f"{word} complete!" if not failed else f"{word} finished with errors."
        self.text(
            f"{head} {counts['start']} started, {counts['update']} updated, "
            f"{counts['replace']} replaced, {counts['stop']} stopped"
            + (f", {failed} failed or untouched." if failed else ".")
        )


def _code(o: Outcome) -> str:
    if o.http_status is None and o.code is None:
        return ""
    code = " ".join(
        part
        for part in (
            f"HTTP {o.http_status}" if o.http_status is not None else "",
            f"code {o.code}" if o.code is not None else "",
        )
        if part
    )
    return code + (f" ({o.reason})" if o.reason else "")


class JsonView(TerminalView):
    """Terraform's machine-readable UI: one JSON event per line on stdout."""

    json = True

    def __init__(self, out: IO[str], *, root: Path, auto_approve: bool = False) -> None:
        from snaplint.plan.events import Events

        super().__init__(out, color=False, root=root, auto_approve=auto_approve)
        self.events = Events(out)
        self.events.version()

    def text(self, line: str = "") -> None:
        pass  # people's text has no place in the event stream

    def note(self, message: str, level: str = "info") -> None:
        self.events.emit("log", message, level)

    def error(self, summary: str, detail: str = "") -> None:
        from snaplint.plan.changes import Diagnostic

        self.events.diagnostic(Diagnostic("error", summary, detail))

    def lint_errors(self, result: Any, errors: Sequence[Any], rules: Any) -> None:
        from snaplint.plan.changes import Diagnostic

        for d in errors:
            self.events.diagnostic(
                Diagnostic("error", f"{d.rule}: {d.message}", "", None, d.file, d.line, d.column)
            )

    def refreshing(self, name: str, sid: str | None) -> None:
        from snaplint.plan.events import resource

        self.events.emit(
            "refresh_start",
            f"job.{name}: Refreshing state... [sid={sid}]",
            hook={"resource": resource(name), "id_key": "sid", "id_value": sid},
        )

    def refreshed(self, name: str, sid: str | None, status: str) -> None:
        from snaplint.plan.events import resource

        self.events.emit(
            "refresh_complete",
            f"job.{name}: Refresh complete [status={status}]",
            "info" if status != "unknown" else "warn",
            hook={"resource": resource(name), "id_key": "sid", "id_value": sid, "status": status},
        )

    def plan(self, plan: Plan, operation: str) -> None:
        self.events.plan(plan, operation)

    def outcomes(self, outcomes: Sequence[Outcome]) -> None:
        pass  # each outcome was an apply_complete / apply_errored event

    def summary(self, plan: Plan, operation: str, counts: Mapping[str, int], failed: int) -> None:
        self.events.summary(plan, operation, counts)


class _Progress:
    """Progress: JSON events, a rich progress bar on a terminal, or one line per job."""

    def __init__(self, view: TerminalView, total: int) -> None:
        self.view = view
        self.events = getattr(view, "events", None)
        self.total = total
        self.start: dict[str, float] = {}
        self.lock = threading.Lock()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.events is None and sys.stderr.isatty() and self.total > 1:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("Applying", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def started(self, name: str, action: Action) -> None:
        with self.lock:
            self.start.setdefault(name, time.monotonic())
        if self.events is not None:
            self.events.hook("apply_start", f"job.{name}: {_verb(action)}...", name, action.value)
        elif self.bar is None:
            self.view.text(f"job.{name}: {_verb(action)}...")

    def step(self, name: str, action: Action, step: str) -> None:
        if self.events is not None:
            elapsed = time.monotonic() - self.start.get(name, time.monotonic())
            self.events.hook(
                "apply_progress",
                f"job.{name}: {step} [{elapsed:.1f}s elapsed]",
                name,
                action.value,
                step=step,
                elapsed_seconds=round(elapsed, 3),
            )

    def finished(self, outcome: Outcome) -> None:
        from snaplint.operations.outcomes import SUCCEEDED

        name, action = outcome.name, outcome.action
        elapsed = round(outcome.elapsed, 3)
        if self.events is not None:
            if outcome.result == SUCCEEDED:
                extra = {"id_key": "sid", "id_value": outcome.sid} if outcome.sid else {}
                self.events.hook(
                    "apply_complete",
                    f"job.{name}: {outcome.detail} after {elapsed:.1f}s",
                    name,
                    action.value,
                    elapsed_seconds=elapsed,
                    **extra,
                )
            else:
                self.events.hook(
                    "apply_errored",
                    f"job.{name}: {outcome.detail}",
                    name,
                    action.value,
                    "error",
                    elapsed_seconds=elapsed,
                    http_status=outcome.http_status,
                    code=outcome.code,
                    reason=outcome.reason,
                )
        elif self.bar is not None:
            self.bar.advance(self.task)
        else:
            sid = f" [sid={outcome.sid}]" if outcome.sid else ""
            self.view.text(f"job.{name}: {outcome.detail} after {elapsed:.1f}s{sid}")


def _verb(action: Action) -> str:
    return {
        "create": "Starting",
        "update": "Updating",
        "replace": "Replacing",
        "delete": "Stopping",
        "forget": "Forgetting",
    }.get(action.value, "Working")
