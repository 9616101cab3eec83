"""What the plan/apply commands share: their common options, building an operation's
:class:`~snaplint.operations.settings.Settings` from argv, the view, and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.cli.views import TerminalView
    from snaplint.operations.settings import Settings
    from snaplint.plan.changes import PlanOptions

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


# --------------------------------------------------------------------------- arguments


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false (got {value!r})")


def duration(value: str) -> float:
    from snaplint.plan.saved import parse_duration

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
        type=duration,
        default=0.0,
        metavar="DURATION",
        help="wait this long for the state lock (e.g. 30s, 5m; default 0: fail at once)",
    )


def add_approval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--auto-approve",
        action="store_true",
        help="skip the confirmation prompt (required when stdin is not a terminal)",
    )


def add_targeting_arguments(p: argparse.ArgumentParser, *, replace: bool = True) -> None:
    from snaplint.plan.address import job_name

    g = p.add_argument_group("targeting (NAME or the plan's address job.NAME)")
    g.add_argument(
        "--target",
        action="append",
        default=[],
        type=job_name,
        metavar="NAME",
        help="only this job (repeatable)",
    )
    g.add_argument(
        "--exclude",
        action="append",
        default=[],
        type=job_name,
        metavar="NAME",
        help="skip this job (repeatable)",
    )
    if replace:
        g.add_argument(
            "--replace",
            action="append",
            default=[],
            type=job_name,
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


# --------------------------------------------------------------------------- settings, view


def use_color(args: Any, stream: Any) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def print_config_error(exc: Any) -> None:
    if exc.diagnostics:
        for d in exc.diagnostics:
            print(f"{d.file}:{d.line}:{d.column}: error {d.rule} {d.message}", file=sys.stderr)
        print("snaplint: error: invalid configuration", file=sys.stderr)
    else:
        print(f"snaplint: error: {exc}", file=sys.stderr)


def settings_from_args(
    args: argparse.Namespace,
    paths: list[str] | None = None,
    options: PlanOptions | None = None,
) -> Settings:
    """The operation's settings: the config found from ``paths`` (or ``--config``), the
    environment, and the targeting, lock and parallelism options."""
    from snaplint.cli import UsageError
    from snaplint.config import ConfigError, find_config, load_config
    from snaplint.operations.settings import Settings

    paths = list(paths or [])
    try:
        config = load_config(
            Path(args.config) if getattr(args, "config", None) else find_config(paths or ["."])
        )
    except ConfigError as exc:
        print_config_error(exc)
        raise UsageError("invalid configuration") from None
    except OSError as exc:
        raise UsageError(f"cannot read configuration: {exc}") from exc
    return Settings(
        config=config,
        root=config.project_root().resolve(),
        env=os.environ,
        paths=tuple(paths),
        workspace=getattr(args, "workspace", None),
        options=options if options is not None else options_from_args(args),
        parallelism=getattr(args, "parallelism", None),
        lock_timeout=float(getattr(args, "lock_timeout", 0.0) or 0.0),
    )


def view_for(args: argparse.Namespace, settings: Settings) -> TerminalView:
    """A JSON event view with ``--json``, else a terminal view."""
    from snaplint.cli.views import JsonView, TerminalView

    as_json = bool(getattr(args, "json", False))
    approve = bool(getattr(args, "auto_approve", False) or getattr(args, "force", False))
    if as_json:
        return JsonView(sys.stdout, root=settings.root, auto_approve=approve)
    return TerminalView(
        sys.stdout, color=use_color(args, sys.stdout), root=settings.root, auto_approve=approve
    )


def exit_code(status: str) -> int:
    """An operation's result status → the exit code (Terraform's: 2 = changes present)."""
    from snaplint.operations.settings import CHANGES, INTERRUPTED, OK

    return {OK: EXIT_OK, CHANGES: EXIT_CHANGES, INTERRUPTED: 130}.get(status, EXIT_ERROR)


def run_operation(call: Any) -> Any:
    """Call an operation; its configuration errors become usage errors (exit 2)."""
    from snaplint.cli import UsageError
    from snaplint.operations.settings import OperationError

    try:
        return call()
    except OperationError as exc:
        raise UsageError(str(exc)) from exc
