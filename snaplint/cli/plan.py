"""``snaplint plan``: show what apply would start, update, replace or stop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from snaplint.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    add_common_arguments,
    add_targeting_arguments,
    exit_code,
    run_operation,
    settings_from_args,
    view_for,
)

NAME = "plan"
HELP = "Show what apply would start, update, replace or stop (Terraform-style)."


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


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.operations.plan import plan

    try:
        settings = settings_from_args(args, args.paths)
        result = run_operation(
            lambda: plan(
                settings,
                view_for(args, settings),
                out=Path(args.out) if args.out else None,
            )
        )
    except UsageError as exc:
        if args.detailed_exitcode:
            # exit 2 means "changes" here: configuration errors must not look like them
            print(f"snaplint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        raise
    code = exit_code(result.status)
    if code == 2 and not args.detailed_exitcode:
        return EXIT_OK
    return code
