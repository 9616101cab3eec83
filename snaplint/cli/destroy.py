"""``snaplint destroy``: stop every session the state records (or the targeted ones)."""

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

NAME = "destroy"
HELP = "Stop every session recorded in the state (protected jobs refuse)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="a path inside the project (finds its config)"
    )
    add_common_arguments(p)
    add_lock_arguments(p)
    add_approval_arguments(p)
    add_targeting_arguments(p, replace=False)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations.apply import destroy

    settings = settings_from_args(args, list(args.paths), options_from_args(args, destroy=True))
    view = view_for(args, settings)
    return exit_code(run_operation(lambda: destroy(settings, view)).status)
