"""Apply benchmark: does ``snaplint apply`` run as fast as Agora's rate limit allows?

    python bench/apply.py                    # N = 500 jobs, Q = 50 requests/s, 50 ms latency
    python bench/apply.py --n 1000 --qps 10  # the documented default limit
    python bench/apply.py --n 1000 --qps 10 --apps 4  # a fleet over 4 App IDs

Starts ``snaplint emulator`` (a separate process) with a QPS limit of Q per App ID and 50 ms
of latency on every API request, writes N new jobs into a project configured with
``api.qps: Q``, and times, each as a fresh ``snaplint`` process from start to exit:

1. ``snaplint apply --auto-approve``: N acquires + N starts, so at best 2N / Q seconds;
2. ``snaplint plan``: a refresh of the same N sessions, N queries: at best N / Q seconds.

With ``--apps K`` the jobs are spread round-robin over K App IDs (``spec.appId``), each with
its own limit of Q requests/s in the emulator; the bounds become max_i(2·N_i/Q) and
max_i(N_i/Q): the App IDs must be paced side by side, not one after the other.

It prints each elapsed time divided by that bound (targets: at most 1.15) and the number of
429 answers the emulator gave (target: none — the client must pace itself, not be pushed
back). Everything else the commands do (start-up, lint, planning, journal and state writes)
counts against the bound, as it does for a user.

``--backend postgres`` keeps the state in PostgreSQL (``SNAPLINT_PG_DSN`` or the libpq
variables must point at a database).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = "0123456789abcdef0123456789abcdef"
TARGET = 1.15

JOB = """apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
spec:
  appId: "{app}"
  cname: {cname}
  uid: "{uid}"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: bench
      accessKey: ${{env:BENCH_ACCESS_KEY}}
      secretKey: ${{env:BENCH_SECRET_KEY}}
      fileNamePrefix: ["bench", "{prefix}"]
"""


class Emulator:
    """``snaplint emulator`` in its own process, and its control API."""

    def __init__(self, qps: float, latency_ms: float, storage: Path) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "snaplint",
                "emulator",
                "--port",
                "0",
                "--qps",
                f"{qps:g}",
                "--latency",
                f"{latency_ms:g}",
                "--time-scale",
                "0",  # frozen: nothing idles out or expires while we measure
                "--storage-dir",
                str(storage),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            m = re.search(r"emulator on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise SystemExit("the emulator did not start")

    def control(self, method: str, path: str) -> object:
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def requests(self) -> list[dict]:
        return self.control("GET", "requests")  # type: ignore[return-value]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


LAST_RUN: dict[str, float] = {}  # wall-clock start and end of the last timed run


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    LAST_RUN["start"] = time.time()
    started = time.perf_counter()
    done = subprocess.run(  # plan exits 0 with changes (no --detailed-exitcode)
        [sys.executable, "-m", "snaplint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    LAST_RUN["end"] = time.time()
    if done.returncode != 0:
        raise SystemExit(f"snaplint {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr}")
    return elapsed, done.stdout + done.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="jobs (default 500)")
    ap.add_argument("--qps", type=float, default=50.0, help="the rate limit Q (default 50/s)")
    ap.add_argument("--latency", type=float, default=50.0, help="ms per API request (default 50)")
    ap.add_argument(
        "--parallelism", type=int, help="apply/plan --parallelism (default: snaplint's)"
    )
    ap.add_argument("--apps", type=int, default=1, help="App IDs to spread the jobs over")
    ap.add_argument("--backend", choices=("file", "postgres"), default="file")
    ap.add_argument("--keep", action="store_true", help="keep the project folder")
    opts = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="snaplint-bench-apply-"))
    project = work / "project"
    (project / "jobs").mkdir(parents=True)
    config = f"api:\n  app-id: {APP}\n  qps: {opts.qps:g}\n"
    (project / ".snaplint.yaml").write_text(config)
    apps = [APP] + [f"{k:032x}" for k in range(1, max(1, opts.apps))]
    per_app = [len(range(k, opts.n, len(apps))) for k in range(len(apps))]
    for i in range(opts.n):
        cname = f"bench-{i:05d}"
        (project / "jobs" / f"job-{i:05d}.yaml").write_text(
            JOB.format(
                name=f"job-{i:05d}",
                cname=cname,
                uid=900000 + i,
                prefix=f"b{i:05d}",
                app=apps[i % len(apps)],
            )
        )
    emulator = Emulator(opts.qps, opts.latency, work / "storage")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(REPO),
        "SNAPLINT_API_ENDPOINT": emulator.url,
        "BENCH_ACCESS_KEY": "bench-access-key",
        "BENCH_SECRET_KEY": "bench-secret-key",
        "SNAPLINT_STATE_BACKEND": opts.backend,
    }
    if opts.backend == "postgres":
        env.setdefault("SNAPLINT_PG_SCHEMA", f"bench_{os.getpid()}")
    extra = ["--parallelism", str(opts.parallelism)] if opts.parallelism else []
    try:
        print(
            f"N = {opts.n} jobs, Q = {opts.qps:g} requests/s, latency {opts.latency:g} ms, "
            f"state: {opts.backend}, parallelism: {opts.parallelism or 'default'}, "
            f"App IDs: {len(apps)} ({', '.join(map(str, per_app))} jobs)"
        )
        # once before timing, so that every module runs from compiled bytecode, as installed
        timed(["plan", "--refresh=false"], project, env)
        rows = []
        for label, args, calls in (
            ("apply (acquire + start)", ["apply", "--auto-approve", *extra], 2 * max(per_app)),
            ("refresh plan (query)", ["plan", *extra], max(per_app)),
        ):
            emulator.control("DELETE", "requests")
            elapsed, out = timed(args, project, env)
            log = emulator.requests()
            rate_limited = sum(1 for r in log if r.get("status") == 429)
            bound = calls / opts.qps
            # first to last request (the emulator's clock): the paced part of the run
            stamps = sorted(r["monotonic"] for r in log)
            span = stamps[-1] - stamps[0] + 1 / opts.qps if stamps else 0.0
            walls = sorted(r["time"] for r in log)
            if walls:
                print(
                    f"  {label}: {walls[0] - LAST_RUN['start']:.2f} s before the first request, "
                    f"{LAST_RUN['end'] - walls[-1]:.2f} s after the last"
                )
            rows.append((label, elapsed, bound, span, len(log), rate_limited))
            if args[0] == "apply":
                assert f"Apply complete! {opts.n} started" in out, out[-2000:]
        # what the refresh plan costs besides its queries: start-up, lint, planning, output
        fixed, _ = timed(["plan", "--refresh=false"], project, env)
        running = len(emulator.control("GET", "sessions?state=running"))  # type: ignore[arg-type]
        assert running == opts.n, f"{running} sessions running, expected {opts.n}"
    finally:
        emulator.stop()
        if not opts.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)

    print(
        f"{'':24} {'elapsed s':>9} {'bound s':>7} {'ratio':>6} {'requests':>8} {'429s':>4}"
        f" {'paced s':>7} {'rest s':>6}"
    )
    ok = True
    for label, elapsed, bound, span, requests, rate_limited in rows:
        ratio = elapsed / bound
        verdict = "met" if ratio <= TARGET and rate_limited == 0 else "MISSED"
        ok &= verdict == "met"
        print(
            f"{label:24} {elapsed:9.2f} {bound:7.2f} {ratio:6.3f} {requests:8d} {rate_limited:4d}"
            f" {span:7.2f} {elapsed - span:6.2f}  target ≤ {TARGET}, no 429: {verdict}"
        )
    print(
        "paced: first to last request plus one interval (the rate limit's share); "
        "rest: start-up, lint, planning, output, the final state write"
    )
    print(
        f"fixed cost of a plan of {opts.n} jobs without its queries (--refresh=false): {fixed:.2f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
