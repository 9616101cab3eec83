"""``snaplint status``: per job and subscribed uid, whether video is received, the last
screenshot, and what needs a person (exit 3 when something is flagged)."""

from __future__ import annotations

import argparse
import json

from snaplint.cli.common import (
    EXIT_OK,
    add_common_arguments,
    duration,
    run_operation,
    settings_from_args,
)

NAME = "status"
HELP = "Show what every job is really capturing (from the notifications); exit 3 if flagged."
EXIT_FLAGGED = 3  # for monitoring scripts: something needs a person


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


def run(args: argparse.Namespace) -> int:
    from snaplint.notifications.capture import flagged
    from snaplint.operations.status import status
    from snaplint.plan.changes import PlanOptions

    settings = settings_from_args(args, list(args.paths), PlanOptions(targets=tuple(args.target)))
    jobs = run_operation(lambda: status(settings, video_gap=args.video_gap, shot_gap=args.shot_gap))
    if args.json:
        print(json.dumps({"jobs": [j.to_dict() for j in jobs]}, indent=2, ensure_ascii=False))
    else:
        if not jobs:
            print("No job is recorded in the state: nothing has been applied yet.")
        for j in jobs:
            ended = f", ended {j.ended}" if j.ended else ""
            flags = f"  [{', '.join(j.flags)}]" if j.flags else ""
            print(f"job.{j.name}: {j.status}, sid {j.sid or '-'}{ended}{flags}")
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
    return EXIT_FLAGGED if flagged(jobs) else EXIT_OK
