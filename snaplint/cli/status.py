"""``snaplint status``: per job and subscribed uid, whether video is received, the last
screenshot, and what needs a person (exit 3 when something is flagged)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from snaplint.cli.common import (
    EXIT_OK,
    add_common_arguments,
    duration,
    run_operation,
    settings_from_args,
)

if TYPE_CHECKING:
    from snaplint.notifications.capture import JobCapture

NAME = "status"
HELP = "Show what every job is really capturing (from the notifications); exit 3 if flagged."
EXIT_FLAGGED = 3  # for monitoring scripts: something needs a person
WATCH_DEFAULT = 10.0
CLEAR = "\x1b[H\x1b[2J"  # cursor home, clear screen: what watch(1) does between rounds


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="a path inside the project")
    add_common_arguments(p, json_flag=False)
    p.add_argument("--json", action="store_true", help='one JSON object {"jobs": [...]}')
    p.add_argument(
        "--video-gap",
        type=duration,
        default=60.0,
        metavar="DURATION",
        help="flag a uid not sending video for longer than this (default 60s)",
    )
    p.add_argument(
        "--shot-gap",
        type=duration,
        default=None,
        metavar="DURATION",
        help="flag no screenshot for longer than this while video is received "
        "(default: two capture intervals)",
    )
    from snaplint.plan.address import job_name

    p.add_argument(
        "--target",
        action="append",
        default=[],
        type=job_name,
        metavar="NAME",
        help="only this job, by NAME or job.NAME (repeatable)",
    )
    p.add_argument(
        "--refresh", action="store_true", help="also query every running session (live API call)"
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="show it again every --interval until Ctrl-C; with --json, one JSON object per "
        "line per round",
    )
    p.add_argument(
        "--interval",
        type=duration,
        default=WATCH_DEFAULT,
        metavar="DURATION",
        help="time between rounds of --watch (default 10s)",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    import time

    from snaplint.notifications.capture import flagged
    from snaplint.operations.status import status
    from snaplint.plan.changes import PlanOptions

    settings = settings_from_args(args, list(args.paths), PlanOptions(targets=tuple(args.target)))

    def once() -> int:
        jobs = run_operation(
            lambda: status(
                settings,
                video_gap=args.video_gap,
                shot_gap=args.shot_gap,
                refresh=args.refresh,
            )
        )
        if args.json:
            document = {"jobs": [j.to_dict() for j in jobs]}
            if args.watch:  # JSON lines: one object per round
                print(json.dumps(document, ensure_ascii=False), flush=True)
            else:
                print(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            if args.watch:
                stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                head = f"snaplint status, every {args.interval:g}s (Ctrl-C to stop) · {stamp}"
                print((CLEAR if sys.stdout.isatty() else "") + head)
            _print_text(jobs)
            sys.stdout.flush()
        return EXIT_FLAGGED if flagged(jobs) else EXIT_OK

    code = once()
    if not args.watch:
        return code
    try:
        while True:
            time.sleep(max(args.interval, 0.5))
            code = once()
    except KeyboardInterrupt:
        return code  # the last round's verdict


def _print_text(jobs: list[JobCapture]) -> None:
    if not jobs:
        print("No job is recorded in the state: nothing has been applied yet.")
    for j in jobs:
        ended = f", ended {j.ended}" if j.ended else ""
        flags = f"  [{', '.join(j.flags)}]" if j.flags else ""
        query = f" (query: {j.query})" if j.query else ""
        print(f"job.{j.name}: {j.status}, sid {j.sid or '-'}{ended}{query}{flags}")
        for u in j.uids:
            video = {
                True: "receiving video",
                False: "NOT sending video",
                None: "no video event",
            }[u.receiving]
            shot = (
                f"last screenshot {u.to_dict()['lastScreenshot']['time']}"
                if u.last_shot_ms
                else "no screenshot"
            )
            expected = f"/{j.expected_last_hour}" if j.expected_last_hour else ""
            uflags = f"  [{', '.join(u.flags)}]" if u.flags else ""
            print(
                f"  uid {u.uid}: {video}, {shot}, {u.shots_last_hour}{expected} in the last hour"
                f"{uflags}"
            )
