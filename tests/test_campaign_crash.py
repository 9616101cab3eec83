"""Crash campaign: SIGKILL ``snaplint apply`` at random moments, re-run it, and never lose or
double a session.

An apply of many jobs runs against the emulator over HTTP (with some latency, so that an
apply takes seconds) and is killed with SIGKILL after a random delay — in the middle of
starting up, recovering the previous run's journal, refreshing, acquiring, starting,
journaling, stopping or writing the state, wherever the moment falls. Then apply runs again,
and is killed again. Whenever an apply finishes all the work, or half the kills are spent,
every manifest changes so that each job must be *replaced* (stop, then acquire + start): the
kills land in real work, also between a stop and its new start. After the last kill, one
apply runs to completion. Through the emulator's session list:

- at every moment no job has two running sessions, and none ever had more sessions than its
  starts asked for (one per phase: the create, then each replace);
- at the end exactly one session runs per job, with the manifest's configuration, and none
  that the state does not know: each is recorded with its sid, or — when the answer to its
  start was lost with the killed process — recorded as running with an unknown sid
  (``untracked``), never forgotten.

Runs on the file backend and on PostgreSQL. Size: ``SNAPLINT_CRASH_JOBS`` (default 100),
``SNAPLINT_CRASH_KILLS`` (default 10), ``SNAPLINT_CAMPAIGN_SEED``.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import uuid
from typing import Any

import pytest

from snaplint.state.backends import open_backend
from tests.e2e_project import Project, make_project

pytestmark = pytest.mark.campaign

JOBS = int(os.environ.get("SNAPLINT_CRASH_JOBS", "100"))
KILLS = int(os.environ.get("SNAPLINT_CRASH_KILLS", "10"))
SEED = int(os.environ.get("SNAPLINT_CAMPAIGN_SEED", str(random.SystemRandom().randrange(10**6))))
LATENCY_MS = 30
PARALLELISM = 4
KILL_AFTER = (0.3, 2.5)  # seconds after the apply started (its startup takes ~0.5 s)


@pytest.fixture(params=["file", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request, tmp_path, monkeypatch):
    for p in make_project(tmp_path, monkeypatch):
        if request.param == "postgres":
            pg = request.getfixturevalue("pg_server")
            settings = {
                "SNAPLINT_STATE_BACKEND": "postgres",
                "SNAPLINT_PG_DSN": pg.dsn,
                "SNAPLINT_PG_SCHEMA": f"crash_{uuid.uuid4().hex[:12]}",
            }
            p.env.update(settings)  # subprocesses
            for key, value in settings.items():  # in-process runs
                monkeypatch.setenv(key, value)
        p.emu.faults(latency_ms=LATENCY_MS)
        yield p


def stored_state(p: Project) -> dict[str, Any]:
    env = {k: v for k, v in p.env.items() if k.startswith(("SNAPLINT_", "PG"))}
    backend = open_backend({}, project_root=p.root, env=env)
    try:
        data = backend.read()
    finally:
        backend.close()
    assert data is not None
    return json.loads(data)


def write_jobs(p: Project, interval: int) -> None:
    for i in range(JOBS):
        p.job(f"job-{i:03d}", f"chan-{i:03d}", str(900000 + i), subs=("1001",), interval=interval)


def assert_never_doubled(p: Project, starts_per_job: int) -> None:
    sessions = p.emu.sessions()
    running = collections.Counter(s["cname"] for s in sessions if s["state"] == "running")
    ever = collections.Counter(s["cname"] for s in sessions)
    assert not [c for c, n in running.items() if n > 1], "two sessions at once"
    assert not [c for c, n in ever.items() if n > starts_per_job], ever.most_common(3)


def test_sigkill_at_random_moments_then_rerun(project: Project):
    print(f"\ncrash campaign: {JOBS} jobs, {KILLS} kills, seed {SEED}")
    rng = random.Random(SEED)
    write_jobs(project, interval=15)
    starts_per_job = 1  # one phase per interval: each job gets one session per phase
    interval, phase_kills = 15, 0
    kills = runs = 0
    completed: list[int] = []
    while kills < KILLS:
        finished = bool(completed) and completed[-1] == runs
        if finished or phase_kills >= max(1, KILLS // 2):
            # the work is done (or half the kills are spent): change every job's interval, so
            # each must be replaced — stop, acquire, start — and the kills land there
            interval = 60 if interval == 15 else 15
            write_jobs(project, interval=interval)
            starts_per_job += 1
            phase_kills = 0
        runs += 1
        assert runs <= 4 * KILLS, "the applies keep finishing before their kill"
        # a dead holder's lock is gone at once; the timeout only covers a PostgreSQL
        # backend that has not yet noticed its client died
        proc = project.spawn(
            "apply",
            "--auto-approve",
            "--allow-mass-change",  # the campaign replaces every job on purpose
            "--parallelism",
            str(PARALLELISM),
            "--lock-timeout",
            "10s",
        )
        delay = rng.uniform(*KILL_AFTER)
        try:
            # (reading while waiting: a full pipe would stall the apply, not the kill)
            out, err = proc.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
        # the apply may have exited on its own between the timeout and the kill
        if proc.returncode == -signal.SIGKILL:
            kills += 1
            phase_kills += 1
        else:
            assert proc.returncode == 0, out + err
            completed.append(runs)
        assert_never_doubled(project, starts_per_job)
        running = sum(1 for s in project.emu.sessions() if s["state"] == "running")
        what = "finished" if completed and completed[-1] == runs else f"killed at {delay:.2f} s"
        recovered = "; recovered the journal" if "Recovered an interrupted" in err else ""
        print(f"  apply {runs}: {what}, {running} sessions running{recovered}")
    print(
        f"{runs} applies: {kills} killed, {len(completed)} finished before their kill; "
        f"{starts_per_job} phases (create, then replace everything)"
    )

    code, out, err = project.run_process(
        "apply", "--auto-approve", "--allow-mass-change", "--lock-timeout", "10s", timeout=300
    )
    assert code == 0, out + err
    assert_never_doubled(project, starts_per_job)

    sessions = project.emu.sessions()
    running = {s["cname"]: s for s in sessions if s["state"] == "running"}
    assert sorted(running) == [f"chan-{i:03d}" for i in range(JOBS)]  # one per job
    jobs = stored_state(project)["jobs"]
    assert sorted(jobs) == [f"job-{i:03d}" for i in range(JOBS)]
    untracked = []
    for name, rec in jobs.items():
        session = running[rec["cname"]]
        assert session["uid"] == rec["uid"]
        if rec["status"] == "untracked":  # its start's answer died with a killed apply
            assert rec["sid"] is None
            untracked.append(name)
            continue
        assert rec["status"] == "running", (name, rec)
        assert (rec["sid"], rec["resourceId"]) == (session["sid"], session["resourceId"])
        assert session["captureInterval"] == interval, name
    print(f"final: {JOBS} sessions, {len(untracked)} with a sid lost to a kill (untracked)")

    # the untracked ones are reported as such, with their evidence; no second start is planned
    code, events = project.events("plan", "--detailed-exitcode")
    planned = {
        e["change"]["resource"]["resource_name"]: e["change"]
        for e in events
        if e["type"] == "planned_change"
    }
    assert {n for n, c in planned.items() if c["action"] != "no-op"} == set()
    assert {n for n, c in planned.items() if c.get("reason") == "sid_unknown"} == set(untracked)
    [summary] = [e for e in events if e["type"] == "change_summary"]
    assert summary["changes"].get("untracked", 0) == len(untracked)
    assert code == 0
    # status tells a person the same: the untracked jobs are flagged (exit 3), no other is
    code, out, err = project.run_process("status", "--json")
    flagged = {j["name"] for j in json.loads(out)["jobs"] if "untracked" in j["flags"]}
    assert flagged == set(untracked) and code == (3 if untracked else 0), out + err
    if not untracked:
        return
    code, out, err = project.run_process("destroy", "--auto-approve", "--target", untracked[0])
    assert code == 1 and "may still run" in err and f"job.{untracked[0]}: cname" in err
    # their screenshots name their sids: given the emulator's storage folder, plan learns
    # them, confirmed by query, and apply records them — every running session is known
    for i in range(JOBS):
        project.emu.publish("1001", cname=f"chan-{i:03d}")
    project.emu.advance(2 * interval)
    project.env["SNAPLINT_EMULATOR_STORAGE"] = str(project.emu.storage_dir)
    project.monkeypatch.setenv("SNAPLINT_EMULATOR_STORAGE", str(project.emu.storage_dir))
    _, text, _ = project.run("plan")
    unlearned = {
        line.split()[1].removeprefix("job.")
        for line in text.splitlines()
        if line.startswith("  # job.") and "sid not learned:" in line
    }
    code, events = project.events("plan", "--detailed-exitcode")
    [summary] = [e for e in events if e["type"] == "change_summary"]
    found = {
        e["change"]["resource"]["resource_name"]
        for e in events
        if e["type"] == "planned_change"
        # adopted as they are, or (started with an earlier phase's spec) adopted and replaced
        and (e["change"].get("reason") == "adopt_learned_sid" or e["change"]["action"] == "replace")
    }
    # each untracked job is adopted, or still listed as untracked with why its sid is unknown
    assert found | unlearned == set(untracked) and not found & unlearned, (found, unlearned)
    assert code == (2 if found else 0), events
    assert summary["changes"]["import"] == sum(
        1 for e in events if e.get("change", {}).get("reason") == "adopt_learned_sid"
    )
    code, out, err = project.run_process("apply", "--auto-approve", timeout=300)
    assert code == 0, out + err
    running = {s["cname"]: s for s in project.emu.sessions() if s["state"] == "running"}
    for name, rec in stored_state(project)["jobs"].items():
        if name in unlearned:
            assert rec["status"] == "untracked" and rec["evidence"], (name, rec)
            continue
        assert rec["status"] == "running", (name, rec)
        assert rec["sid"] == running[rec["cname"]]["sid"], name
    print(
        f"adopted {len(found)} of {len(untracked)} untracked sessions from the sids in their "
        f"screenshots; {len(unlearned)} reported untracked with their evidence"
    )
