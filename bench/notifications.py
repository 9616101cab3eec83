"""Notification receiver benchmark: sustained events per second into each store, over HTTP.

    python bench/notifications.py                        # SQLite, 20,000 events
    python bench/notifications.py --store postgres       # PostgreSQL (a throwaway server
                                                         # unless SNAPLINT_PG_DSN is set)
    python bench/notifications.py --threads 8 --connections 32

Starts the receiver (``ReceiverServer`` on waitress, the production path of ``run_receiver``)
in its own process on 127.0.0.1, with the chosen store in a fresh folder or schema, and
drives it from ``--clients`` client processes holding ``--connections`` kept-alive HTTP
connections between them, each connection a thread that posts one signed notification after
the other. The notifications are what a screenshot fleet sends: mostly event 45 (one per
screenshot) plus 44/40/11, over many sessions, with a tenth sent again as Agora's redundant
copies (new noticeId, same event) — which the receiver must answer ``duplicate: true``.
Bodies and signatures are made before the clock starts; the signature is still verified,
the JSON parsed and the event committed by the server for every request.

Two phases, each bounded by a count (``--n``) and a time (``--duration``):

1. **max**: every connection sends as fast as it is answered (closed loop): the throughput.
2. **paced**: the same connections send at ``--rate`` events/s in total (default 2,000, the
   target); latency is measured from each request's *scheduled* time, so a server that falls
   behind shows it in the percentiles instead of slowing the senders down.

Prints, per phase: events/s answered, p50/p99/max answer latency, non-200 answers, and checks
the store afterwards (each distinct event stored once). The target: ≥ 2,000 events/s with p99
< 100 ms on the SQLite store, on the project's 2-core machine — where clients and server
share the two cores, so the client processes' own CPU counts against the figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SECRET = "bench-ncs-secret-5c1e"
TARGET_RATE = 2000.0
TARGET_P99_MS = 100.0


# -- the server process ---------------------------------------------------------------------------


def serve(args: argparse.Namespace) -> None:
    """``--serve``: the receiver, as ``run_receiver`` runs it, printing its URL."""
    from snaplint.notifications import Secrets, SQLiteEventStore, create_app
    from snaplint.notifications.serve import DEFAULT_THREADS, SQLITE_THREADS, ReceiverServer

    if args.threads is None:  # what run_receiver would choose
        args.threads = SQLITE_THREADS if args.store == "sqlite" else DEFAULT_THREADS
    if args.store == "sqlite":
        store = SQLiteEventStore(args.where)
    else:
        from snaplint.notifications.store_postgres import PostgresEventStore

        dsn, schema = args.where.split("|")
        store = PostgresEventStore(dsn, schema=schema, max_connections=args.threads)
    store.ping()
    # waitress warns at every queued request ("Task queue depth is N"); under a benchmark's
    # load that is all it would print
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    options = {k: int(v) if v.isdigit() else v for k, v in (o.split("=", 1) for o in args.waitress)}
    server = ReceiverServer(
        create_app(store, Secrets(SECRET)), "127.0.0.1", 0, threads=args.threads, **options
    )
    print(f"receiver on {server.url}", flush=True)
    server.run()
    cpu = os.times()
    print(f"stored {store.count()} cpu {cpu.user + cpu.system:.3f}", flush=True)
    store.close()


# -- the client processes ---------------------------------------------------------------------------


def notifications(client: int, count: int) -> list[tuple[bytes, dict[str, str]]]:
    """``count`` signed notifications for one client process, redundant copies included."""
    from snaplint.notifications.compose import notification_body, signed_headers

    made = []
    base = 1_800_000_000_000
    for i in range(count):
        seq = i - 1 if i % 10 == 9 else i  # every tenth: a redundant copy (new noticeId)
        kind = (45, 45, 45, 45, 45, 45, 44, 45, 40, 11)[seq % 10]
        details = {
            45: {"msgName": "recorder_snapshot_file", "fileName": f"bench/c{client}/{seq}.jpg"},
            44: {"msgName": "recorder_video_stream_state_changed", "streamUid": "1001", "state": 0},
            40: {"msgName": "recorder_started", "status": 0},
            11: {"msgName": "session_exit", "exitStatus": 0},
        }[kind]
        body = notification_body(
            kind,
            sid=f"sid-{client}-{seq // 200}",
            cname=f"room-{client}-{seq // 200}",
            uid="900001",
            sequence=seq % 200,
            sendts=base + seq * 10,
            service_type=1,
            details=details,
        )
        made.append((body, signed_headers(body, SECRET)))
    return made


class Connection:
    """A lean HTTP/1.1 keep-alive client: pre-built request bytes out, status and body in.

    ``http.client`` spends ~100 us of Python per request (its header parsing goes through the
    ``email`` package); on a 2-core machine that CPU would be taken from the receiver. Agora's
    senders do not run on the receiver's machine, so the bench's should cost as little."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    @staticmethod
    def request(path: str, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return status, rest[:length]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the receiver closed the connection")
        return chunk

    def _fill(self) -> None:
        self.buffer += self._recv()

    def close(self) -> None:
        self.sock.close()


def client_process(url, index, tag, conns, total_conns, per_conn, rate, duration, start, results):
    """Client process ``index`` of the phase: ``conns`` connections, each a thread."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    work = [
        Connection.request("/agora/ncs", body, headers)
        for body, headers in notifications(tag, per_conn * conns)
    ]
    latencies: list[float] = []
    failures = [0]
    duplicates = [0]
    lock = threading.Lock()
    start.wait(60)
    began = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in every process
    deadline = began + duration
    interval = total_conns / rate if rate else 0.0  # each connection's share of the rate

    def connection(i: int) -> None:
        offset = (index * conns + i) / total_conns * interval  # staggered, not in bursts
        conn = Connection(host, int(port))
        local: list[float] = []
        bad = dup = 0
        for n, request in enumerate(work[i::conns]):
            if rate:
                scheduled = began + offset + n * interval
                wait = scheduled - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            else:
                scheduled = time.perf_counter()
            if scheduled >= deadline:
                break
            status, answer = conn.exchange(request)
            local.append(time.perf_counter() - scheduled)  # queueing included when paced
            if status != 200 or b'"ok":true' not in answer:
                bad += 1
            elif b'"duplicate":true' in answer:
                dup += 1
        conn.close()
        with lock:
            latencies.extend(local)
            failures[0] += bad
            duplicates[0] += dup

    threads = [threading.Thread(target=connection, args=(i,)) for i in range(conns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((began, time.perf_counter(), latencies, failures[0], duplicates[0]))


def drive(url: str, args: argparse.Namespace, rate: float | None, count: int, seed: int):
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(args.clients), ctx.Queue()
    conns = max(1, args.connections // args.clients)
    total = conns * args.clients
    per_conn = max(1, count // total)
    procs = [
        ctx.Process(
            target=client_process,
            args=(
                url,
                c,
                seed * 100 + c,
                conns,
                total,
                per_conn,
                rate,
                args.duration,
                start,
                results,
            ),
        )
        for c in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    outs = [results.get(timeout=args.duration + 120) for _ in procs]
    for proc in procs:
        proc.join(30)
    began = min(o[0] for o in outs)
    ended = max(o[1] for o in outs)
    latencies = sorted(x for o in outs for x in o[2])
    failures = sum(o[3] for o in outs)
    duplicates = sum(o[4] for o in outs)
    return len(latencies), ended - began, latencies, failures, duplicates


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def report(
    name: str, done: int, elapsed: float, latencies: list[float], failures: int, dups: int
) -> dict:
    rate = done / elapsed if elapsed else 0.0
    p50 = percentile(latencies, 50) * 1000
    p99 = percentile(latencies, 99) * 1000
    worst = (latencies[-1] if latencies else float("nan")) * 1000
    print(
        f"  {name:<6} {done:>7} events in {elapsed:6.2f} s = {rate:8.0f} events/s   "
        f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {worst:7.1f} ms   "
        f"duplicate {dups}   non-200 {failures}"
    )
    return {
        "name": name,
        "events": done,
        "rate": rate,
        "p50": p50,
        "p99": p99,
        "failures": failures,
    }


# -- main -------------------------------------------------------------------------------------------


def start_server(args: argparse.Namespace, where: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--store",
            args.store,
            "--where",
            where,
            *(["--threads", str(args.threads)] if args.threads else []),
            *(f"--waitress={o}" for o in args.waitress),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"receiver on (http://\S+)", line)
        if m:
            return proc, m.group(1)
    raise SystemExit("the receiver did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--n", type=int, default=20000, help="events per phase (default 20,000)")
    ap.add_argument("--duration", type=float, default=20.0, help="max seconds per phase")
    ap.add_argument("--rate", type=float, default=TARGET_RATE, help="paced phase, events/s")
    ap.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    ap.add_argument("--connections", type=int, default=16, help="connections in all (16)")
    ap.add_argument("--threads", type=int, help="waitress threads (default: run_receiver's)")
    ap.add_argument(
        "--waitress",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a waitress adjustment for the receiver (repeatable), e.g. send_bytes=8192",
    )
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--where", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args)
        return 0

    if args.threads is None:  # what run_receiver would choose
        from snaplint.notifications.serve import DEFAULT_THREADS, SQLITE_THREADS

        args.threads = SQLITE_THREADS if args.store == "sqlite" else DEFAULT_THREADS
    pg = None
    folder = tempfile.mkdtemp(prefix="snaplint-bench-ncs-")
    if args.store == "sqlite":
        where = str(Path(folder) / ".snaplint")
    else:
        dsn = os.environ.get("SNAPLINT_PG_DSN")
        if not dsn:
            from tests import pg_server

            pg = pg_server.start()
            dsn = pg.dsn
        where = f"{dsn}|bench_{uuid.uuid4().hex[:10]}"
    proc, url = start_server(args, where)
    print(
        f"receiver: {args.store} store, {args.threads} waitress threads; clients: "
        f"{args.clients} processes, {args.connections} kept-alive connections; "
        f"{os.cpu_count()} CPUs"
    )
    figures = []
    try:
        # a short warm-up: connections, the table's first pages, the bytecode
        done, _, _, failures, dups = drive(
            url, argparse.Namespace(**{**vars(args), "duration": 2.0}), None, 600, 0
        )
        distinct = done - failures - dups
        for seed, (name, rate) in enumerate((("max", None), ("paced", args.rate)), start=1):
            done, elapsed, latencies, failures, dups = drive(url, args, rate, args.n, seed)
            figures.append(report(name, done, elapsed, latencies, failures, dups))
            distinct += done - failures - dups
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
        if pg is not None:
            pg.stop()
    found = re.search(r"stored (\d+) cpu ([\d.]+)", out or "")
    stored = int(found.group(1)) if found else -1
    cpu = float(found.group(2)) if found else float("nan")
    answered = sum(f["events"] for f in figures)
    print(
        f"  store holds {stored} events; answered new: {distinct} "
        f"({'each stored once' if stored == distinct else 'MISMATCH'}); receiver CPU "
        f"{cpu:.1f} s, {cpu / max(1, answered + 600) * 1e6:.0f} us per request"
    )
    best = figures[0]
    paced = figures[1]
    met = paced["rate"] >= 0.98 * args.rate and paced["p99"] < TARGET_P99_MS
    print(
        f"target ≥ {TARGET_RATE:.0f} events/s with p99 < {TARGET_P99_MS:.0f} ms: "
        f"max {best['rate']:.0f}/s (p99 {best['p99']:.1f} ms); paced at {args.rate:.0f}/s "
        f"p99 {paced['p99']:.1f} ms — {'met' if met and best['rate'] >= TARGET_RATE else 'NOT met'}"
    )
    if args.json:
        print(json.dumps({"store": args.store, "phases": figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
