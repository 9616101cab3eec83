"""``snaplint workspace list | show``: the project's workspaces (separate states and locks)."""

from __future__ import annotations

import argparse

from snaplint.cli.common import EXIT_OK, add_common_arguments, run_operation, settings_from_args

NAME = "workspace"
HELP = "List the workspaces (separate states, e.g. staging and production), or show the current."


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="workspace_command", metavar="SUBCOMMAND", required=True)
    ls = sub.add_parser(
        "list", help="every workspace with a state, the current one marked with '*'"
    )
    add_common_arguments(ls, json_flag=False)
    show = sub.add_parser("show", help="the current workspace")
    add_common_arguments(show, json_flag=False)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations.state_commands import workspaces

    settings = settings_from_args(args)
    listing = args.workspace_command == "list"
    found = run_operation(lambda: workspaces(settings, listing=listing))
    if not listing:
        print(found.selected)
        return EXIT_OK
    for name in found.names:
        print(f"{'*' if name == found.selected else ' '} {name}")
    return EXIT_OK
