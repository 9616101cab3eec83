"""The PostgreSQL state backend end to end: the CLI against the emulator over HTTP, the state in
a real throwaway PostgreSQL server (``tests/pg_server.py``).

What runs is asserted through the emulator's session list; what is stored, through the
database. Each test gets a schema of its own (``SNAPLINT_PG_SCHEMA``): a fresh, empty store.
"""

from __future__ import annotations

import collections
import json
import signal
import threading
import time
import uuid
from typing import Any

import pytest

from snaplint.state.backends import LockError, LockInfo
from snaplint.state.backends.postgres import PostgresBackend
from snaplint.state.codec import decode
from tests.e2e_project import Project, make_project

pytestmark = pytest.mark.postgres

JOBS = (("alpha", "chan-a", "910001"), ("beta", "chan-b", "910002"), ("gamma", "chan-c", "910003"))
PRODUCTION_APP = "fedcba9876543210fedcba9876543210"  # staging and production: two App IDs


@pytest.fixture
def project(tmp_path, monkeypatch, pg_server):
    for p in make_project(tmp_path, monkeypatch):
        pg = {
            "SNAPLINT_STATE_BACKEND": "postgres",
            "SNAPLINT_PG_DSN": pg_server.dsn,
            "SNAPLINT_PG_SCHEMA": f"e2e_{uuid.uuid4().hex[:12]}",
        }
        p.env.update(pg)  # subprocesses
        for key, value in pg.items():  # in-process runs
            monkeypatch.setenv(key, value)
        for name, cname, uid in JOBS:
            p.job(name, cname, uid)
            p.emu.publish("1001", cname=cname)  # nobody idles out unless a test says so
        yield p


def backend(p: Project, workspace: str = "default") -> PostgresBackend:
    return PostgresBackend(
        p.env["SNAPLINT_PG_DSN"], workspace=workspace, schema=p.env["SNAPLINT_PG_SCHEMA"]
    )


def stored(p: Project, workspace: str = "default") -> dict[str, Any] | None:
    b = backend(p, workspace)
    try:
        data = b.read()
    finally:
        b.close()
    return json.loads(data) if data is not None else None


def wait_for_holder(p: Project, proc: Any, timeout: float = 30) -> LockInfo:
    b = backend(p)
    try:
        deadline = time.monotonic() + timeout
        while True:
            holder = b.lock_holder()
            if holder is not None:
                return holder
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the apply never took the lock"
            time.sleep(0.05)
    finally:
        b.close()


def assert_one_session_per_job(p: Project, workspace: str = "default") -> None:
    """Exactly one session ever started per job, it runs, and the state knows it."""
    ever = collections.Counter(s["cname"] for s in p.emu.sessions())
    assert ever == {cname: 1 for _, cname, _ in JOBS}, p.emu.sessions()
    jobs = stored(p, workspace)["jobs"]
    for name, cname, _ in JOBS:
        session = p.one_running(cname)
        assert jobs[name]["status"] in ("running", "untracked")
        if jobs[name]["status"] == "running":
            assert jobs[name]["sid"] == session["sid"]


def test_apply_and_plan_keep_the_state_in_postgres(project: Project):
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert "Apply complete! 3 started" in out
    assert not (project.root / ".snaplint" / "state.json").exists()
    state = stored(project)
    assert state["serial"] >= 1 and set(state["jobs"]) == {"alpha", "beta", "gamma"}
    assert_one_session_per_job(project)
    assert project.run("plan", "--detailed-exitcode")[0] == 0
    code, out, _ = project.run("state", "list")
    assert (code, out.split()) == (0, ["alpha", "beta", "gamma"])
    assert backend(project).journal_read() == []  # cleared once the state was written
    project.assert_no_secret_leaked()


def test_racing_applies_one_proceeds_the_other_waits_then_names_the_holder(project: Project):
    # a slow API keeps the winner busy well beyond the loser's lock timeout
    project.emu.faults(latency_ms=800)
    args = ("apply", "--auto-approve", "--parallelism", "1", "--lock-timeout", "3s")
    first, second = project.spawn(*args), project.spawn(*args)
    started = time.monotonic()
    holder = wait_for_holder(project, first if first.poll() is None else second)
    results: dict[int, tuple[int, str, str, float]] = {}

    def finish(proc: Any) -> None:  # each one's own end, not the order we wait in
        out, err = proc.communicate(timeout=120)
        results[proc.pid] = (proc.returncode, out, err, time.monotonic() - started)

    waiters = [threading.Thread(target=finish, args=(proc,)) for proc in (first, second)]
    for waiter in waiters:
        waiter.start()
    for waiter in waiters:
        waiter.join()
    winners = [pid for pid, r in results.items() if r[0] == 0]
    losers = [pid for pid, r in results.items() if r[0] != 0]
    assert len(winners) == 1 and len(losers) == 1, results
    winner, loser = results[winners[0]], results[losers[0]]
    assert holder.pid == winners[0]
    code, out, err, elapsed = loser
    assert code == 1
    assert elapsed >= 3  # it waited for its lock timeout ...
    assert elapsed < winner[3]  # ... and no longer
    assert "Error acquiring the state lock" in err and "after waiting 3 s" in err
    for part in (holder.id, f"PID:       {winners[0]}", holder.who, holder.created, "apply"):
        assert part in err, err
    assert "Apply complete! 3 started" in winner[1]
    project.emu.control("DELETE", "faults")
    assert_one_session_per_job(project)

    # a third apply that waits long enough finds nothing left to do
    code, out, err = project.run("apply", "--auto-approve", "--lock-timeout", "30s")
    assert code == 0 and "No changes." in out, out + err
    assert_one_session_per_job(project)


def test_a_waiting_apply_proceeds_once_the_holder_finishes(project: Project):
    project.emu.faults(latency_ms=300)
    first = project.spawn("apply", "--auto-approve", "--parallelism", "1")
    wait_for_holder(project, first)
    code, out, err = project.run("apply", "--auto-approve", "--lock-timeout", "60s")
    assert code == 0, out + err
    assert "No changes." in out  # it planned against the state the first one wrote
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, out1 + err1
    assert_one_session_per_job(project)


def test_a_killed_holders_lock_goes_with_its_connection(project: Project):
    code, out, err = project.run_process(
        "apply",
        "--auto-approve",
        "--parallelism",
        "1",
        env={"SNAPLINT_TEST_CRASH_AT": "after-start-recorded:beta"},
    )
    assert code == -signal.SIGKILL, out + err
    assert backend(project).journal_read()  # the journal is in the database too
    # no force-unlock, no waiting: the lock died with the process's connection
    deadline = time.monotonic() + 5
    while backend(project).lock_holder() is not None:
        assert time.monotonic() < deadline, "the dead holder's lock survived it"
        time.sleep(0.05)
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert "Recovered an interrupted apply" in err
    assert_one_session_per_job(project)
    assert stored(project)["jobs"]["beta"]["status"] == "running"
    assert backend(project).journal_read() == []


def test_force_unlock_ends_a_hung_holder_which_then_cannot_write(project: Project):
    hung = backend(project)
    held = hung.lock(LockInfo.new("apply"))
    code, _, err = project.run("apply", "--auto-approve")
    assert code == 1 and held.id in err
    code, _, err = project.run("force-unlock", "not-the-id", "--force")
    assert code == 1 and "does not match" in err and held.id in err
    code, out, err = project.run("force-unlock", held.id, "--force")
    assert code == 0 and "successfully unlocked" in out, out + err
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    # the hung holder wakes up: its lock is gone, and it must not overwrite the new state
    with pytest.raises(LockError, match="was lost"):
        hung.write(b"stale")
    with pytest.raises(LockError, match="was lost"):
        hung.journal_append(b"{}")
    hung.close()
    assert_one_session_per_job(project)


def test_workspaces_have_their_own_state_and_lock(project: Project, monkeypatch):
    code, out, err = project.run("apply", "--auto-approve", "--workspace", "staging")
    assert code == 0, out + err
    assert stored(project, "staging")["jobs"].keys() == {"alpha", "beta", "gamma"}
    assert stored(project) is None  # the default workspace is untouched
    code, out, _ = project.run("workspace", "list", "--workspace", "staging")
    assert (code, out) == (0, "  default\n* staging\n")
    # production (another App ID) knows nothing of staging's sessions
    monkeypatch.setenv("AGORA_APP_ID", PRODUCTION_APP)
    code, out, _ = project.run("plan", "--workspace", "production", "--detailed-exitcode")
    assert code == 2 and "Plan: 3 to start" in out
    # a lock on staging does not block production
    staging = backend(project, "staging")
    held = staging.lock(LockInfo.new("apply"))
    try:
        assert project.run("state", "list", "--workspace", "production")[0] == 0
        code, _, err = project.run("state", "rm", "alpha", "--workspace", "staging")
        assert code == 1 and held.id in err
    finally:
        staging.unlock(held.id)
        staging.close()
    assert collections.Counter(s["cname"] for s in project.emu.sessions()) == {
        cname: 1 for _, cname, _ in JOBS
    }


def test_migrate_a_file_state_to_postgres(project: Project, monkeypatch):
    monkeypatch.setenv("SNAPLINT_STATE_BACKEND", "file")
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    path = project.root / ".snaplint" / "state.json"
    before = decode(path.read_bytes())
    # a saved plan made before the move still applies after it (lineage and serial kept)
    code, out, err = project.run("plan", "--out", "before.plan")
    assert code == 0, out + err

    code, out, err = project.run("state", "migrate", "--to", "postgres")
    assert code == 0, out + err
    assert f"migrated 3 jobs (lineage {before.lineage}, serial {before.serial})" in out
    assert "state.backend: postgres" in out
    assert stored(project)["lineage"] == before.lineage
    assert path.exists()  # left in place
    code, out, _ = project.run("state", "migrate", "--to", "postgres")
    assert code == 0 and "already holds this state" in out

    monkeypatch.setenv("SNAPLINT_STATE_BACKEND", "postgres")
    code, out, err = project.run("apply", "before.plan")
    assert code == 0, out + err
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 0, out
    assert_one_session_per_job(project)

    # the database moved on: migrating the (older) file state again is refused
    project.job("delta", "chan-d", "910004")
    project.emu.publish("1001", cname="chan-d")
    assert project.run("apply", "--auto-approve")[0] == 0
    code, _, err = project.run("state", "migrate", "--from", "file", "--to", "postgres")
    assert code == 1 and "already holds a state" in err and "--force" in err
    assert "delta" in stored(project)["jobs"]


def test_migrate_refuses_an_interrupted_apply_and_moves_every_workspace(
    project: Project, monkeypatch
):
    monkeypatch.setenv("SNAPLINT_STATE_BACKEND", "file")
    assert project.run("apply", "--auto-approve", "--workspace", "staging")[0] == 0
    crash = {
        "SNAPLINT_STATE_BACKEND": "file",
        "SNAPLINT_TEST_CRASH_AT": "before-state-write",
        "AGORA_APP_ID": PRODUCTION_APP,
    }
    code, out, err = project.run_process(
        "apply", "--auto-approve", "--workspace", "production", env=crash
    )
    assert code == -signal.SIGKILL, out + err
    code, out, err = project.run("state", "migrate", "--to", "postgres", "--all-workspaces")
    assert code == 1
    assert "interrupted apply" in err and "workspace production: not migrated" in err
    assert "workspace staging: migrated 3 jobs" in out
    assert "workspace default: no state" in out
    assert stored(project, "production") is None

    # apply finishes the interrupted run (on the file backend), then the move succeeds
    monkeypatch.setenv("AGORA_APP_ID", PRODUCTION_APP)
    code, out, err = project.run("apply", "--auto-approve", "--workspace", "production")
    assert code == 0 and "Recovered an interrupted apply" in err, out + err
    code, out, err = project.run("state", "migrate", "--to", "postgres", "--all-workspaces")
    assert code == 0, out + err
    assert "workspace production: migrated 3 jobs" in out
    assert "workspace staging: " in out and "already holds this state" in out
    monkeypatch.setenv("SNAPLINT_STATE_BACKEND", "postgres")
    code, out, _ = project.run("workspace", "list")
    assert out.split() == ["*", "default", "production", "staging"]
    code, out, _ = project.run("plan", "--workspace", "production", "--detailed-exitcode")
    assert code == 0, out
    monkeypatch.delenv("AGORA_APP_ID")
    code, out, _ = project.run("plan", "--workspace", "staging", "--detailed-exitcode")
    assert code == 0, out
    # one session per job and App ID, each known to its workspace's state
    per_app = collections.Counter((s["appId"], s["cname"]) for s in project.emu.sessions())
    assert sorted(per_app.values()) == [1] * 6


def test_connection_problems_are_errors_without_the_password(
    project: Project, monkeypatch, pg_server
):
    wrong = pg_server.dsn.replace(pg_server.password, "Wrong-Pass-5e1f")
    monkeypatch.setenv("SNAPLINT_PG_DSN", wrong)
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 1 and "internal error" not in err
    assert f"postgres://postgres@127.0.0.1:{pg_server.port}/postgres" in err
    assert "password authentication failed" in err
    assert "Wrong-Pass-5e1f" not in out + err and pg_server.password not in out + err

    monkeypatch.setenv("SNAPLINT_PG_DSN", f"host=127.0.0.1 port=1 password={pg_server.password}")
    code, out, err = project.run("plan")
    assert code == 1 and "127.0.0.1:1" in err
    assert pg_server.password not in out + err

    monkeypatch.setenv("SNAPLINT_PG_DSN", f"host=x password={pg_server.password} junk")
    code, out, err = project.run("plan")
    assert code == 2 and "SNAPLINT_PG_DSN is not a valid" in err
    assert pg_server.password not in out + err

    monkeypatch.delenv("SNAPLINT_PG_DSN")
    for key in ("PGHOST", "PGSERVICE", "PGDATABASE"):
        monkeypatch.delenv(key, raising=False)
    code, out, err = project.run("plan")
    assert code == 2 and "SNAPLINT_PG_DSN" in err

    # the libpq variables alone are enough
    for key, value in pg_server.env().items():
        monkeypatch.setenv(key, value)
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert_one_session_per_job(project)
