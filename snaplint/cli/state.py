"""``snaplint state list | show | rm | unprotect | migrate``: inspect, edit and move the state."""

from __future__ import annotations

import argparse

from snaplint.cli.plan import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    add_common_arguments,
    add_lock_arguments,
    open_store,
    read_state,
)

NAME = "state"
HELP = "List, show, forget or unprotect the jobs recorded in the state; migrate it."


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="state_command", metavar="SUBCOMMAND", required=True)
    ls = sub.add_parser("list", help="the recorded jobs, one per line")
    ls.add_argument("-l", "--long", action="store_true", help="with status, sid and times")
    add_common_arguments(ls, json_flag=False)
    show = sub.add_parser("show", help="everything recorded about one job (secrets hidden)")
    show.add_argument("name", metavar="NAME")
    add_common_arguments(show, json_flag=False)
    rm = sub.add_parser("rm", help="forget a job; its session, if any, keeps running")
    rm.add_argument("name", metavar="NAME", nargs="+")
    rm.add_argument("--dry-run", action="store_true", help="say what would be forgotten")
    add_common_arguments(rm, json_flag=False)
    add_lock_arguments(rm)
    unprotect = sub.add_parser(
        "unprotect", help="lift a job's recorded protection (metadata.protect)"
    )
    unprotect.add_argument("name", metavar="NAME")
    add_common_arguments(unprotect, json_flag=False)
    add_lock_arguments(unprotect)
    from snaplint.cli import state_migrate

    state_migrate.add_parser(sub)


def run(args: argparse.Namespace) -> int:
    ctx = Context.create(args, [])
    command = args.state_command
    if command == "list":
        return _list(ctx, args.long)
    if command == "show":
        return _show(ctx, args.name)
    if command == "migrate":
        from snaplint.cli import state_migrate

        return state_migrate.run(ctx, args)
    return _edit(ctx, args)


def _list(ctx: Context, long: bool) -> int:
    state, _exists, recovered = read_state(ctx, open_store(ctx))
    if recovered:
        ctx.note(
            f"Warning: {recovered} journal records of an interrupted apply are included; "
            "run `snaplint apply` to finish it",
            "warn",
        )
    jobs = list(state)
    if not long:
        for job in jobs:
            ctx.say(job.name)
        return EXIT_OK
    if not jobs:
        return EXIT_OK
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
        ctx.say("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def _show(ctx: Context, name: str) -> int:
    from snaplint.plan.jobs import digest
    from snaplint.plan.render import value_text

    state, _, _ = read_state(ctx, open_store(ctx))
    job = state.jobs.get(name)
    if job is None:
        ctx.error(f"no job {name} in the state", _known(state))
        return EXIT_ERROR
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
    ctx.say(f"# job.{name}")
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        if value is None:
            continue
        ctx.say(f"{key.ljust(width)} = {value_text(value)}")
    if job.spec:
        ctx.say("lastApplied {")
        _spec_lines(ctx, job.spec, 2)
        ctx.say("}")
    return EXIT_OK


def _spec_lines(ctx: Context, spec: dict, indent: int) -> None:
    from snaplint.plan.jobs import SENSITIVE_REF, is_sensitive
    from snaplint.plan.render import value_text

    pad = " " * indent
    width = max((len(k) for k, v in spec.items() if not _is_block(v)), default=0)
    for key, value in spec.items():
        if _is_block(value):
            ctx.say(f"{pad}{key} {{")
            _spec_lines(ctx, value, indent + 2)
            ctx.say(f"{pad}}}")
        elif value is not None:
            ref = value.get(SENSITIVE_REF) if is_sensitive(value) else None
            origin = f"  # from ${{env:{ref}}}" if ref else ""
            ctx.say(f"{pad}{key.ljust(width)} = {value_text(value)}{origin}")


def _is_block(value: object) -> bool:
    from snaplint.plan.jobs import is_sensitive

    return isinstance(value, dict) and not is_sensitive(value)


def _known(state: object) -> str:
    names = [j.name for j in state]  # type: ignore[attr-defined]
    return "recorded jobs: " + (", ".join(names) if names else "none")


def _edit(ctx: Context, args: argparse.Namespace) -> int:
    from snaplint.cli.apply import _recover, report_lock_error
    from snaplint.state.backends import LockError, LockInfo

    store = open_store(ctx)
    operation = f"state {args.state_command}"
    dry = bool(getattr(args, "dry_run", False))
    held = None
    if not dry:
        try:
            held = store.backend.lock(LockInfo.new(operation), float(args.lock_timeout or 0))
        except LockError as exc:
            report_lock_error(ctx, exc)
            return EXIT_ERROR
    try:
        if dry:
            state, _exists, _ = read_state(ctx, store)
        else:
            state, _exists, _ = _recover(ctx, store)
        if args.state_command == "rm":
            missing = [n for n in args.name if n not in state.jobs]
            if missing:
                ctx.error(f"no job {', '.join(missing)} in the state", _known(state))
                return EXIT_ERROR
            for name in args.name:
                job = state.jobs[name]
                running = (
                    f"; its session (sid {job.sid}) keeps running and is no longer managed"
                    if job.has_session and job.sid
                    else ""
                )
                prefix = "Would remove" if dry else "Removed"
                ctx.say(f"{prefix} job.{name} from the state{running}")
                if not dry:
                    del state.jobs[name]
        else:
            name = args.name
            job = state.jobs.get(name)
            if job is None:
                ctx.error(f"no job {name} in the state", _known(state))
                return EXIT_ERROR
            if not job.protect:
                ctx.say(f"job.{name} is not protected in the state; nothing to do")
                return EXIT_OK
            job.protect = False
            ctx.say(
                f"job.{name} is no longer protected in the state. If its manifest still sets "
                "metadata.protect: true, the next apply records the protection again."
            )
        if not dry:
            store.save(state)
        return EXIT_OK
    finally:
        if held is not None:
            store.backend.unlock(held.id)
