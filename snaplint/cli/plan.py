"""``snaplint plan``: show what apply would start, update, replace or stop.

Also home of the pieces every plan/apply command shares (:class:`Context`, loading the
project's manifests through the linter, opening the state, refreshing, planning), so that
``apply``, ``destroy``, ``import`` and ``state`` behave the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from snaplint.config import Config
    from snaplint.plan.changes import Desired, Diagnostic, Live, Plan, PlanOptions
    from snaplint.plan.jobs import Job, JobProblem
    from snaplint.plan.render import Events
    from snaplint.state.codec import State, StateStore

NAME = "plan"
HELP = "Show what apply would start, update, replace or stop (Terraform-style)."

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


# --------------------------------------------------------------------------- arguments


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false (got {value!r})")


def _duration(value: str) -> float:
    from snaplint.plan.saved import parse_duration

    try:
        return float(value)  # plain seconds
    except ValueError:
        pass
    try:
        return float(parse_duration(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_common_arguments(p: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    p.add_argument("--config", metavar="FILE", help="project configuration (default: discovered)")
    p.add_argument("--no-color", action="store_true", help="no ANSI colours (NO_COLOR too)")
    add_workspace_argument(p)
    if json_flag:
        p.add_argument(
            "--json", action="store_true", help="line-delimited JSON events instead of text"
        )


def add_workspace_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workspace",
        metavar="NAME",
        help="the state to use, e.g. staging or production (default: SNAPLINT_WORKSPACE, "
        "state.workspace, or default); each workspace has its own state and lock",
    )


def add_lock_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lock-timeout",
        type=_duration,
        default=0.0,
        metavar="DURATION",
        help="wait this long for the state lock (e.g. 30s, 5m; default 0: fail at once)",
    )


def add_targeting_arguments(p: argparse.ArgumentParser, *, replace: bool = True) -> None:
    g = p.add_argument_group("targeting")
    g.add_argument(
        "--target", action="append", default=[], metavar="NAME", help="only this job (repeatable)"
    )
    g.add_argument(
        "--exclude", action="append", default=[], metavar="NAME", help="skip this job (repeatable)"
    )
    if replace:
        g.add_argument(
            "--replace",
            action="append",
            default=[],
            metavar="NAME",
            help="stop and start this job again even if unchanged (repeatable)",
        )
        g.add_argument(
            "--refresh-only",
            action="store_true",
            help="only record in state what changed outside snaplint (ended sessions)",
        )
        g.add_argument(
            "--refresh",
            type=_bool,
            default=True,
            metavar="BOOL",
            help="--refresh=false plans against the recorded state without querying the API",
        )
    p.add_argument(
        "--parallelism",
        type=int,
        metavar="N",
        help="concurrent API operations (default: plan.parallelism or 4)",
    )


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="manifests: files or folders (default: project)"
    )
    add_common_arguments(p)
    add_targeting_arguments(p)
    p.add_argument(
        "--out", metavar="FILE", help="save the plan for `snaplint apply FILE` (no secrets)"
    )
    p.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when there are no changes, 1 on error, 2 when there are changes",
    )


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """One command's configuration, environment and output channels."""

    args: argparse.Namespace
    config: Config
    root: Path
    env: Mapping[str, str]
    json: bool
    color: bool
    out: TextIO
    events: Events | None = None
    paths: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, args: argparse.Namespace, paths: list[str] | None = None) -> Context:
        from snaplint.cli import UsageError
        from snaplint.cli.lint import _print_config_error, use_color
        from snaplint.config import ConfigError, find_config, load_config

        paths = list(paths or [])
        try:
            config = load_config(
                Path(args.config) if getattr(args, "config", None) else find_config(paths or ["."])
            )
        except ConfigError as exc:
            _print_config_error(exc)
            raise UsageError("invalid configuration") from None
        except OSError as exc:
            raise UsageError(f"cannot read configuration: {exc}") from exc
        as_json = bool(getattr(args, "json", False))
        ctx = cls(
            args=args,
            config=config,
            root=config.project_root().resolve(),
            env=os.environ,
            json=as_json,
            color=not as_json and use_color(args, sys.stdout),
            out=sys.stdout,
            paths=paths,
        )
        if as_json:
            from snaplint.plan.render import Events

            ctx.events = Events(sys.stdout)
            ctx.events.version()
        return ctx

    def say(self, text: str = "") -> None:
        """Human output (text mode only)."""
        if not self.json:
            self.out.write(text + "\n")
            self.out.flush()

    def note(self, message: str, level: str = "info") -> None:
        """A message in both modes: a line of text, or a ``log`` event."""
        if self.events is not None:
            self.events.emit("log", message, level)
        else:
            stream = sys.stderr if level in ("warn", "error") else self.out
            stream.write(message + "\n")
            stream.flush()

    def error(self, summary: str, detail: str = "") -> None:
        from snaplint.plan.changes import Diagnostic
        from snaplint.plan.render import diagnostic_lines

        d = Diagnostic("error", summary, detail)
        if self.events is not None:
            self.events.diagnostic(d)
        else:
            sys.stderr.write("\n".join(diagnostic_lines(d, color=self.color)) + "\n")
            sys.stderr.flush()

    def parallelism(self) -> int:
        value = getattr(self.args, "parallelism", None) or self.config.section("plan").get(
            "parallelism"
        )
        return max(1, int(value or 4))


# --------------------------------------------------------------------------- manifests


@dataclass
class Project:
    jobs: list[Job]
    problems: list[JobProblem]
    manifests: dict[str, str]  # path relative to the root → sha256
    config_digest: str | None
    lint_errors: int = 0


def is_saved_plan(path: str | Path) -> bool:
    from snaplint.plan.saved import looks_like_plan

    try:
        with open(path, "rb") as fh:
            return looks_like_plan(fh.read(200))
    except OSError:
        return False


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def load_project(ctx: Context) -> Project:
    """Lint the manifests (errors are shown and refuse the plan) and build the desired jobs."""
    from snaplint.agora.connection import ConnectionConfigError, describe_connection
    from snaplint.cli import UsageError
    from snaplint.config import ConfigError
    from snaplint.lint.discovery import MissingPath, discover
    from snaplint.lint.linter import Linter, LintOptions
    from snaplint.lint.plugins import PluginError, load_rules
    from snaplint.plan.jobs import desired_jobs

    config = ctx.config
    try:
        table = load_rules(allow=config.plugins)
        linter = Linter(config, table, LintOptions())
    except (PluginError, ConfigError) as exc:
        raise UsageError(str(exc)) from exc
    paths = ctx.paths or [str(ctx.root)]
    try:
        files = discover(
            paths,
            root=ctx.root,
            include=config.include,
            exclude=config.exclude,
            force_exclude=config.force_exclude,
        )
    except MissingPath as exc:
        raise UsageError(f"no such file or directory: {exc}") from exc
    # a plan saved inside the project (`plan --out plan.json`) is not a manifest
    files = [f for f in files if f != "-" and not is_saved_plan(f)]
    # The manifests read are exactly the paths given (default: the whole project): jobs in
    # state but not in them are planned to stop, so reading a subset deserves a warning.
    if ctx.paths and not any(Path(p).resolve() == ctx.root for p in ctx.paths):
        ctx.note(
            "Warning: reading only some of the project's manifests; jobs recorded in state "
            "but not in them are planned to stop (use --target to limit a run instead)",
            "warn",
        )
    result = linter.lint_files(files)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors:
        _show_lint_errors(ctx, result, errors, table)

    manifests = {_relative(f, ctx.root): file_digest(f) for f in result.files if os.path.isfile(f)}
    if not manifests:
        manifests = {_relative(f, ctx.root): file_digest(f) for f in files if os.path.isfile(f)}
    config_digest = file_digest(config.source) if config.source else None

    default_app = None
    try:
        if describe_connection(endpoint=_api(ctx).get("endpoint"), env=ctx.env).kind == "embedded":
            from snaplint.emulator.app import DEFAULT_APP_ID

            default_app = DEFAULT_APP_ID
    except ConnectionConfigError:
        pass  # reported when the client is opened
    checked = [doc for doc in result.documents if not _has_error(doc, errors)]
    jobs, problems = desired_jobs(
        checked,
        config_app_id=_api(ctx).get("app-id"),
        env=ctx.env,
        default_app_id=default_app,
    )
    return Project(jobs, problems, manifests, config_digest, len(errors))


def _has_error(doc: Any, errors: list[Any]) -> bool:
    return any(d.file == doc.source.display and d.document == doc.index for d in errors)


def _show_lint_errors(ctx: Context, result: Any, errors: list[Any], table: Any) -> None:
    from snaplint.plan.changes import Diagnostic

    if ctx.events is not None:
        for d in errors:
            ctx.events.diagnostic(
                Diagnostic(
                    "error",
                    f"{d.rule}: {d.message}",
                    "",
                    None,
                    d.file,
                    d.line,
                    d.column,
                )
            )
        return
    from dataclasses import replace

    from snaplint.report import ReportOptions, reporter

    only_errors = replace(result, diagnostics=errors)
    reporter("text").render(
        only_errors,
        sys.stdout,
        ReportOptions(color=ctx.color, rules=dict(table.rules), root=str(ctx.root)),
    )
    ctx.say()
    ctx.error(
        "the manifests have lint errors",
        "plan and apply refuse manifests with errors: fix them (`snaplint lint`) and plan again",
    )


def _api(ctx: Context) -> dict[str, Any]:
    return ctx.config.section("api")


# --------------------------------------------------------------------------- state


def open_store(ctx: Context) -> StateStore:
    from snaplint.cli import UsageError
    from snaplint.state.backends import BackendError, open_backend
    from snaplint.state.codec import StateStore

    try:
        backend = open_backend(
            ctx.config.section("state"),
            project_root=ctx.root,
            env=ctx.env,
            workspace=getattr(ctx.args, "workspace", None),
        )
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    return StateStore(backend)


def read_state(ctx: Context, store: StateStore) -> tuple[State, bool, int]:
    """The state (a new one when none exists), whether it exists, and how many journal
    records of an interrupted apply were folded in (in memory only)."""
    from snaplint.operations import journal
    from snaplint.state.codec import State, StateError

    try:
        stored = store.read()
    except StateError as exc:
        from snaplint.cli import UsageError

        raise UsageError(f"cannot read the state {store.describe()}: {exc}") from exc
    state = stored or State.new()
    recovered, records = journal.recover(store.backend, state)
    return recovered, stored is not None, len(records)


def recorded(state: State) -> list[Any]:
    from snaplint.plan.changes import Recorded

    return [
        Recorded(
            j.name,
            j.spec,
            j.status,
            j.protect,
            j.last_seen_running,
            j.evidence,
            j.imported,
        )
        for j in state
    ]


# --------------------------------------------------------------------------- API


def connect(ctx: Context) -> tuple[Any, str]:
    from snaplint.agora.connection import ConnectionConfigError, open_client
    from snaplint.cli import UsageError

    api = _api(ctx)
    try:
        client, description = open_client(
            project_root=ctx.root,
            endpoint=api.get("endpoint"),
            app_id=api.get("app-id"),
            env=ctx.env,
            qps=float(api.get("qps") or 10),
        )
    except ConnectionConfigError as exc:
        raise UsageError(str(exc)) from exc
    ctx.note(f"Using {description}")
    return client, description


def _note_target(ctx: Context) -> None:
    """Say which service the plan is for, without connecting (nothing to refresh); a refused
    endpoint or incomplete credentials are an error now, not first at apply."""
    from snaplint.agora.connection import ConnectionConfigError, describe_connection
    from snaplint.cli import UsageError

    try:
        conn = describe_connection(endpoint=_api(ctx).get("endpoint"), env=ctx.env)
    except ConnectionConfigError as exc:
        raise UsageError(str(exc)) from exc
    ctx.note(f"Planning for {conn.description}")


def refresh_state(ctx: Context, client: Any, state: State, options: PlanOptions) -> dict[str, Live]:
    from snaplint.operations.refresh import refresh

    wanted = {
        name: job
        for name, job in state.jobs.items()
        if (not options.targets or name in options.targets) and name not in options.excludes
    }

    def started(name: str) -> None:
        job = state.jobs[name]
        if ctx.events is not None:
            from snaplint.plan.render import resource

            ctx.events.emit(
                "refresh_start",
                f"job.{name}: Refreshing state... [sid={job.sid}]",
                hook={"resource": resource(name), "id_key": "sid", "id_value": job.sid},
            )

    def done(name: str, live: Live) -> None:
        job = state.jobs[name]
        if ctx.events is not None:
            from snaplint.plan.render import resource

            ctx.events.emit(
                "refresh_complete",
                f"job.{name}: Refresh complete [status={live.status}]",
                "info" if live.status != "unknown" else "warn",
                hook={
                    "resource": resource(name),
                    "id_key": "sid",
                    "id_value": job.sid,
                    "status": live.status,
                },
            )
        else:
            ctx.say(f"job.{name}: Refreshing state... [sid={job.sid}] {live.status}")

    return refresh(client, wanted, parallelism=ctx.parallelism(), on_start=started, on_done=done)


# --------------------------------------------------------------------------- planning


def desire(ctx: Context, project: Project, salt: str) -> tuple[list[Desired], list[Diagnostic]]:
    from snaplint.plan.changes import Desired
    from snaplint.plan.jobs import fingerprint

    desired: list[Desired] = []
    diagnostics: list[Diagnostic] = [_problem(p) for p in project.problems]
    for job in project.jobs:
        fp = fingerprint(job, salt, ctx.env)
        if fp.problems:
            diagnostics.extend(_problem(p) for p in fp.problems)
            continue
        desired.append(
            Desired(
                job.name,
                fp.spec,
                fp.digest,
                job.protect,
                job.source,
                job.document,
                fp.unset_secrets,
            )
        )
    return desired, diagnostics


def _problem(p: JobProblem) -> Diagnostic:
    from snaplint.plan.changes import Diagnostic

    return Diagnostic("error", p.message, "", p.job, p.source or None)


def options_from_args(args: argparse.Namespace, *, destroy: bool = False) -> PlanOptions:
    from snaplint.plan.changes import PlanOptions

    return PlanOptions(
        targets=tuple(getattr(args, "target", ()) or ()),
        excludes=tuple(getattr(args, "exclude", ()) or ()),
        replace=tuple(getattr(args, "replace", ()) or ()),
        refresh_only=bool(getattr(args, "refresh_only", False)),
        refresh=bool(getattr(args, "refresh", True)),
        destroy=destroy,
    )


@dataclass
class Planned:
    plan: Plan
    desired: dict[str, Desired]
    live: dict[str, Live]
    state: State
    state_exists: bool
    recovered: int
    client: Any = None


def make(
    ctx: Context,
    project: Project | None,
    store: StateStore,
    options: PlanOptions,
    *,
    state: State | None = None,
    state_exists: bool = True,
    recovered: int = 0,
) -> Planned:
    """Refresh and plan: the common middle of plan, apply and destroy."""
    from snaplint.plan.changes import make_plan

    if state is None:  # plan: reads without locking, so say when a writer is at work
        state, state_exists, recovered = read_state(ctx, store)
        holder = store.backend.lock_holder()
        if holder is not None:
            ctx.note(
                f"Warning: the state is locked by {holder.operation} ({holder.who}, "
                f"pid {holder.pid}, since {holder.created}); this plan may be outdated",
                "warn",
            )
        if recovered and holder is None:
            ctx.note(
                f"Warning: an earlier apply was interrupted; {recovered} journal records "
                "are shown as if applied. Run `snaplint apply` to finish it.",
                "warn",
            )
    client = None
    live: dict[str, Live] = {}
    if options.refresh and any(j.status == "running" for j in state):
        client, _ = connect(ctx)
        live = refresh_state(ctx, client, state, options)
    else:
        _note_target(ctx)
    desired_list, diagnostics = desire(ctx, project, state.salt) if project else ([], [])
    plan = make_plan(
        desired_list,
        recorded(state),
        live,
        options,
        lineage=state.lineage if state_exists else None,
        serial=state.serial if state_exists else 0,
    )
    plan.diagnostics[:0] = diagnostics
    return Planned(
        plan,
        {d.name: d for d in desired_list},
        live,
        state,
        state_exists,
        recovered,
        client,
    )


def show_plan(ctx: Context, plan: Plan, operation: str = "plan") -> None:
    from snaplint.plan.render import render_plan

    if ctx.events is not None:
        ctx.events.plan(plan, operation)
        return
    ctx.say()
    if operation == "destroy":
        text = render_plan(
            plan,
            color=ctx.color,
            title="snaplint will stop the following sessions:",
            nothing="No recorded session to stop.",
        )
    else:
        text = render_plan(plan, color=ctx.color)
    ctx.out.write(text)
    ctx.out.flush()


# --------------------------------------------------------------------------- the command


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError

    try:
        return _run(args)
    except UsageError as exc:
        if args.detailed_exitcode:
            # exit 2 means "changes" here: configuration errors must not look like them
            print(f"snaplint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        raise


def _run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError

    ctx = Context.create(args, args.paths)
    options = options_from_args(args)
    if args.refresh_only and args.replace:
        raise UsageError("--refresh-only cannot be combined with --replace")
    if args.refresh_only and not args.refresh:
        raise UsageError("--refresh-only needs --refresh=true")
    project = load_project(ctx)
    if project.lint_errors:
        return EXIT_ERROR
    store = open_store(ctx)
    planned = make(ctx, project, store, options)
    plan = planned.plan
    show_plan(ctx, plan)
    if args.out:
        if plan.errors:
            ctx.note(f"The plan has errors: it was not saved to {args.out}.", "warn")
        else:
            _save(ctx, planned, project, Path(args.out))
    if plan.errors or plan.unknown:
        return EXIT_ERROR
    if args.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def _save(ctx: Context, planned: Planned, project: Project, path: Path) -> None:
    import secrets as _secrets

    from snaplint import __version__
    from snaplint.plan.jobs import fingerprint
    from snaplint.plan.saved import SavedPlan, encode, now_iso

    salt = _secrets.token_hex(16)
    by_name = {j.name: j for j in project.jobs}
    digests = {
        name: fingerprint(by_name[name], salt, ctx.env).digest
        for name in planned.desired
        if name in by_name
    }
    saved = SavedPlan(
        plan=planned.plan,
        created_at=now_iso(),
        manifests=project.manifests,
        config=project.config_digest,
        salt=salt,
        digests=digests,
        snaplint_version=__version__,
        extra={
            # where to find the project again at apply time (paths relative to its root)
            "root": str(ctx.root),
            "paths": [_relative(p, ctx.root) for p in ctx.paths] or ["."],
        },
    )
    data = encode(saved)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    ctx.note(f"Saved the plan to: {path}")
    ctx.say(f"To perform exactly these actions, run: snaplint apply {path}")
