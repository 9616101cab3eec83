"""``snaplint reconcile``: keep the sessions matching the manifests, round after round.

stdout carries one JSON line per round (nothing else); messages about the loop itself go to
stderr. SIGTERM and SIGINT ask the loop to stop: the call in flight and its journal record
complete, the state is written, and the command exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from typing import IO, TYPE_CHECKING, Any

from snaplint.cli.common import (
    add_common_arguments,
    add_targeting_arguments,
    duration,
    options_from_args,
    run_operation,
    settings_from_args,
)

if TYPE_CHECKING:
    from snaplint.operations.reconcile import Round

NAME = "reconcile"
HELP = "Run refresh, plan and apply every interval, restarting jobs as metadata.restart says."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="manifests (default: the project)")
    p.add_argument(
        "--interval",
        type=_positive_duration,
        default=300.0,
        metavar="DURATION",
        help="time between the start of one round and the next (e.g. 30s, 5m; default 5m)",
    )
    p.add_argument("--once", action="store_true", help="run one round and exit (1 if it failed)")
    p.add_argument(
        "--metrics-port",
        type=_port,
        metavar="PORT",
        help="serve Prometheus /metrics and /healthz on this port (0: any free port)",
    )
    p.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        metavar="HOST",
        help="address to serve the metrics on (default 127.0.0.1; 0.0.0.0 in a container)",
    )
    p.add_argument(
        "--allow-mass-change",
        action="store_true",
        help="let a round stop or replace more running sessions than apply.mass-change allows",
    )
    add_common_arguments(p, json_flag=False)
    add_targeting_arguments(p, replace=False)


def _positive_duration(value: str) -> float:
    seconds = duration(value)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"the interval must be positive (got {value!r})")
    return seconds


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number (got {value!r})") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535 (got {port})")
    return port


class LineView:
    """One JSON line per round on ``out`` (Terraform-style envelope); loop notes on ``err``."""

    def __init__(self, out: IO[str], err: IO[str]) -> None:
        self.out, self.err = out, err

    def round(self, result: Round) -> None:
        body = result.to_dict()
        level = {"ok": "info", "interrupted": "info", "waiting": "warn"}.get(result.status, "error")
        counts = ", ".join(f"{n} {k}" for k, n in result.changes.items() if n) or "no changes"
        event = {
            "@level": level,
            "@message": f"round {result.number}: {result.status}, {counts}",
            "@module": "snaplint.reconcile",
            "@timestamp": body["finished_at"],
            "type": "reconcile_round",
            **body,
        }
        self.out.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        self.out.flush()

    def note(self, message: str, level: str = "info") -> None:
        self.err.write(f"snaplint reconcile: {message}\n")
        self.err.flush()


def run(args: argparse.Namespace) -> int:
    from snaplint.operations import shutdown
    from snaplint.operations.reconcile import reconcile
    from snaplint.operations.settings import OK

    settings = settings_from_args(args, list(args.paths), options_from_args(args))
    settings = dataclasses.replace(settings, allow_mass_change=args.allow_mass_change)
    view = LineView(sys.stdout, sys.stderr)
    observer, server = None, None
    if args.metrics_port is not None:
        from snaplint.operations.metrics import Metrics, MetricsServer

        observer = Metrics(args.interval)
        try:
            server = MetricsServer(observer, args.metrics_host, args.metrics_port).start()
        except OSError as exc:
            from snaplint.cli import UsageError

            raise UsageError(
                f"cannot serve metrics on {args.metrics_host}:{args.metrics_port}: "
                f"{exc.strerror or exc}"
            ) from None
        view.note(f"metrics at {server.url}/metrics, health at {server.url}/healthz")

    def stop(signum: int, frame: Any) -> None:
        # only a flag: the call in flight and its journal record must complete
        shutdown.request()

    shutdown.reset()
    previous = {}
    if threading.current_thread() is threading.main_thread():  # handlers live in the main thread
        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        result = run_operation(
            lambda: reconcile(
                settings, view, interval=args.interval, once=args.once, observer=observer
            )
        )
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if server is not None:
            server.stop()
    return 0 if result.status == OK else 1
