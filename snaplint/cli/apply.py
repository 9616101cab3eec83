"""``snaplint apply``: make the live sessions match the manifests (or a saved plan)."""

from __future__ import annotations

import argparse

from snaplint.cli.common import (
    add_approval_arguments,
    add_common_arguments,
    add_lock_arguments,
    add_targeting_arguments,
    exit_code,
    options_from_args,
    run_operation,
    settings_from_args,
    view_for,
)

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
    p.add_argument(
        "--allow-mass-change",
        action="store_true",
        help="apply even if it stops or replaces more than apply.mass-change.share (default "
        "25 %%) of the running sessions",
    )


def run(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from snaplint.cli import UsageError
    from snaplint.operations.apply import apply
    from snaplint.operations.plan import read_saved_plan, saved_plan_paths

    saved = None
    paths = list(args.paths)
    if len(paths) == 1 and Path(paths[0]).is_file():
        saved = run_operation(lambda: read_saved_plan(paths[0]))
    if saved is not None:
        if args.target or args.exclude or args.replace or args.refresh_only:
            raise UsageError(
                "a saved plan already holds its targets and options: "
                "planning flags cannot be added to it"
            )
        settings = settings_from_args(args, saved_plan_paths(saved), saved.plan.options)
    else:
        settings = settings_from_args(args, paths, options_from_args(args))
    settings = dataclasses.replace(settings, allow_mass_change=args.allow_mass_change)
    view = view_for(args, settings)
    return exit_code(run_operation(lambda: apply(settings, view, saved=saved)).status)
