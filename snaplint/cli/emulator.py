"""``snaplint emulator``: run the local Cloud Recording emulator as an HTTP server."""

from __future__ import annotations

import argparse
import os
import sys

NAME = "emulator"
HELP = "Run a local Agora Cloud Recording emulator (HTTP server) with optional faults."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    p.add_argument(
        "--storage-dir",
        default="emulator-storage",
        metavar="DIR",
        help="where screenshots are written: DIR/<vendor>/<bucket>/<key> (default ./emulator-storage)",
    )
    p.add_argument(
        "--qps",
        type=float,
        default=10.0,
        help="requests per second per App ID before 429 (0: no limit)",
    )
    p.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="emulated seconds per real second (60: a minute passes each second; 0: frozen)",
    )
    p.add_argument(
        "--app-id",
        action="append",
        metavar="ID",
        help="accept only these App IDs (default: any 32-hex ID)",
    )
    p.add_argument(
        "--app-certificate",
        action="append",
        default=[],
        metavar="APPID=CERT",
        help="verify RTC tokens at start for this App ID (repeatable; also "
        "SNAPLINT_EMULATOR_APP_CERTIFICATE=APPID=CERT[,…], which keeps it out of the process list)",
    )
    p.add_argument(
        "--auto-publishers",
        action="store_true",
        help="explicitly subscribed video UIDs publish automatically (as in embedded mode)",
    )
    p.add_argument(
        "--failover-recovery",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long a failover makes query/stop answer 404 (default 30)",
    )
    p.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        help="concurrent sessions per App ID before acquire answers 406",
    )
    notify = p.add_argument_group("notifications (Agora's message notification service)")
    notify.add_argument(
        "--notify-url",
        metavar="URL",
        help="post signed event callbacks (40, 44, 45, 12, 41, 11, 1, 2) to URL, e.g. "
        "http://127.0.0.1:8090/agora/ncs; the secret comes from AGORA_NCS_SECRET",
    )
    notify.add_argument(
        "--notify-retry",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="first retry delay of a delivery not answered 200; the next two double (default 1)",
    )
    faults = p.add_argument_group("faults (also switchable at run time: PUT /_emulator/faults)")
    faults.add_argument("--latency", metavar="MS[:JITTER]", help="added latency per API request")
    faults.add_argument(
        "--error-rate",
        action="append",
        default=[],
        metavar="EP=RATE[:STATUS[:CODE]][@after]",
        help="inject errors, e.g. start=0.2, '*=0.1:503', query=0.3:206:65, stop=0.5@after",
    )
    faults.add_argument(
        "--drop-rate",
        action="append",
        default=[],
        metavar="EP=RATE[@after]",
        help="close the connection without answering, e.g. '*=0.05'",
    )
    faults.add_argument(
        "--burst-429", type=int, default=0, metavar="N", help="answer the next N requests 429"
    )
    faults.add_argument(
        "--rate-429", type=float, default=0.0, metavar="P", help="answer 429 with probability P"
    )
    faults.add_argument(
        "--retry-after", type=float, metavar="SECONDS", help="Retry-After on injected 429s"
    )
    faults.add_argument(
        "--notify-drop-rate", type=float, default=0.0, metavar="P", help="lose notifications"
    )
    faults.add_argument(
        "--notify-duplicate-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="send notifications twice (the copy with a new noticeId)",
    )
    faults.add_argument(
        "--notify-reorder-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="send a notification after the one that follows it",
    )
    faults.add_argument("--seed", type=int, help="seed for fault draws (replayable campaigns)")


def _faults(args: argparse.Namespace):  # -> FaultConfig
    from snaplint.cli import UsageError
    from snaplint.emulator.faults import FaultConfig, parse_drop_spec, parse_error_spec

    data: dict = {
        "burst_429": args.burst_429,
        "rate_429": args.rate_429,
        "retry_after": args.retry_after,
        "seed": args.seed,
        "notify_drop_rate": args.notify_drop_rate,
        "notify_duplicate_rate": args.notify_duplicate_rate,
        "notify_reorder_rate": args.notify_reorder_rate,
        "errors": {},
        "drops": {},
    }
    try:
        if args.latency:
            ms, _, jitter = args.latency.partition(":")
            data["latency_ms"] = float(ms)
            data["latency_jitter_ms"] = float(jitter or 0)
        for spec in args.error_rate:
            endpoint, fault = parse_error_spec(spec)
            data["errors"][endpoint] = fault
        for spec in args.drop_rate:
            endpoint, fault = parse_drop_spec(spec)
            data["drops"][endpoint] = fault
        return FaultConfig.from_dict(data)
    except ValueError as exc:
        raise UsageError(f"emulator: {exc}") from None


def _check_notify_url(url: str) -> None:
    from urllib.parse import urlsplit

    from snaplint.cli import UsageError

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        raise UsageError(f"emulator: --notify-url is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError("emulator: --notify-url must be an http:// or https:// URL")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from snaplint.cli import UsageError
    from snaplint.emulator import (
        DEFAULT_APP_ID,
        DEFAULT_CUSTOMER_ID,
        DEFAULT_CUSTOMER_SECRET,
        create_app,
    )
    from snaplint.emulator.app import is_loopback
    from snaplint.emulator.sender import shown_url
    from snaplint.emulator.server import EmulatorServer
    from snaplint.emulator.tokencheck import certificates_from_env, parse_certificates

    if args.time_scale < 0:
        raise UsageError("emulator: --time-scale must be ≥ 0")
    cid = os.environ.get("AGORA_CUSTOMER_ID")
    secret = os.environ.get("AGORA_CUSTOMER_SECRET")
    if bool(cid) != bool(secret):
        raise UsageError(
            "emulator: set both AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET, or neither"
        )
    ncs_secret = os.environ.get("AGORA_NCS_SECRET")
    if args.notify_url:
        _check_notify_url(args.notify_url)
        if not ncs_secret:
            raise UsageError(
                "emulator: --notify-url needs AGORA_NCS_SECRET, the secret the receiver checks "
                "signatures with"
            )
    if not args.notify_retry >= 0:  # NaN is not ≥ 0 either
        raise UsageError("emulator: --notify-retry must be ≥ 0")
    storage = Path(args.storage_dir).resolve()
    app = create_app(
        storage_dir=storage,
        qps=args.qps or None,
        time_scale=args.time_scale,
        customer_id=cid or DEFAULT_CUSTOMER_ID,
        customer_secret=secret or DEFAULT_CUSTOMER_SECRET,
        app_ids=args.app_id,
        faults=_faults(args),
        auto_publishers=args.auto_publishers,
        failover_recovery=args.failover_recovery,
        max_sessions=args.max_sessions,
        seed=args.seed,
        notify_url=args.notify_url or None,
        notify_secret=ncs_secret if args.notify_url else None,
        notify_retry_delays=tuple(args.notify_retry * 2**n for n in range(3)),
    )
    try:
        certificates = {**certificates_from_env(), **parse_certificates(args.app_certificate)}
    except ValueError as exc:
        raise UsageError(f"emulator: --app-certificate: {exc}") from None
    app.engine.app_certificates = certificates
    try:
        server = EmulatorServer(app, args.host, args.port)
    except OSError as exc:
        raise UsageError(
            f"emulator: cannot listen on {args.host}:{args.port}: {exc.strerror}"
        ) from None
    out = sys.stdout
    print(f"snaplint emulator: Agora Cloud Recording emulator on {server.url}", file=out)
    if cid:
        print(
            f"  credentials: AGORA_CUSTOMER_ID={cid} and AGORA_CUSTOMER_SECRET from the environment",
            file=out,
        )
    else:
        print(
            f"  credentials (defaults): AGORA_CUSTOMER_ID={DEFAULT_CUSTOMER_ID} "
            f"AGORA_CUSTOMER_SECRET={DEFAULT_CUSTOMER_SECRET}",
            file=out,
        )
    apps = ", ".join(args.app_id) if args.app_id else f"any 32-hex App ID (e.g. {DEFAULT_APP_ID})"
    print(f"  App IDs: {apps}", file=out)
    if certificates:
        verified = ", ".join(sorted(certificates))
        print(f"  RTC tokens verified at start for: {verified} (certificates not shown)", file=out)
    qps = f"{args.qps:g}/s per App ID" if args.qps else "no limit"
    print(
        f"  screenshots: {storage}   rate limit: {qps}   time scale: {args.time_scale:g}x", file=out
    )
    print(f"  control API: {server.url}/_emulator/ (loopback clients only)", file=out)
    if args.notify_url:
        print(
            f"  notifications: {shown_url(args.notify_url)} (signed with AGORA_NCS_SECRET; "
            f"deliveries: {server.url}/_emulator/notifications)",
            file=out,
        )
    print(f"  use it: export SNAPLINT_API_ENDPOINT={server.url}", file=out)
    if not is_loopback(server.host):
        print(
            "  warning: plain HTTP on a non-loopback address; snaplint's client refuses it",
            file=out,
        )
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
