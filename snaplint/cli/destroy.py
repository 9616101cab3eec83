"""``snaplint destroy``: stop every session the state records (or the targeted ones)."""

from __future__ import annotations

import argparse

from snaplint.cli.apply import add_approval_arguments, run_apply
from snaplint.cli.plan import (
    Context,
    add_common_arguments,
    add_lock_arguments,
    add_targeting_arguments,
    options_from_args,
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
    ctx = Context.create(args, list(args.paths))
    return run_apply(ctx, options_from_args(args, destroy=True), operation="destroy")
