"""``snaplint import NAME --resource-id ID --sid SID``: adopt a session started elsewhere.

There is no "list sessions" call, so an existing session can only be adopted by its IDs. The
job NAME must be in the manifests (its App ID, cname, uid and mode say which session it is);
``query`` must find the session running with that cname and uid. ``query`` does not return a
session's configuration, so the manifest's spec is recorded as its last-applied spec: if the
session was started with another configuration, snaplint cannot see it (``--replace NAME``
restarts it with the manifest's).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from snaplint.cli.plan import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    add_common_arguments,
    add_lock_arguments,
)

if TYPE_CHECKING:
    from snaplint.plan.jobs import Job
    from snaplint.state.codec import StateStore

NAME = "import"
HELP = "Adopt a running session (started outside snaplint) as the session of job NAME."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", help="the job (metadata.name) the session belongs to")
    p.add_argument("--resource-id", required=True, metavar="ID", help="the session's resourceId")
    p.add_argument("--sid", required=True, metavar="SID", help="the session's sid")
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="manifests: files or folders (default: project)"
    )
    add_common_arguments(p, json_flag=False)
    add_lock_arguments(p)


def run(args: argparse.Namespace) -> int:
    from snaplint.cli.apply import report_lock_error
    from snaplint.cli.plan import load_project, open_store
    from snaplint.state.backends import LockError, LockInfo

    ctx = Context.create(args, list(args.paths))
    project = load_project(ctx)
    if project.lint_errors:
        return EXIT_ERROR
    job = next((j for j in project.jobs if j.name == args.name), None)
    if job is None:
        ctx.error(
            f"no job {args.name} in the manifests",
            "import adopts a session for a job that a manifest describes: write its manifest "
            "first (the same App ID, cname, uid and mode as the session)",
        )
        return EXIT_ERROR
    store = open_store(ctx)
    try:
        held = store.backend.lock(LockInfo.new("import"), float(args.lock_timeout or 0))
    except LockError as exc:
        report_lock_error(ctx, exc)
        return EXIT_ERROR
    try:
        return _import(ctx, store, job, args)
    finally:
        store.backend.unlock(held.id)


def _import(ctx: Context, store: StateStore, job: Job, args: argparse.Namespace) -> int:
    from snaplint.cli.apply import _recover
    from snaplint.cli.plan import connect
    from snaplint.operations.refresh import RUNNING_STATUSES, STATUS_TEXT
    from snaplint.plan.jobs import fingerprint
    from snaplint.state.codec import JobState, now_iso

    state, _, _ = _recover(ctx, store)
    existing = state.jobs.get(args.name)
    if existing is not None and existing.has_session:
        ctx.error(
            f"job {args.name} already has a session in the state (status {existing.status}, "
            f"sid {existing.sid or 'unknown'})",
            f"run `snaplint state rm {args.name}` first if the state is wrong",
        )
        return EXIT_ERROR
    fp = fingerprint(job, state.salt, ctx.env)
    if fp.problems:
        ctx.error(fp.problems[0].message)
        return EXIT_ERROR
    client, _ = connect(ctx)
    try:
        result = client.query(job.app_id, args.resource_id, args.sid, job.mode)
    except Exception as exc:
        ctx.error(
            f"cannot import {args.name}: the session was not found",
            " ".join(str(exc).split()) + "\nCheck the resourceId, sid, App ID and mode.",
        )
        return EXIT_ERROR
    raw = getattr(result, "raw", None) or {}
    cname, uid = raw.get("cname"), raw.get("uid")
    if (cname is not None and str(cname) != str(job.cname)) or (
        uid is not None and str(uid) != str(job.uid)
    ):
        ctx.error(
            f"cannot import {args.name}: the session records cname {cname} uid {uid}, the "
            f"manifest cname {job.cname} uid {job.uid}",
            "a job's session is identified by its App ID, cname and uid",
        )
        return EXIT_ERROR
    if result.status not in RUNNING_STATUSES:
        ctx.error(
            f"cannot import {args.name}: the session is not running "
            f"(status {result.status}: {STATUS_TEXT.get(result.status, '?')})"
        )
        return EXIT_ERROR
    state.jobs[args.name] = JobState(
        name=args.name,
        app_id=str(job.app_id),
        cname=str(job.cname),
        uid=str(job.uid),
        mode=job.mode,
        resource_id=args.resource_id,
        sid=args.sid,
        status="running",
        started_at=_iso_ms(result.slice_start_time),
        last_seen_running=now_iso(),
        spec=fp.spec,
        protect=job.protect,
        imported=True,
    )
    store.save(state)
    ctx.say(
        f"job.{args.name}: Import successful (sid {args.sid}, status {result.status}: "
        f"{STATUS_TEXT.get(result.status, '?')}).\n"
        "The manifest's spec is recorded as the session's configuration (query does not "
        f"return it); run `snaplint apply --replace {args.name}` if the session was started "
        "with another one."
    )
    return EXIT_OK


def _iso_ms(ms: int | None) -> str | None:
    if not ms:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z"
