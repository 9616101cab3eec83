"""Crash campaign for the reconcile loop: SIGKILL `snaplint reconcile` at random moments, start
a new loop, and never lose or double a session (the apply campaign's rules,
tests/test_campaign_crash.py, applied to the loop).

Loops run against the emulator over HTTP with some latency, are killed after a random delay,
and a new loop takes over; halfway, every manifest changes so that each job must be replaced,
and the kills land between stops and starts too. Then one ``--once`` round finishes the work:
exactly one session per job, with the manifest's configuration, each known to the state.
Size: ``SNAPLINT_CRASH_JOBS`` (default 100), ``SNAPLINT_CRASH_KILLS`` (default 10),
``SNAPLINT_CAMPAIGN_SEED``.
"""

from __future__ import annotations

import random
import signal
import subprocess

import pytest

from tests.e2e_project import Project, make_project
from tests.test_campaign_crash import (
    JOBS,
    KILLS,
    LATENCY_MS,
    SEED,
    assert_never_doubled,
    write_jobs,
)

pytestmark = pytest.mark.campaign
# a loop lints and refreshes every job before its first call: later kills land in real work
KILL_AFTER = (0.5, 6.0)


@pytest.fixture
def project(tmp_path, monkeypatch):
    for p in make_project(tmp_path, monkeypatch):
        p.emu.faults(latency_ms=LATENCY_MS)
        yield p


def test_loops_killed_at_random_moments_leave_one_session_per_job(project: Project):
    print(f"\nreconcile crash campaign: {JOBS} jobs, {KILLS} kills, seed {SEED}")
    rng = random.Random(SEED)
    interval, starts_per_job = 15, 1
    write_jobs(project, interval=interval)
    kills = runs = 0
    while kills < KILLS:
        if kills == KILLS // 2 and starts_per_job == 1:
            interval, starts_per_job = 60, 2  # every job must now be replaced
            write_jobs(project, interval=interval)
        runs += 1
        assert runs <= 4 * KILLS, "the loops keep exiting before their kill"
        # every job is replaced on purpose halfway: past the mass-change guard rail
        proc = project.spawn(
            "reconcile", "--interval", "1s", "--parallelism", "4", "--allow-mass-change"
        )
        delay = rng.uniform(*KILL_AFTER)
        try:
            out, err = proc.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, out + err  # a loop only ends when told
        kills += 1
        assert_never_doubled(project, starts_per_job)
        running = sum(1 for s in project.emu.sessions() if s["state"] == "running")
        print(f"  loop {runs}: killed at {delay:.2f} s, {running} sessions running")

    code, out, err = project.run_process("reconcile", "--once", "--allow-mass-change", timeout=300)
    assert code == 0, out + err
    assert_never_doubled(project, starts_per_job)
    running = {s["cname"]: s for s in project.emu.sessions() if s["state"] == "running"}
    missing = sorted({f"chan-{i:03d}" for i in range(JOBS)} - set(running))
    ended = [
        (s["cname"], s["state"], s.get("endReason"))
        for s in project.emu.sessions()
        if s["cname"] in missing
    ]
    assert not missing, (missing, ended, out[-2000:], err[-2000:])
    jobs = project.state()["jobs"]
    for name, rec in jobs.items():
        session = running[rec["cname"]]
        if rec["status"] == "untracked":  # its start's answer died with a killed loop
            assert rec["sid"] is None
            continue
        assert rec["status"] == "running", (name, rec)
        assert rec["sid"] == session["sid"]
        assert session["captureInterval"] == interval, name
