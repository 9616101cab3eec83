"""``snaplint workspace list | show``: the project's workspaces (separate states and locks)."""

from __future__ import annotations

import argparse

from snaplint.cli.plan import EXIT_OK, Context, add_common_arguments

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
    from snaplint.cli import UsageError
    from snaplint.state.backends import BackendError, check_workspace
    from snaplint.state.workspaces import current, list_workspaces

    ctx = Context.create(args, [])
    section = ctx.config.section("state")
    selected = current(section, ctx.env, args.workspace)
    try:
        check_workspace(selected)
        if args.workspace_command == "show":
            ctx.say(selected)
            return EXIT_OK
        names = list_workspaces(section, project_root=ctx.root, env=ctx.env)
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    if selected not in names:
        names.append(selected)  # selected but not written yet: still where apply would write
        names.sort(key=lambda n: (n != "default", n))
    for name in names:
        ctx.say(f"{'*' if name == selected else ' '} {name}")
    return EXIT_OK
