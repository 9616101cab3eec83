"""``snaplint import NAME --resource-id ID --sid SID``: adopt a session started elsewhere
(:func:`snaplint.operations.apply.adopt` says how)."""

from __future__ import annotations

import argparse

from snaplint.cli.common import (
    add_common_arguments,
    add_lock_arguments,
    exit_code,
    run_operation,
    settings_from_args,
    view_for,
)

NAME = "import"
HELP = "Adopt a running session (started outside snaplint) as the session of job NAME."


def add_arguments(p: argparse.ArgumentParser) -> None:
    from snaplint.plan.address import job_name

    p.add_argument(
        "name",
        metavar="NAME",
        type=job_name,
        help="the job (metadata.name, or its address job.NAME) the session belongs to",
    )
    p.add_argument("--resource-id", required=True, metavar="ID", help="the session's resourceId")
    p.add_argument("--sid", required=True, metavar="SID", help="the session's sid")
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="manifests: files or folders (default: project)"
    )
    add_common_arguments(p, json_flag=False)
    add_lock_arguments(p)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations.apply import adopt
    from snaplint.operations.refresh import STATUS_TEXT
    from snaplint.operations.settings import OK

    settings = settings_from_args(args, list(args.paths))
    view = view_for(args, settings)
    result = run_operation(lambda: adopt(settings, view, args.name, args.resource_id, args.sid))
    if result.status == OK:
        status = result.query_status
        view.text(
            f"job.{args.name}: Import successful (sid {args.sid}, status {status}: "
            f"{STATUS_TEXT.get(status, '?')}).\n"
            "The manifest's spec is recorded as the session's configuration (query does not "
            f"return it); run `snaplint apply --replace {args.name}` if the session was started "
            "with another one."
        )
    return exit_code(result.status)
