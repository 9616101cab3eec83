"""``snaplint force-unlock LOCK_ID``: release a state lock whose holder is stuck."""

from __future__ import annotations

import argparse
import sys

from snaplint.cli.plan import EXIT_ERROR, EXIT_OK, Context, add_common_arguments, open_store

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
    from snaplint.state.backends import LockError

    ctx = Context.create(args, [])
    store = open_store(ctx)
    holder = store.backend.lock_holder()
    if holder is None:
        ctx.error(f"the state {store.describe()} is not locked", "nothing to unlock")
        return EXIT_ERROR
    if holder.id != args.lock_id:
        ctx.error(
            f"lock ID {args.lock_id} does not match the lock on {store.describe()}",
            "force-unlock needs the holder's ID:\n" + holder.describe(),
        )
        return EXIT_ERROR
    if not args.force:
        if not sys.stdin.isatty():
            ctx.error(
                "refusing to ask for confirmation: stdin is not a terminal",
                "pass --force to remove the lock without asking",
            )
            return EXIT_ERROR
        ctx.say("The state is locked by:\n" + holder.describe())
        ctx.say(
            "\nRemoving the lock lets another process write the state while this holder may "
            "still be running.\nOnly 'yes' will be accepted to confirm."
        )
        if input("  Enter a value: ").strip() != "yes":
            ctx.say("force-unlock cancelled.")
            return EXIT_ERROR
    try:
        removed = store.backend.force_unlock(args.lock_id)
    except LockError as exc:
        ctx.error(str(exc).splitlines()[0], "")
        return EXIT_ERROR
    ctx.say(
        f"snaplint state has been successfully unlocked (lock {removed.id}, held by "
        f"{removed.who}, pid {removed.pid}, since {removed.created})."
    )
    return EXIT_OK
