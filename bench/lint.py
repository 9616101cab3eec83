"""Lint benchmark: snaplint (cold cache, warm cache, one file) against check-jsonschema.

    python bench/lint.py              # 2,000 manifests, 5 rounds
    python bench/lint.py --n 20000    # 20,000 manifests

Generates N realistic manifests (one SnapshotJob of ~35 lines each: several vendors,
regions, intervals, labels; all clean, as most files in a real tree are) in a project
folder, exports snaplint's job schema (``snaplint schema --kind job``) and then runs, in
one go and interleaved round by round so that machine noise hits every contender alike:

* ``snaplint lint`` on the tree with an empty cache (cold; every rule runs),
* ``snaplint lint`` on the tree with the cache filled by an earlier run (warm),
* ``snaplint lint`` on one file of the tree (what pre-commit does; the rest of the project
  is loaded as context for the project rules, from the cache),
* ``snaplint lint --no-cache`` on one file outside any project (the file alone),
* ``check-jsonschema --schemafile job.schema.json`` on all files and on one file,
* the read-and-parse floor (``FLOOR``): a small script that only reads every file and parses
  it with PyYAML's C parser (libyaml, ``CSafeLoader``) in two processes — what no linter of
  these files can go below on two cores — and snaplint cold's ratio to it.

Every run is a fresh process (the one-file contenders run 5 times per round), timed wall-clock
from start to exit, with its peak memory (max RSS of the process and its workers) from
``wait4``, forked from a small launcher process (see ``LAUNCHER``). Prints the medians, the
ratios and the issue's targets.

Memory: snaplint also runs cold and warm on a tree of N/2 manifests (same generator), and the
bench prints how much peak memory each added manifest costs: (peak at N - peak at N/2) /
(N/2), peaks being medians over the runs. Half the tree, not a tenth: what fills up in the
first few hundred files and then stays (the SQLite page cache, the answers in flight from
the workers, the allocator's pools) would otherwise count as growth. The target is what the
report's file list and the project stage's index take per manifest (a path string and a few
machine words: a few hundred bytes, with the allocator's slack); a run that held each
manifest's data would cost kilobytes.

check-jsonschema lives in the bench's own virtualenv (``--bench-venv``, default
``~/.cache/snaplint/bench-venv``), created on first use with ``pip install
check-jsonschema ruamel.yaml.clib`` (the C parser is its fastest configuration); snaplint is
installed there from this tree (a regular, non-editable install) at every start. ``PYTHONDONTWRITEBYTECODE`` is removed from the
environment and every command runs once before timing, so both tools run from compiled
bytecode, as they do when installed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = """# Screenshots of {purpose} for {team}
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
  labels:
    team: {team}
    env: {env}
spec:
  cname: {cname}
  uid: "{uid}"
  acquire:
    resourceExpiredHour: 24
    region: {acquire_region}
  clientRequest:
    recordingConfig:
      channelType: {channel_type}
      streamTypes: {stream_types}
      videoStreamType: 0
      maxIdleTime: {idle}
      subscribeVideoUids: [{video_uids}]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: {interval}
      fileType: ["jpg"]
    storageConfig:
      vendor: {vendor}
      region: {region}
      bucket: {bucket}
      accessKey: ${{env:{key_env}_ACCESS_KEY}}
      secretKey: ${{env:{key_env}_SECRET_KEY}}
      fileNamePrefix: ["shots", "{prefix}"]
"""
# (vendor, storage region, acquire region, env prefix): documented combinations
STORAGE = [(1, 0, "NA", "AWS"), (1, 3, "NA", "AWS"), (2, 1, "CN", "OSS"), (1, 7, "EU", "AWS")]
# bytes of peak memory per added manifest: its entry in the report's file list (a path string
# and a list slot, ~80 bytes) and the project stage's index (7 machine words), with slack for
# the allocator; holding each manifest's data would cost kilobytes
MEMORY_PER_MANIFEST = 512
ONE_FILE_REPEATS = 5  # runs of each one-file contender per round
TEAMS = ["education", "support", "moderation", "events", "qa"]
PURPOSES = ["live classrooms", "support calls", "town halls", "webinars", "game streams"]


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    rnd = random.Random(seed)
    jobs = folder / "jobs"
    jobs.mkdir(parents=True)
    (folder / ".snaplint.yaml").write_text('api-revision: "2020-10"\nmode: individual\n')
    files = []
    for i in range(n):
        vendor, region, acquire_region, key_env = rnd.choice(STORAGE)
        team = rnd.choice(TEAMS)
        uids = ", ".join(f'"{rnd.randint(1000, 99999)}"' for _ in range(rnd.randint(1, 2)))
        text = TEMPLATE.format(
            purpose=rnd.choice(PURPOSES),
            team=team,
            env=rnd.choice(["production", "staging"]),
            name=f"{team}-job-{i}",
            cname=f"{team}{i}",
            uid=900000 + i,
            acquire_region=acquire_region,
            channel_type=rnd.choice([0, 1]),
            stream_types=rnd.choice([1, 2]),
            idle=rnd.choice([300, 600, 1800]),
            video_uids=uids,
            interval=rnd.choice([5, 10, 15, 30, 60]),
            vendor=vendor,
            region=region,
            bucket=f"acme-{team}-shots",
            key_env=key_env,
            prefix=f"{team}{i}",
        )
        path = jobs / f"job-{i:05d}.yaml"
        path.write_text(text)
        files.append(path)
    return files


REPO = Path(__file__).resolve().parent.parent


def ensure_venv(venv: Path) -> tuple[Path, Path]:
    """check-jsonschema and a regular (non-editable) install of this tree's snaplint.

    A regular install is what users run (bytecode compiled at install), and it is immune to
    edits of the working tree while the benchmark runs (which would invalidate the cache).
    """
    python = venv / "bin" / "python"
    if not (venv / "bin" / "check-jsonschema").exists():
        print(f"creating {venv} with check-jsonschema ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "check-jsonschema", "ruamel.yaml.clib"],
            check=True,
        )
    print("installing snaplint from this tree into the bench venv ...", file=sys.stderr)
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(REPO)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(REPO)],
        check=True,
    )
    return venv / "bin" / "check-jsonschema", venv / "bin" / "snaplint"


# Forks the command from a small process of its own and reports its wall time, peak RSS and
# exit code. Not from this one: a child spawned here starts its peak-RSS count at this
# process's own peak (Linux carries the parent's high-water mark over exec, and subprocess
# spawns with vfork), and this process holds the generated tree's paths — every contender
# would show the bench's own peak.
LAUNCHER = """
import os, sys, time
fd, cmd = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(fd)
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
os.write(fd, f"{elapsed} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


# The read-and-parse floor: every file read and parsed by libyaml (PyYAML's CSafeLoader, to
# Python data) in two processes, half the files each, started as a fresh interpreter like the
# other contenders (so start-up counts too). No checks: a linter can only be slower.
FLOOR = """
import os, sys, yaml
names = open(sys.argv[1]).read().split("\\n")
procs = 2
pids = []
for k in range(procs):
    pid = os.fork()
    if pid == 0:
        for name in names[k::procs]:
            with open(name, "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        os._exit(0)
    pids.append(pid)
sys.exit(max(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids))
"""
FLOOR_TARGET = 1.5  # snaplint cold within this many times the floor


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Wall time (s), peak RSS (KiB) and exit code of one fresh process (see LAUNCHER)."""
    read, write = os.pipe()
    with os.fdopen(read, "rb") as fh:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-c", LAUNCHER, str(write), *cmd],
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write,),
            )
        finally:
            os.close(write)  # the launcher holds its own copy: the read ends when it exits
        report = fh.read().decode()
    proc.wait()
    if proc.returncode != 0 or not report:
        raise SystemExit(f"the launcher failed (exit {proc.returncode}) on {cmd}")
    elapsed, peak, code = report.split()
    return float(elapsed), int(peak), int(code)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000, help="number of manifests (default 2000)")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    p.add_argument("--workdir", type=Path, help="where to generate (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument(
        "--bench-venv",
        type=Path,
        default=Path.home() / ".cache" / "snaplint" / "bench-venv",
        help="virtualenv holding check-jsonschema (created if missing)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = p.parse_args(argv)

    cjs, installed = ensure_venv(args.bench_venv)
    snaplint = str(installed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="snaplint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS")
    }
    env.pop("SNAPLINT_NO_CACHE", None)
    try:
        project = work / "project"
        if project.exists():
            shutil.rmtree(project)
        files = generate(project, args.n)
        rel = [str(f.relative_to(project)) for f in files]
        half = work / "half"
        if half.exists():
            shutil.rmtree(half)
        generate(half, max(1, args.n // 2))
        single = work / "single"
        single.mkdir(exist_ok=True)
        shutil.copy(files[0], single / "one.yaml")
        schema = work / "job.schema.json"
        with open(schema, "w") as fh:
            subprocess.run([snaplint, "schema", "--kind", "job"], stdout=fh, check=True, env=env)
        cold_cache = work / "cold-cache"
        listing = work / "files.txt"
        listing.write_text("\n".join(rel))
        bench_python = str(args.bench_venv / "bin" / "python")
        # the manifests are meant to be clean (the common case): any finding fails the bench
        strict = ["--fail-on", "info"]

        def cold() -> list[str]:
            shutil.rmtree(cold_cache, ignore_errors=True)
            return [snaplint, "lint", "-q", *strict, "--cache-dir", str(cold_cache), "jobs"]

        # pre-commit as it happens: the file given was just edited (the other contenders'
        # project stays unchanged, so this one has a copy of its own)
        edited = work / "edited"
        if edited.exists():
            shutil.rmtree(edited)
        shutil.copytree(project, edited)
        # pre-commit runs in a git work tree: the projects are committed repositories, so
        # that the context comes from git's index (snaplint.lint.gitindex)
        for tree in (project, edited):
            _git_commit(tree, env)
        edits = itertools.count()

        def edit_one() -> list[str]:
            with open(edited / rel[1], "a") as fh:
                fh.write(f"# edit {next(edits)}\n")
            return [snaplint, "lint", "-q", *strict, rel[1]]

        contenders = {
            "snaplint cold": (cold, project),
            "snaplint warm": (lambda: [snaplint, "lint", "-q", *strict, "jobs"], project),
            "snaplint one file (in project)": (
                lambda: [snaplint, "lint", "-q", *strict, rel[0]],
                project,
            ),
            "snaplint one file (in project, edited)": (edit_one, edited),
            # the same, with today's stat walk of the context (the figure before gitindex)
            "snaplint one file (in project, edited, walk)": (
                lambda: ["env", "SNAPLINT_NO_GIT_INDEX=1", *edit_one()],
                edited,
            ),
            "snaplint one file (alone)": (
                lambda: [snaplint, "lint", "-q", *strict, "--no-cache", "one.yaml"],
                single,
            ),
            "check-jsonschema all": (
                lambda: [str(cjs), "--schemafile", str(schema), *rel],
                project,
            ),
            "check-jsonschema one file": (
                lambda: [str(cjs), "--schemafile", str(schema), "one.yaml"],
                single,
            ),
            "read-and-parse floor": (
                lambda: [bench_python, "-c", FLOOR, str(listing)],
                project,
            ),
        }
        times: dict[str, list[float]] = {k: [] for k in contenders}
        rss: dict[str, list[int]] = {k: [] for k in contenders}
        # warm-up: bytecode for both tools, and the cache the warm runs use
        for name, (cmd, cwd) in contenders.items():
            _, _, code = run(cmd(), cwd, env)
            if code != 0:
                raise SystemExit(f"{name} failed (exit {code}) on clean manifests")
        for r in range(args.rounds):
            order = list(contenders)
            random.Random(r).shuffle(order)  # interleaved, in a different order each round
            for name in order:
                cmd, cwd = contenders[name]
                # one-file runs take a fraction of a second: several per round steady their
                # medians against the host's noise at no real cost
                for _ in range(ONE_FILE_REPEATS if "one file" in name else 1):
                    elapsed, peak, code = run(cmd(), cwd, env)
                    assert code == 0, name
                    times[name].append(elapsed)
                    rss[name].append(peak)
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

        med = {k: statistics.median(v) for k, v in times.items()}
        peak = {k: int(statistics.median(v)) for k, v in rss.items()}
        # memory against tree size: the same runs on half the tree
        small: dict[str, int] = {}
        for _ in range(2):  # the first fills its cache, the second remembers the config
            run(contenders["snaplint warm"][0](), half, env)
        for name in ("snaplint cold", "snaplint warm"):
            cmd = contenders[name][0]
            small[name] = int(statistics.median(run(cmd(), half, env)[1] for _ in range(3)))
        cjs_all, cjs_one = med["check-jsonschema all"], med["check-jsonschema one file"]
        cold_target = 10.0 if args.n >= 20000 else 6.0  # issue 18's targets
        ratios = [
            (
                "cold: check-jsonschema all / snaplint cold",
                cjs_all / med["snaplint cold"],
                f">= {cold_target}x",
            ),
            (
                "cold: snaplint cold / read-and-parse floor",
                med["snaplint cold"] / med["read-and-parse floor"],
                f"<= {FLOOR_TARGET}x",
            ),
            (
                "warm: check-jsonschema all / snaplint warm",
                cjs_all / med["snaplint warm"],
                ">= 25x",
            ),
            (
                "one file alone: snaplint / check-jsonschema",
                med["snaplint one file (alone)"] / cjs_one,
                "<= 0.5x",
            ),
            (
                "one file in project: snaplint / check-jsonschema",
                med["snaplint one file (in project)"] / cjs_one,
                "",  # no target: it also loads the whole project as context for project rules
            ),
            (
                "one edited file in project: snaplint / check-jsonschema",
                med["snaplint one file (in project, edited)"] / cjs_one,
                "<= 0.5x",
            ),
            (
                "one edited file, stat walk: snaplint / check-jsonschema",
                med["snaplint one file (in project, edited, walk)"] / cjs_one,
                "",
            ),
        ]
        print(
            f"\nsnaplint lint benchmark: {args.n} manifests, {args.rounds} interleaved rounds, {os.cpu_count()} CPUs"
        )
        print(
            f"{'contender':<46} {'median s':>9} {'min s':>8} {'peak RSS MiB':>13} (median of the runs)"
        )
        for name in contenders:
            print(
                f"{name:<46} {med[name]:>9.3f} {min(times[name]):>8.3f} {peak[name] / 1024:>13.1f}"
            )
        print()
        for label, value, target in ratios:
            if not target:
                print(f"{label:<56} {value:>7.2f}x  (informational: the project is context)")
                continue
            ok = _meets(value, target)
            print(f"{label:<56} {value:>7.2f}x  target {target:<10} {'ok' if ok else 'MISSED'}")
        added = args.n - max(1, args.n // 2)
        print()
        for name in ("snaplint cold", "snaplint warm"):
            per = (peak[name] - small[name]) * 1024 / added if added else 0.0
            print(
                f"memory, {name}: peak {small[name] / 1024:.1f} MiB at {args.n // 2} manifests, "
                f"{peak[name] / 1024:.1f} MiB at {args.n}: {per:,.0f} bytes per added manifest  "
                f"target <= {MEMORY_PER_MANIFEST} {'ok' if per <= MEMORY_PER_MANIFEST else 'MISSED'}"
            )
        if args.json:
            print(
                json.dumps(
                    {
                        "n": args.n,
                        "median_s": med,
                        "peak_rss_kib": peak,
                        "ratios": {label: v for label, v, _ in ratios},
                        "peak_rss_kib_half": small,
                    },
                    indent=2,
                )
            )
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _git_commit(tree: Path, env: dict[str, str]) -> None:
    git_env = {
        **env,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    (tree / ".gitignore").write_text(".snaplint_cache/\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "jobs"]):
        subprocess.run(["git", *args], cwd=tree, env=git_env, check=True, capture_output=True)


def _meets(value: float, target: str) -> bool:
    number = float(target.strip("()").split()[1].rstrip("x"))
    return value >= number if ">=" in target else value <= number


if __name__ == "__main__":
    sys.exit(main())
