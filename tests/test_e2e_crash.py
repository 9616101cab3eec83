"""Killed applies and concurrent writers, end to end (subprocesses, emulator over HTTP).

SIGKILL lands at precise journal points through the test-only hook
``SNAPLINT_TEST_CRASH_AT=POINT:JOB`` (``snaplint.operations.outcomes.CRASH_POINTS``); after each kill a new
apply must finish the work and leave exactly one session per job, every one of them known to
the state — asserted through the emulator's session list.
"""

from __future__ import annotations

import collections
import json
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e_project import REPO, Project, make_project

JOBS = (("alpha", "chan-a", "910001"), ("beta", "chan-b", "910002"), ("gamma", "chan-c", "910003"))


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def setup_jobs(p: Project) -> None:
    for name, cname, uid in JOBS:
        p.job(name, cname, uid)
        # someone publishes in every channel, so nothing idles out unless a test says so
        p.emu.publish("1001", cname=cname)


def assert_one_session_per_job(p: Project) -> None:
    running = p.running()
    per_channel = collections.Counter(s["cname"] for s in running)
    assert per_channel == {cname: 1 for _, cname, _ in JOBS}, running
    jobs = p.state()["jobs"]
    for name, cname, uid in JOBS:
        rec = jobs[name]
        session = p.one_running(cname)
        assert (rec["cname"], rec["uid"]) == (cname, uid)
        if rec["status"] == "running":
            assert rec["sid"] == session["sid"]
        else:  # the sid was lost with the killed process: recorded as running, sid unknown
            assert rec["status"] == "untracked" and rec["sid"] is None


@pytest.mark.parametrize(
    ("point", "beta_after_rerun"),
    [
        ("after-start-intent:beta", "running"),  # start not sent: the rerun starts it
        ("after-start:beta", "untracked"),  # started, answer lost: code 7 proves it runs
        ("after-start-recorded:beta", "running"),  # journaled, state not written: adopted
        ("before-state-write", "running"),  # every call journaled, no state write
    ],
)
def test_sigkill_during_apply_then_rerun(project: Project, point: str, beta_after_rerun: str):
    setup_jobs(project)
    code, out, err = project.run_process(
        "apply", "--auto-approve", "--parallelism", "1", env={"SNAPLINT_TEST_CRASH_AT": point}
    )
    assert code == -signal.SIGKILL, out + err
    started_before = {s["cname"] for s in project.running()}
    assert "chan-a" in started_before
    assert project.root.joinpath(".snaplint", "state.json.journal").exists()

    code, out, err = project.run("plan")
    assert code == 0
    assert "interrupted" in err

    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert "Recovered an interrupted apply" in err
    assert_one_session_per_job(project)
    assert project.recorded("beta")["status"] == beta_after_rerun
    assert not project.root.joinpath(".snaplint", "state.json.journal").exists()
    # no session was ever started twice for a job
    assert collections.Counter(s["cname"] for s in project.emu.sessions()) == {
        cname: 1 for _, cname, _ in JOBS
    }

    code, out, _ = project.run("plan", "--detailed-exitcode")
    if beta_after_rerun == "running":
        assert code == 0, out
        return
    # beta runs with an unknown sid: listed as untracked, and no second start is planned
    assert code == 0, out
    assert "Untracked sessions" in out and '# job.beta (cname "chan-b", uid "910002")' in out
    assert "will be started" not in out
    assert "SNAPLINT_EMULATOR_STORAGE" in out  # what would let plan learn the sid
    # destroy cannot stop it, and says so (exit 1, with its cname and uid)
    code, out, err = project.run("destroy", "--auto-approve", "--target", "beta")
    assert code == 1 and "job.beta: cname chan-b, uid 910002" in err and "maxIdleTime" in err
    assert len(project.running("chan-b")) == 1
    # --replace tries a start: code 53 while it runs, and it stays untracked
    code, out, err = project.run("apply", "--auto-approve", "--replace", "beta")
    assert code == 0 and "code 53" in out, out + err
    assert_one_session_per_job(project)
    # its screenshots name its sid: given the emulator's storage folder, plan learns it
    project.emu.advance(30)
    project.monkeypatch.setenv("SNAPLINT_EMULATOR_STORAGE", str(project.emu.storage_dir))
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2 and "learned from its screenshot" in out and "1 to adopt" in out, out
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert project.recorded("beta")["status"] == "running"
    assert project.recorded("beta")["sid"] == project.one_running("chan-b")["sid"]
    assert_one_session_per_job(project)
    assert project.run("plan", "--detailed-exitcode")[0] == 0


def test_an_untracked_job_that_idled_out_is_started_again_on_request(project: Project):
    setup_jobs(project)
    code, out, err = project.run_process(
        "apply", "--auto-approve", env={"SNAPLINT_TEST_CRASH_AT": "after-start:beta"}
    )
    assert code == -signal.SIGKILL, out + err
    assert project.run("apply", "--auto-approve")[0] == 0
    assert project.recorded("beta")["status"] == "untracked"
    project.emu.unpublish("1001", cname="chan-b")
    project.emu.advance(310)  # its channel idled out: the session ended on its own
    assert project.running("chan-b") == []
    code, out, err = project.run("apply", "--auto-approve", "--replace", "beta")
    assert code == 0, out + err
    assert project.recorded("beta")["status"] == "running"
    assert_one_session_per_job(project)


def test_sigkill_during_a_replace_keeps_one_session(project: Project):
    setup_jobs(project)
    assert project.run("apply", "--auto-approve")[0] == 0
    project.job("beta", "chan-b", "910002", interval=60)
    code, _, _ = project.run_process(
        "apply", "--auto-approve", env={"SNAPLINT_TEST_CRASH_AT": "after-start:beta"}
    )
    assert code == -signal.SIGKILL
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert_one_session_per_job(project)
    assert project.one_running("chan-b")["captureInterval"] == 60


def test_second_concurrent_apply_is_refused_with_the_holder(project: Project):
    setup_jobs(project)
    project.emu.faults(latency_ms=700)  # a slow API keeps the first apply busy
    first = project.spawn("apply", "--auto-approve", "--parallelism", "1")
    info_path = project.root / ".snaplint" / "state.json.lock.info"
    deadline = time.monotonic() + 30
    while not info_path.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    holder = json.loads(info_path.read_text())

    started = time.monotonic()
    code, out, err = project.run("apply", "--auto-approve")
    assert time.monotonic() - started < 5  # at once, not after the first apply
    assert code == 1
    assert "Error acquiring the state lock" in err
    for part in (
        holder["id"],
        f"PID:       {first.pid}",
        holder["host"],
        holder["created"],
        "apply",
    ):
        assert part in err
    assert "force-unlock" in err

    # with --lock-timeout the second one waits for the first and then has nothing to do
    code, out, err = project.run("apply", "--auto-approve", "--lock-timeout", "60s")
    assert code == 0, out + err
    assert "No changes." in out
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, out1 + err1
    project.emu.control("DELETE", "faults")
    assert_one_session_per_job(project)


def test_force_unlock_needs_the_holders_id(project: Project):
    setup_jobs(project)
    state = project.root / ".snaplint" / "state.json"
    code = (
        "import time\n"
        "from snaplint.state.backends import LockInfo\n"
        "from snaplint.state.backends.file import FileBackend\n"
        f"b = FileBackend({str(state)!r})\n"
        "info = b.lock(LockInfo.new('apply'))\n"
        "print(info.id, flush=True)\n"
        "time.sleep(120)\n"
    )
    hung = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        lock_id = hung.stdout.readline().strip()
        code, _, err = project.run("apply", "--auto-approve")
        assert code == 1 and lock_id in err

        code, _, err = project.run("force-unlock", "not-the-id", "--force")
        assert code == 1 and "does not match" in err and lock_id in err
        code, _, err = project.run("force-unlock", lock_id)
        assert code == 1 and "--force" in err  # no terminal to confirm on
        code, out, _ = project.run("force-unlock", lock_id, "--force")
        assert code == 0 and "successfully unlocked" in out

        code, out, err = project.run("apply", "--auto-approve")
        assert code == 0, out + err
        assert_one_session_per_job(project)
        code, _, err = project.run("force-unlock", lock_id, "--force")
        assert code == 1 and "not locked" in err
    finally:
        hung.kill()
        hung.wait()
