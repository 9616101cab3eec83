"""``snaplint notifications serve | list``: receive Agora's notification callbacks, and show
what was received (docs/notifications.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from snaplint.cli.common import (
    EXIT_OK,
    add_common_arguments,
    run_operation,
    settings_from_args,
)

NAME = "notifications"
HELP = "Receive Agora's notification callbacks (serve), or list the stored events (list)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="notifications_command", metavar="SUBCOMMAND", required=True)
    serve = sub.add_parser(
        "serve", help="run the receiver (secret: AGORA_NCS_SECRET); stops on SIGTERM"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8090, help="port to listen on (8090)")
    serve.add_argument(
        "--path", default="/agora/ncs", help="where Agora posts (/agora/ncs; /PATH/APPID too)"
    )
    serve.add_argument(
        "--retention-days",
        type=float,
        default=30.0,
        metavar="DAYS",
        help="delete events received longer ago (default 30; 0 keeps everything)",
    )
    serve.add_argument(
        "--no-status-page",
        action="store_true",
        help="do not serve the status page at /status (read-only HTML of `snaplint status`)",
    )
    serve.add_argument("--project", metavar="DIR", help="the project (default: found from .)")
    add_common_arguments(serve, json_flag=False)
    ls = sub.add_parser("list", help="the stored events, oldest first")
    ls.add_argument("--job", metavar="NAME", help="only this job's session")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.add_argument("--project", metavar="DIR", help="the project (default: found from .)")
    add_common_arguments(ls, json_flag=False)


def run(args: argparse.Namespace) -> int:
    from snaplint.operations import notifications as ops

    settings = settings_from_args(args, [args.project] if args.project else [])
    if args.notifications_command == "serve":
        retention = args.retention_days if args.retention_days > 0 else None
        run_operation(
            lambda: ops.serve(
                settings,
                host=args.host,
                port=args.port,
                path=args.path,
                retention_days=retention,
                on_ready=lambda url: print(f"Receiving notifications at {url}", flush=True),
                status_page=not args.no_status_page,
            )
        )
        return EXIT_OK
    job = args.job.removeprefix("job.") if args.job else None
    events = run_operation(lambda: ops.stored_events(settings, job=job))
    for event in events:
        if args.json:
            print(json.dumps(ops.event_row(event), ensure_ascii=False, sort_keys=True))
            continue
        when = datetime.fromtimestamp((event.sendts or event.notify_ms or 0) / 1000, UTC)
        print(
            f"{when:%Y-%m-%dT%H:%M:%S}Z  {event.event_type:>3} {event.name:<24} "
            f"cname {event.cname} uid {event.uid} sid {event.sid or '-'}"
            + (f"  {event.file_name}" if getattr(event, "file_name", None) else "")
        )
    if not events and not args.json:
        print("No notifications stored.", file=sys.stderr)
    return EXIT_OK
