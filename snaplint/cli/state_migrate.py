"""``snaplint state migrate --to postgres``: move the state to another backend.

A sub-command of ``snaplint state`` (:mod:`snaplint.cli.state` registers it); the move itself
is :func:`snaplint.state.migrate.migrate`.
"""

from __future__ import annotations

import argparse

from snaplint.cli.plan import EXIT_ERROR, EXIT_OK, Context, add_common_arguments, add_lock_arguments

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


def run(ctx: Context, args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.cli.apply import report_lock_error
    from snaplint.state.backends import ENV_BACKEND, BackendError, LockError, open_backend
    from snaplint.state.migrate import MigrateError, migrate
    from snaplint.state.workspaces import backend_kind, current, list_workspaces

    section = dict(ctx.config.section("state"))
    source_kind = args.source or backend_kind(section, ctx.env)
    if source_kind == args.to:
        raise UsageError(f"the state already is in the {args.to} backend (use --from to choose)")
    env = {k: v for k, v in ctx.env.items() if k != ENV_BACKEND}  # the kinds are explicit here
    source_config = {**section, "backend": source_kind}
    destination_config = {**section, "backend": args.to}
    try:
        if args.all_workspaces:
            names = list_workspaces(source_config, project_root=ctx.root, env=env)
        else:
            names = [current(section, ctx.env, args.workspace)]
        failed = False
        for name in names:
            source = open_backend(source_config, project_root=ctx.root, env=env, workspace=name)
            destination = open_backend(
                destination_config, project_root=ctx.root, env=env, workspace=name
            )
            try:
                done = migrate(
                    source,
                    destination,
                    workspace=name,
                    force=args.force,
                    lock_timeout=float(args.lock_timeout or 0),
                )
            except LockError as exc:
                report_lock_error(ctx, exc)
                failed = True
                continue
            except MigrateError as exc:
                ctx.error(f"workspace {name}: not migrated", str(exc))
                failed = True
                continue
            finally:
                source.close()
                destination.close()
            if done.state is None:
                ctx.say(f"workspace {name}: no state in {done.source}; nothing to migrate")
            elif done.unchanged:
                ctx.say(f"workspace {name}: {done.destination} already holds this state")
            else:
                ctx.say(
                    f"workspace {name}: migrated {len(done.state.jobs)} jobs (lineage "
                    f"{done.state.lineage}, serial {done.state.serial}) from {done.source} "
                    f"to {done.destination}"
                )
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    if failed:
        return EXIT_ERROR
    ctx.say(
        f"\nFrom now on use the {args.to} backend: set `state.backend: {args.to}` in the project "
        f"config (or {ENV_BACKEND}={args.to}). The {source_kind} state was left in place; "
        "remove it once every runner uses the new backend."
    )
    return EXIT_OK
