"""``snaplint state list | show | rm | mv | unprotect | migrate``: inspect, edit and move the state."""

from __future__ import annotations

import argparse
from typing import Any

from snaplint.cli.common import (
    EXIT_OK,
    add_common_arguments,
    add_lock_arguments,
    exit_code,
    run_operation,
    settings_from_args,
    view_for,
)

NAME = "state"
HELP = "List, show, forget or unprotect the jobs recorded in the state; migrate it."


def add_arguments(p: argparse.ArgumentParser) -> None:
    from snaplint.plan.address import job_name

    sub = p.add_subparsers(dest="state_command", metavar="SUBCOMMAND", required=True)
    ls = sub.add_parser("list", help="the recorded jobs, one per line")
    ls.add_argument("-l", "--long", action="store_true", help="with status, sid and times")
    add_common_arguments(ls, json_flag=False)
    show = sub.add_parser("show", help="everything recorded about one job (secrets hidden)")
    show.add_argument("name", metavar="NAME", type=job_name, help="NAME or job.NAME")
    add_common_arguments(show, json_flag=False)
    rm = sub.add_parser("rm", help="forget a job; its session, if any, keeps running")
    rm.add_argument("name", metavar="NAME", nargs="+", type=job_name, help="NAME or job.NAME")
    rm.add_argument("--dry-run", action="store_true", help="say what would be forgotten")
    add_common_arguments(rm, json_flag=False)
    add_lock_arguments(rm)
    mv = sub.add_parser("mv", help="rename a job in the state; its session keeps running")
    mv.add_argument("source", metavar="FROM", type=job_name, help="the recorded name")
    mv.add_argument("to", metavar="TO", type=job_name, help="the new name")
    add_common_arguments(mv, json_flag=False)
    add_lock_arguments(mv)
    unprotect = sub.add_parser(
        "unprotect", help="lift a job's recorded protection (metadata.protect)"
    )
    unprotect.add_argument("name", metavar="NAME", type=job_name, help="NAME or job.NAME")
    add_common_arguments(unprotect, json_flag=False)
    add_lock_arguments(unprotect)
    from snaplint.cli import state_migrate

    state_migrate.add_parser(sub)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations import state_commands as ops

    settings = settings_from_args(args)
    view = view_for(args, settings)
    command = args.state_command
    if command == "list":
        found = run_operation(lambda: ops.read(settings, view))
        _list(view, found.state, args.long)
        return EXIT_OK
    if command == "show":
        found = run_operation(lambda: ops.show(settings, view, args.name))
        if found.job is not None:
            _show(view, found.job)
        return exit_code(found.status)
    if command == "migrate":
        from snaplint.cli import state_migrate

        return state_migrate.run(settings, view, args)
    if command == "rm":
        return exit_code(
            run_operation(lambda: ops.forget(settings, view, args.name, dry_run=args.dry_run))
        )
    if command == "mv":
        return exit_code(run_operation(lambda: ops.move(settings, view, args.source, args.to)))
    return exit_code(run_operation(lambda: ops.unprotect(settings, view, args.name)))


def _list(view: Any, state: Any, long: bool) -> None:
    jobs = list(state)
    if not long:
        for job in jobs:
            view.text(job.name)
        return
    if not jobs:
        return
    rows = [
        (
            j.name,
            j.status,
            j.sid or "-",
            j.started_at or "-",
            j.last_seen_running or "-",
            "yes" if j.protect else "",
        )
        for j in jobs
    ]
    header = ("NAME", "STATUS", "SID", "STARTED", "LAST SEEN RUNNING", "PROTECTED")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        view.text("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _show(view: Any, job: Any) -> None:
    from snaplint.plan.difftext import value_text
    from snaplint.plan.jobs import digest

    fields = [
        ("status", job.status),
        ("appId", job.app_id),
        ("cname", job.cname),
        ("uid", job.uid),
        ("mode", job.mode),
        ("resourceId", job.resource_id),
        ("sid", job.sid),
        ("startedAt", job.started_at),
        ("lastSeenRunning", job.last_seen_running),
        ("protect", job.protect),
        ("imported", job.imported),
        ("evidence", job.evidence),
        ("lastAppliedDigest", "sha256:" + digest(job.spec) if job.spec else None),
    ]
    view.text(f"# job.{job.name}")
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        if value is None:
            continue
        view.text(f"{key.ljust(width)} = {value_text(value)}")
    if job.spec:
        view.text("lastApplied {")
        _spec_lines(view, job.spec, 2)
        view.text("}")


def _spec_lines(view: Any, spec: dict, indent: int) -> None:
    from snaplint.plan.difftext import value_text
    from snaplint.plan.jobs import SENSITIVE_REF, is_sensitive

    pad = " " * indent
    width = max((len(k) for k, v in spec.items() if not _is_block(v)), default=0)
    for key, value in spec.items():
        if _is_block(value):
            view.text(f"{pad}{key} {{")
            _spec_lines(view, value, indent + 2)
            view.text(f"{pad}}}")
        elif value is not None:
            ref = value.get(SENSITIVE_REF) if is_sensitive(value) else None
            origin = f"  # from ${{env:{ref}}}" if ref else ""
            view.text(f"{pad}{key.ljust(width)} = {value_text(value)}{origin}")


def _is_block(value: object) -> bool:
    from snaplint.plan.jobs import is_sensitive

    return isinstance(value, dict) and not is_sensitive(value)
