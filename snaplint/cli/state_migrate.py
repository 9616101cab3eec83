"""``snaplint state migrate --to postgres``: move the state to another backend.

A sub-command of ``snaplint state`` (:mod:`snaplint.cli.state` registers it); the move itself
is :func:`snaplint.operations.state_commands.migrate`.
"""

from __future__ import annotations

import argparse
from typing import Any

from snaplint.cli.common import add_common_arguments, add_lock_arguments, exit_code, run_operation

BACKENDS = ("file", "postgres")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "migrate",
        help="copy the state to another backend (e.g. --to postgres), lineage and serial kept",
    )
    p.add_argument("--to", required=True, choices=BACKENDS, help="the backend to move to")
    p.add_argument(
        "--from",
        dest="source",
        choices=BACKENDS,
        help="the backend to move from (default: the configured one)",
    )
    p.add_argument(
        "--all-workspaces", action="store_true", help="every workspace, not only the current one"
    )
    p.add_argument(
        "--force", action="store_true", help="replace a different state at the destination"
    )
    add_common_arguments(p, json_flag=False)
    add_lock_arguments(p)


def run(settings: Any, view: Any, args: argparse.Namespace) -> int:
    from snaplint.operations.state_commands import migrate

    status = run_operation(
        lambda: migrate(
            settings,
            view,
            to=args.to,
            source=args.source,
            all_workspaces=args.all_workspaces,
            force=args.force,
        )
    )
    return exit_code(status)
