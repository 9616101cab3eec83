"""``snaplint force-unlock LOCK_ID``: release a state lock whose holder is stuck."""

from __future__ import annotations

import argparse

from snaplint.cli.common import (
    add_common_arguments,
    exit_code,
    run_operation,
    settings_from_args,
    view_for,
)

NAME = "force-unlock"
HELP = "Remove the state lock held by another process; needs the holder's lock ID."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "lock_id", metavar="LOCK_ID", help="the ID shown by the command that was refused"
    )
    p.add_argument(
        "--force", action="store_true", help="do not ask for confirmation (needed without a TTY)"
    )
    add_common_arguments(p, json_flag=False)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations.state_commands import force_unlock

    settings = settings_from_args(args)
    view = view_for(args, settings)
    return exit_code(run_operation(lambda: force_unlock(settings, view, args.lock_id)))
