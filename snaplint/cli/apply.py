"""``snaplint apply``: make the live sessions match the manifests (or a saved plan).

Flow: lock the state → finish an interrupted apply's journal → (saved plan: refuse if stale)
→ lint and load the manifests → refresh → plan → show → confirm → execute (journaled) →
write the state → a table of succeeded / failed / untouched jobs. The lock is held from the
first read to the last write.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.cli.plan import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    add_common_arguments,
    add_lock_arguments,
    add_targeting_arguments,
)

if TYPE_CHECKING:
    from snaplint.cli.plan import Planned, Project
    from snaplint.operations.apply import Outcome
    from snaplint.plan.changes import Action, PlanOptions
    from snaplint.plan.saved import SavedPlan
    from snaplint.state.backends import LockInfo
    from snaplint.state.codec import StateStore

NAME = "apply"
HELP = "Start, update, replace and stop sessions so they match the manifests."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PLANFILE|PATH",
        help="a saved plan (`plan --out`), or manifests to plan from (default: project)",
    )
    add_common_arguments(p)
    add_lock_arguments(p)
    add_approval_arguments(p)
    add_targeting_arguments(p)


def add_approval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--auto-approve",
        action="store_true",
        help="skip the confirmation prompt (required when stdin is not a terminal)",
    )


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.cli.plan import options_from_args
    from snaplint.plan.saved import PlanFileError, decode, looks_like_plan

    saved = None
    paths = list(args.paths)
    if len(paths) == 1 and Path(paths[0]).is_file():
        data = Path(paths[0]).read_bytes()
        if looks_like_plan(data):
            try:
                saved = decode(data)
            except PlanFileError as exc:
                raise UsageError(f"{paths[0]}: {exc}") from exc
            if args.target or args.exclude or args.replace or args.refresh_only:
                raise UsageError(
                    "a saved plan already holds its targets and options: "
                    "planning flags cannot be added to it"
                )
            paths = []
    if saved is not None:
        ctx = Context.create(args, saved_paths(args, saved))
        options = saved.plan.options
    else:
        ctx = Context.create(args, paths)
        options = options_from_args(args)
    return run_apply(ctx, options, saved=saved, operation="apply")


def saved_paths(args: argparse.Namespace, saved: SavedPlan) -> list[str]:
    """The manifests a saved plan was made from, found where the plan was made (the project
    root it records) or, failing that, relative to the working directory."""
    root = Path(str(saved.extra.get("root") or "."))
    if not root.is_dir():
        root = Path(".")
    rels = saved.extra.get("paths") or ["."]
    return [str(root / rel) for rel in rels]


# --------------------------------------------------------------------------- the flow


def run_apply(
    ctx: Context,
    options: PlanOptions,
    *,
    saved: SavedPlan | None = None,
    operation: str = "apply",
) -> int:
    from snaplint.cli.plan import open_store
    from snaplint.state.backends import LockError, LockInfo

    store = open_store(ctx)
    timeout = float(getattr(ctx.args, "lock_timeout", 0.0) or 0.0)
    try:
        held = store.backend.lock(LockInfo.new(operation), timeout)
    except LockError as exc:
        report_lock_error(ctx, exc)
        return EXIT_ERROR
    try:
        return _locked(ctx, store, held, options, saved, operation)
    finally:
        store.backend.unlock(held.id)


def report_lock_error(ctx: Context, exc: Exception) -> None:
    holder = getattr(exc, "holder", None)
    detail = (
        "snaplint acquires a state lock to protect the state from being written by several "
        "processes at once. Wait for the other process, retry with --lock-timeout, or — if "
        "it is gone for good — run `snaplint force-unlock "
        f"{holder.id if holder else 'LOCK_ID'}`."
    )
    if holder is not None:
        detail = "Lock Info:\n" + holder.describe() + "\n\n" + detail
    ctx.error(f"Error acquiring the state lock: {str(exc).splitlines()[0]}", detail)


def _locked(
    ctx: Context,
    store: StateStore,
    held: LockInfo,
    options: PlanOptions,
    saved: SavedPlan | None,
    operation: str,
) -> int:
    from snaplint.cli.plan import load_project, make, show_plan
    from snaplint.plan.jobs import UnsetReference, request_bodies

    state, state_exists, recovered = _recover(ctx, store)
    if saved is not None:
        refused = _stale(ctx, saved, state, state_exists, recovered)
        if refused:
            return EXIT_ERROR
    project: Project | None = None
    if not options.destroy:
        project = load_project(ctx)
        if project.lint_errors:
            return EXIT_ERROR
    planned = make(
        ctx,
        project,
        store,
        options,
        state=state,
        state_exists=state_exists,
        recovered=0,
    )
    plan = planned.plan
    if saved is not None and project is not None and _deviates(ctx, saved, planned, project):
        return EXIT_ERROR
    show_plan(ctx, plan, operation)
    if plan.errors:
        return EXIT_ERROR

    from snaplint.plan.changes import Action

    work = [c for c in plan.changes if c.action != Action.NOOP]
    state_only = bool(planned.live) or any(
        planned.desired.get(j.name) is not None and planned.desired[j.name].protect != j.protect
        for j in state
    )
    if not work and not options.refresh_only:
        if state_only and state_exists:
            _save_state_only(ctx, store, planned)
        if plan.unknown:
            from snaplint.operations.apply import UNTOUCHED, Outcome

            _table(
                ctx,
                [
                    Outcome(c.name, c.action, UNTOUCHED, f"status unknown: {c.detail}")
                    for c in plan.unknown
                ],
            )
            return EXIT_ERROR
        return EXIT_OK
    if options.refresh_only and not plan.drift and not state_only:
        return EXIT_OK
    if saved is None:
        approved = _confirm(ctx, operation)
        if approved is None:
            return EXIT_ERROR
        if not approved:
            ctx.note(f"{operation.capitalize()} cancelled.")
            return EXIT_ERROR

    # every secret is resolved before the first call: an unset variable stops everything
    bodies: dict[str, dict[str, Any]] = {}
    jobs_by_name = {j.name: j for j in (project.jobs if project else [])}
    missing: list[str] = []
    for c in work:
        if c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE):
            try:
                bodies[c.name] = request_bodies(jobs_by_name[c.name], ctx.env)
            except UnsetReference as exc:
                missing.append(str(exc))
    if missing:
        ctx.error(
            "environment variables referenced by the manifests are not set",
            "\n".join(missing) + "\nNothing was changed.",
        )
        return EXIT_ERROR

    if not state_exists:
        # journal records are bound to a stored lineage: store the new state first
        store.save(planned.state)
    return _execute(ctx, store, planned, bodies, operation)


def _recover(ctx: Context, store: StateStore) -> tuple[Any, bool, int]:
    """Fold an interrupted apply's journal into the state and store it (under the lock)."""
    from snaplint.cli.plan import read_state

    state, exists, recovered = read_state(ctx, store)
    if recovered:
        store.save(state)
        store.backend.journal_clear()
        ctx.note(
            f"Recovered an interrupted apply: {recovered} journal records folded into the "
            "state; unverified starts are checked below.",
            "warn",
        )
    elif exists:
        store.backend.journal_clear()  # records of an apply whose state write completed
    return state, exists, recovered


def _stale(ctx: Context, saved: SavedPlan, state: Any, exists: bool, recovered: int) -> bool:
    from snaplint.cli.plan import _relative, file_digest, is_saved_plan
    from snaplint.lint.discovery import MissingPath, discover
    from snaplint.plan.saved import DEFAULT_MAX_AGE, ENV_MAX_AGE, parse_duration, stale_reasons

    manifests: dict[str, str] = {}
    try:
        found = discover(
            ctx.paths or [str(ctx.root)],
            root=ctx.root,
            include=ctx.config.include,
            exclude=ctx.config.exclude,
            force_exclude=ctx.config.force_exclude,
        )
    except MissingPath:
        found = []
    for f in found:
        if Path(f).is_file() and not is_saved_plan(f):
            manifests[_relative(f, ctx.root)] = file_digest(f)
    config = file_digest(ctx.config.source) if ctx.config.source else None
    max_age_text = (
        ctx.env.get(ENV_MAX_AGE) or ctx.config.section("plan").get("max-age") or DEFAULT_MAX_AGE
    )
    reasons = stale_reasons(
        saved,
        lineage=state.lineage if exists else None,
        serial=state.serial if exists else 0,
        manifests=manifests,
        config=config,
        max_age=float(parse_duration(max_age_text)),
    )
    if recovered:
        reasons.insert(0, "an interrupted apply was recovered since the plan was made")
    if reasons:
        ctx.error(
            "Saved plan is stale",
            "\n".join(f"- {r}" for r in reasons) + "\n\nRun `snaplint plan --out FILE` again.",
        )
        return True
    return False


def _deviates(ctx: Context, saved: SavedPlan, planned: Planned, project: Project) -> bool:
    from snaplint.plan.jobs import fingerprint
    from snaplint.plan.saved import deviations

    by_name = {j.name: j for j in project.jobs}
    digests = {
        name: fingerprint(by_name[name], saved.salt, ctx.env).digest
        for name in planned.desired
        if name in by_name
    }
    found = deviations(saved, planned.plan, digests)
    if found:
        ctx.error(
            "Saved plan is stale: the live sessions changed since it was made",
            "\n".join(f"- {d}" for d in found) + "\n\nRun `snaplint plan --out FILE` again.",
        )
        return True
    return False


def _confirm(ctx: Context, operation: str) -> bool | None:
    """True/False as answered; None (after saying why) when no prompt is possible."""
    if getattr(ctx.args, "auto_approve", False):
        return True
    if ctx.json or not sys.stdin.isatty():
        why = "--json output cannot prompt" if ctx.json else "stdin is not a terminal"
        ctx.error(
            f"refusing to ask for approval: {why}",
            "pass --auto-approve, or save a plan with `snaplint plan --out FILE` and apply "
            "that file. Nothing was changed.",
        )
        return None
    verb = (
        "stop every session listed above"
        if operation == "destroy"
        else "perform the actions described above"
    )
    ctx.say(
        f"\nDo you want to {'destroy' if operation == 'destroy' else 'perform these actions'}?\n"
        f"  snaplint will {verb}.\n"
        "  Only 'yes' will be accepted to approve.\n"
    )
    try:
        answer = input("  Enter a value: ")
    except EOFError:
        return False
    return answer.strip() == "yes"


def _save_state_only(ctx: Context, store: StateStore, planned: Planned) -> None:
    from snaplint.operations.apply import Executor
    from snaplint.operations.journal import Journal

    executor = Executor(
        None,
        Journal.for_state(store.backend, planned.state),
        planned.state,
        planned.plan,
        desired=planned.desired,
        bodies={},
        live=planned.live,
    )
    executor.sync_protection()
    store.save(planned.state)


# --------------------------------------------------------------------------- execution


def _execute(
    ctx: Context,
    store: StateStore,
    planned: Planned,
    bodies: dict[str, dict[str, Any]],
    operation: str,
) -> int:
    from snaplint.cli.plan import connect
    from snaplint.operations.apply import FAILED, UNTOUCHED, Executor, crash_point, summary_counts
    from snaplint.operations.journal import Journal

    plan = planned.plan
    client = planned.client
    if client is None and any(c.action.remote for c in plan.changes):
        client, _ = connect(ctx)
    hooks = _hooks(ctx, len([c for c in plan.changes if c.action.remote]))
    executor = Executor(
        client,
        Journal.for_state(store.backend, planned.state),
        planned.state,
        plan,
        desired=planned.desired,
        bodies=bodies,
        live=planned.live,
        parallelism=ctx.parallelism(),
        hooks=hooks,
    )
    interrupted = False
    try:
        with hooks:
            outcomes = executor.run()
    except KeyboardInterrupt:
        interrupted = True
        outcomes = list(executor.outcomes.values())
    executor.sync_protection()
    crash_point("before-state-write")
    store.save(planned.state)
    store.backend.journal_clear()

    failed = [o for o in outcomes if o.result in (FAILED, UNTOUCHED)]
    if ctx.events is not None:
        ctx.events.summary(plan, operation, summary_counts(outcomes))
    else:
        _table(ctx, outcomes)
        counts = summary_counts(outcomes)
        head = "Apply complete!" if not failed else "Apply finished with errors."
        if operation == "destroy":
            head = "Destroy complete!" if not failed else "Destroy finished with errors."
        ctx.say(
            f"{head} {counts['start']} started, {counts['update']} updated, "
            f"{counts['replace']} replaced, {counts['stop']} stopped"
            + (f", {len(failed)} failed or untouched." if failed else ".")
        )
    if interrupted:
        ctx.note("Interrupted: what completed is recorded in the state.", "warn")
        return 130
    return EXIT_ERROR if failed else EXIT_OK


def _table(ctx: Context, outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    import shutil

    from rich.console import Console
    from rich.table import Table

    table = Table(title=None, show_lines=False, header_style="bold")
    for column in ("Job", "Action", "Result", "Code", "Detail"):
        table.add_column(column, overflow="fold")
    styles = {"succeeded": "green", "failed": "red", "untouched": "yellow"}
    for o in outcomes:
        code = ""
        if o.http_status is not None or o.code is not None:
            code = " ".join(
                part
                for part in (
                    f"HTTP {o.http_status}" if o.http_status is not None else "",
                    f"code {o.code}" if o.code is not None else "",
                )
                if part
            )
            if o.reason:
                code += f" ({o.reason})"
        table.add_row(
            o.name,
            o.action.value,
            o.result,
            code,
            o.detail,
            style=styles.get(o.result) if ctx.color else None,
        )
    width = shutil.get_terminal_size((140, 24)).columns if sys.stdout.isatty() else 160
    console = Console(
        file=ctx.out, no_color=not ctx.color, force_terminal=ctx.color, width=width, highlight=False
    )
    ctx.say()
    console.print(table)


class _Hooks:
    """Progress: JSON events, a rich progress bar on a terminal, or one line per job."""

    def __init__(self, ctx: Context, total: int) -> None:
        self.ctx = ctx
        self.total = total
        self.start: dict[str, float] = {}
        self.lock = threading.Lock()
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Hooks:
        if self.ctx.events is None and sys.stderr.isatty() and self.total > 1:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("Applying", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def started(self, name: str, action: Action) -> None:
        with self.lock:
            self.start.setdefault(name, time.monotonic())
        events = self.ctx.events
        if events is not None:
            events.hook("apply_start", f"job.{name}: {_verb(action)}...", name, action.value)
        elif self.progress is None:
            self.ctx.say(f"job.{name}: {_verb(action)}...")

    def step(self, name: str, action: Action, step: str) -> None:
        events = self.ctx.events
        if events is not None:
            elapsed = time.monotonic() - self.start.get(name, time.monotonic())
            events.hook(
                "apply_progress",
                f"job.{name}: {step} [{elapsed:.1f}s elapsed]",
                name,
                action.value,
                step=step,
                elapsed_seconds=round(elapsed, 3),
            )

    def finished(self, outcome: Outcome) -> None:
        from snaplint.operations.apply import SUCCEEDED

        events = self.ctx.events
        name, action = outcome.name, outcome.action
        elapsed = round(outcome.elapsed, 3)
        if events is not None:
            if outcome.result == SUCCEEDED:
                extra = {"id_key": "sid", "id_value": outcome.sid} if outcome.sid else {}
                events.hook(
                    "apply_complete",
                    f"job.{name}: {outcome.detail} after {elapsed:.1f}s",
                    name,
                    action.value,
                    elapsed_seconds=elapsed,
                    **extra,
                )
            else:
                events.hook(
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
        elif self.progress is not None:
            self.progress.advance(self.task)
        else:
            sid = f" [sid={outcome.sid}]" if outcome.sid else ""
            self.ctx.say(f"job.{name}: {outcome.detail} after {elapsed:.1f}s{sid}")


def _verb(action: Action) -> str:
    return {
        "create": "Starting",
        "update": "Updating",
        "replace": "Replacing",
        "delete": "Stopping",
        "forget": "Forgetting",
    }.get(action.value, "Working")


def _hooks(ctx: Context, total: int) -> _Hooks:
    return _Hooks(ctx, total)
