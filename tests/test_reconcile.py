"""The reconcile loop end to end against the emulator over HTTP: rounds and their JSON lines,
restart policies across idle-outs, guard rails, SIGTERM, and several loops on one state."""

from __future__ import annotations

import collections
import json
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e_project import Project, make_project

JOBS = (("alpha", "chan-a", "910001"), ("beta", "chan-b", "910002"), ("gamma", "chan-c", "910003"))


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def job(p: Project, name: str, cname: str, uid: str, restart: str | None = None, **kw: Any) -> Path:
    path = p.job(name, cname, uid, **kw)
    if restart is not None:
        text = path.read_text()
        path.write_text(text.replace("  protect:", f"  restart: {restart}\n  protect:", 1))
    return path


def rounds_of(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert all(line["type"] == "reconcile_round" for line in lines), lines
    return lines


def wait_for(what: Callable[[], Any], timeout: float = 30.0, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting: {message or what}")


class Loop:
    """A `snaplint reconcile` subprocess whose stdout lines are collected as they come."""

    def __init__(self, p: Project, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = p.spawn("reconcile", *args, env=env)
        self.lines: list[dict[str, Any]] = []
        self.err = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.lines.append(json.loads(line))

    def rounds(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        wait_for(lambda: len(self.lines) >= n, timeout, f"{n} rounds (stderr so far: {self.err})")
        return self.lines

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self._reader.join(10)
        assert self.proc.stderr is not None
        self.err = self.proc.stderr.read()
        return code


def assert_one_session_per_job(p: Project, jobs=JOBS) -> None:
    per_channel = collections.Counter(s["cname"] for s in p.running())
    assert per_channel == {cname: 1 for _, cname, _ in jobs}, p.running()
    recorded = p.state()["jobs"]
    for name, cname, _ in jobs:
        rec = recorded[name]
        if rec["status"] == "running":
            assert rec["sid"] == p.one_running(cname)["sid"]
        else:
            assert rec["status"] == "untracked", rec


# --------------------------------------------------------------------------- one round


def test_once_starts_the_jobs_and_logs_one_json_line(project: Project):
    for name, cname, uid in JOBS[:2]:
        job(project, name, cname, uid)
    code, out, err = project.run("reconcile", "--once")
    assert code == 0, err
    [line] = rounds_of(out)
    assert line["round"] == 1 and line["status"] == "ok"
    assert line["changes"] == {"start": 2, "update": 0, "replace": 0, "stop": 0, "forget": 0}
    assert line["sessions"]["running"] == 2
    assert line["errors"] == [] and line["next_round"] is None
    assert line["@module"] == "snaplint.reconcile"
    assert len(project.running()) == 2

    code, out, _ = project.run("reconcile", "--once")
    [line] = rounds_of(out)
    assert code == 0 and sum(line["changes"].values()) == 0
    project.assert_no_secret_leaked()


# --------------------------------------------------------------------------- restart policies


def test_restart_always_is_kept_running_across_three_idle_outs_and_never_stays_ended(
    project: Project,
):
    emu = project.emu
    job(project, "alpha", "chan-a", "910001", restart="always", max_idle=60)
    job(project, "beta", "chan-b", "910002", restart="never", max_idle=60)
    for cname in ("chan-a", "chan-b"):
        emu.publish("1001", cname=cname)
    loop = Loop(project, "--interval", "1s")
    try:
        first = wait_for(lambda: len(project.running()) == 2 and project.running(), message="start")
        sids = [next(s["sid"] for s in first if s["cname"] == "chan-a")]
        beta_sid = project.one_running("chan-b")["sid"]
        for _ in range(3):
            # the publishers leave; after maxIdleTime the service ends both sessions
            for cname in ("chan-a", "chan-b"):
                emu.unpublish("1001", cname=cname)
            emu.advance(70)
            assert project.running() == []
            # the loop sees alpha's session gone and starts a new one; beta stays ended
            new = wait_for(
                lambda: [s for s in project.running("chan-a") if s["sid"] not in sids],
                message="alpha restarted",
            )
            sids.append(new[0]["sid"])
            # the publishers return
            for cname in ("chan-a", "chan-b"):
                emu.publish("1001", cname=cname)
        n = len(loop.lines)
        loop.rounds(n + 2)  # two more rounds with publishers back: nothing more to do
    finally:
        code = loop.stop()
    assert code == 0, loop.err
    assert len(set(sids)) == 4
    assert project.one_running("chan-a")["sid"] == sids[-1]
    assert project.running("chan-b") == []
    recorded = project.state()["jobs"]
    assert recorded["alpha"]["sid"] == sids[-1] and recorded["alpha"]["status"] == "running"
    assert recorded["beta"]["status"] == "ended" and recorded["beta"]["sid"] == beta_sid
    lines = loop.lines
    assert [line["round"] for line in lines] == list(range(1, len(lines) + 1))
    assert sum(line["changes"]["start"] for line in lines) == 5  # 2 first starts + 3 restarts
    held = [line for line in lines if "beta" in line["not_restarted"]]
    assert held and all("alpha" not in line["not_restarted"] for line in lines)
    assert any("beta" in line["ended"] for line in lines)
    assert all(line["errors"] == [] for line in lines), [line["errors"] for line in lines]
    assert all(line["next_round"] for line in lines[:-1])
    # plan by hand still plans beta's start, as before: the policy is the loop's
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2 and "Plan: 1 to start" in out


# --------------------------------------------------------------------------- stopping and crashing


def setup_jobs(p: Project, **kw: Any) -> None:
    for name, cname, uid in JOBS:
        job(p, name, cname, uid, **kw)
        p.emu.publish("1001", cname=cname)


def assert_state_knows_every_session(p: Project) -> None:
    """No running session the state does not record: nothing orphaned."""
    recorded = {(j["cname"], j["sid"]) for j in p.state()["jobs"].values()}
    for s in p.running():
        assert (s["cname"], s["sid"]) in recorded, (s, recorded)


def test_sigterm_mid_round_finishes_the_call_and_exits_0(project: Project):
    setup_jobs(project)
    project.emu.faults(latency_ms=400)  # each call takes a while: the signal lands mid-round
    loop = Loop(project, "--interval", "1m", "--parallelism", "1")
    wait_for(
        lambda: any(r["endpoint"] == "start" for r in project.emu.request_log()),
        message="a first start",
    )
    sent = time.monotonic()
    code = loop.stop(signal.SIGTERM)
    assert code == 0, loop.err
    assert time.monotonic() - sent < 10  # the loop did not wait for its next round
    [line] = loop.lines
    assert line["status"] == "interrupted" and line["next_round"] is None
    assert "Stop requested" in loop.err
    started = len(project.running())
    assert 1 <= started < len(JOBS)  # jobs after the signal were not begun
    # the state was written and the journal cleared: nothing is left for a recovery
    assert list((project.root / ".snaplint").glob("*journal*")) == []
    assert_state_knows_every_session(project)
    # the next loop completes the work
    project.emu.faults(latency_ms=0)
    code, out, err = project.run("reconcile", "--once")
    assert code == 0, err
    [line] = rounds_of(out)
    assert line["changes"]["start"] == len(JOBS) - started
    assert_one_session_per_job(project)


@pytest.mark.parametrize(
    "point",
    ["after-acquire:beta", "after-start-intent:beta", "after-start:beta", "before-state-write"],
)
def test_sigkill_mid_round_then_a_new_loop_leaves_one_session_per_job(project: Project, point):
    setup_jobs(project)
    loop = Loop(project, "--interval", "1s", env={"SNAPLINT_TEST_CRASH_AT": point})
    code = loop.proc.wait(30)
    assert code == -signal.SIGKILL, loop.stop()
    assert loop.lines == []  # killed before its round was logged
    again = Loop(project, "--interval", "1s")
    try:
        again.rounds(2)
    finally:
        assert again.stop() == 0, again.err
    assert_one_session_per_job(project)
    assert all(line["errors"] == [] for line in again.lines), again.lines


def test_sigkill_at_an_arbitrary_moment_then_a_new_loop_completes(project: Project):
    setup_jobs(project)
    project.emu.faults(latency_ms=150, latency_jitter_ms=100)
    loop = Loop(project, "--interval", "1s", "--parallelism", "2")
    # kill once some starts have been answered, while others are in flight
    wait_for(lambda: sum(r["endpoint"] == "start" for r in project.emu.request_log()) >= 1)
    assert loop.stop(signal.SIGKILL) == -signal.SIGKILL
    project.emu.faults(latency_ms=0, latency_jitter_ms=0)
    code, _out, err = project.run("reconcile", "--once")
    assert code == 0, err
    assert_one_session_per_job(project)


# --------------------------------------------------------------------------- several loops


def test_two_loops_on_one_state_take_turns_and_never_both_apply(project: Project):
    setup_jobs(project)
    project.emu.faults(latency_ms=100)
    loops = [Loop(project, "--interval", "1s") for _ in range(2)]
    try:
        for loop in loops:
            loop.rounds(3, timeout=60)
    finally:
        codes = [loop.stop() for loop in loops]
    assert codes == [0, 0], [loop.err for loop in loops]
    assert_one_session_per_job(project)
    # each job was started once in all: the second loop found the first one's work done
    starts = sum(line["changes"]["start"] for loop in loops for line in loop.lines)
    assert starts == len(JOBS)
    creates = [r for r in project.emu.request_log() if r["endpoint"] == "start"]
    assert len(creates) == len(JOBS)

    # the rounds' locked spans (lock taken → lock released) never overlap between the loops
    def spans(loop: Loop) -> list[tuple[float, float]]:
        from datetime import datetime

        def t(text: str) -> float:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

        # (a round that waited an interval in vain held no lock)
        return [
            (t(line["locked_at"]), t(line["released_at"]))
            for line in loop.lines
            if line["locked_at"]
        ]

    a, b = spans(loops[0]), spans(loops[1])
    for s1, e1 in a:
        for s2, e2 in b:
            # millisecond timestamps: a release and the other's take may share one
            assert e1 <= s2 + 0.002 or e2 <= s1 + 0.002, ((s1, e1), (s2, e2))
    waited = [line for loop in loops for line in loop.lines if line["lock_wait_seconds"] > 0.05]
    assert waited, "one loop waited for the other's lock at least once"


# --------------------------------------------------------------------------- guard rails


def test_protected_job_is_refused_as_apply_refuses_it(project: Project):
    job(project, "alpha", "chan-a", "910001", protect=True, interval=15)
    project.emu.publish("1001", cname="chan-a")
    code, out, err = project.run("reconcile", "--once")
    assert code == 0, err
    sid = project.one_running("chan-a")["sid"]
    # a captureInterval change needs a replace, which protection refuses
    job(project, "alpha", "chan-a", "910001", protect=True, interval=30)
    code, out, _ = project.run("reconcile", "--once")
    assert code == 1
    [line] = rounds_of(out)
    assert line["status"] == "error" and line["@level"] == "error"
    assert any("protected: refusing to replace" in e for e in line["errors"]), line["errors"]
    assert sum(line["changes"].values()) == 0
    assert project.one_running("chan-a")["sid"] == sid


def test_bad_manifest_is_a_located_round_error_not_a_crash(project: Project):
    job(project, "alpha", "chan-a", "910001")
    (project.root / "jobs" / "broken.yaml").write_text(
        "apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata:\n  name: x\n  restart: yes\n"
        'spec:\n  cname: c\n  uid: "1"\n  clientRequest: {}\n'
    )
    code, out, err = project.run("reconcile", "--once")
    assert code == 1, err
    [line] = rounds_of(out)
    assert any("broken.yaml:5:12: restart-policy-invalid" in e for e in line["errors"]), line[
        "errors"
    ]
    assert project.running() == []


def test_on_failure_restarts_only_an_end_the_events_call_abnormal(project: Project):
    from snaplint.notifications import SQLiteEventStore
    from snaplint.notifications.events import parse_event

    emu = project.emu
    job(project, "failing", "chan-f", "910005", restart="on-failure", max_idle=60)
    job(project, "idle", "chan-i", "910006", restart="on-failure", max_idle=60)
    code, _, err = project.run("reconcile", "--once")
    assert code == 0, err
    failed_sid = project.one_running("chan-f")["sid"]
    # both sessions end (the emulator idles them out); the notifications say one of them
    # exited abnormally
    emu.advance(70)
    assert project.running() == []
    body = {
        "noticeId": "n-1",
        "productId": 3,
        "eventType": 11,
        "notifyMs": 1_700_000_000_000,
        "payload": {
            "cname": "chan-f",
            "uid": "910005",
            "sid": failed_sid,
            "sequence": 3,
            "sendts": 1_700_000_000_000,
            "serviceType": 0,
            "details": {"msgName": "session_exit", "exitStatus": 1},
        },
    }
    event = parse_event(json.dumps(body), app_id=None, received_ms=1_700_000_000_100)
    store = SQLiteEventStore(project.root / ".snaplint")
    try:
        assert store.add(event)
    finally:
        store.close()
    code, out, err = project.run("reconcile", "--once")
    assert code == 0, err
    [line] = rounds_of(out)
    assert line["changes"]["start"] == 1
    assert line["not_restarted"] == ["idle"]
    assert project.one_running("chan-f")["sid"] != failed_sid
    assert project.running("chan-i") == []


def test_a_round_waits_an_interval_for_a_held_lock_then_says_who_holds_it(project: Project):
    from snaplint.state.backends import LockInfo, open_backend

    job(project, "alpha", "chan-a", "910001")
    backend = open_backend({}, project_root=project.root, env=project.env)
    held = backend.lock(LockInfo.new("apply"), 0)
    try:
        began = time.monotonic()
        code, out, err = project.run("reconcile", "--once", "--interval", "1s")
        waited = time.monotonic() - began
    finally:
        backend.unlock(held.id)
        backend.close()
    assert code == 1
    [line] = rounds_of(out)
    assert line["status"] == "waiting" and line["@level"] == "warn"
    assert line["lock_wait_seconds"] >= 1.0 and waited >= 1.0
    assert line["locked_at"] is None
    assert any("the state lock is held by apply" in w for w in line["warnings"]), line
    assert "Waiting for the state lock held by apply" in err
    assert project.running() == []
    code, out, _ = project.run("reconcile", "--once")  # released: the next round works
    assert code == 0 and rounds_of(out)[0]["changes"]["start"] == 1


def test_a_round_that_would_replace_most_of_the_fleet_is_refused(project: Project):
    names = [(f"job-{i:02d}", f"chan-{i:02d}", str(920001 + i)) for i in range(12)]
    for name, cname, uid in names:
        job(project, name, cname, uid)
    code, _, err = project.run("reconcile", "--once")
    assert code == 0, err
    for name, cname, uid in names:  # one shared value changed: every session would be replaced
        job(project, name, cname, uid, interval=60)
    sids = {s["sid"] for s in project.running()}
    code, out, err = project.run("reconcile", "--once")
    [line] = rounds_of(out)
    assert code == 1 and line["status"] != "ok", (out, err)
    assert "refusing to stop or replace 12 of 12 running sessions" in out + err
    assert {s["sid"] for s in project.running()} == sids  # nothing was stopped
    code, out, err = project.run("reconcile", "--once", "--allow-mass-change")
    assert code == 0, err
    assert rounds_of(out)[0]["changes"]["replace"] == 12
