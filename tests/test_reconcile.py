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
