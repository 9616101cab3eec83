"""Plan and refresh use the notification events: why a session ended, the sid of an untracked
job's session, and sessions the events show that state does not record."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path

import pytest

from snaplint.agora.exceptions import NoRecordedDataError
from snaplint.notifications import SQLiteEventStore, parse_event
from snaplint.notifications.compose import notification_body
from snaplint.operations import apply as apply_op
from snaplint.operations import plan as plan_op
from snaplint.operations import state_commands as state_op
from snaplint.operations.eventuse import end_reason, open_sessions
from snaplint.plan.changes import REASON_ADOPT, Action
from tests.test_operations import (  # noqa: F401 (fixture)
    RecordingView,
    _embedded_client,
    root_fixture,
    settings,
)


@pytest.fixture(autouse=True)
def _store_fed_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests feed the event store themselves, as a receiver would: the embedded
    emulator's own notifications are kept out of it."""
    from snaplint.operations import emulated_events

    monkeypatch.setattr(emulated_events, "event_sink", lambda opener: lambda bodies: None)


def store_events(root: Path, *bodies: bytes) -> None:
    store = SQLiteEventStore(root / ".snaplint")
    for body in bodies:
        store.add(parse_event(body))
    store.close()


def event(kind: int, job, *, sid: str | None = None, seq: int = 1, **details) -> bytes:
    return notification_body(
        kind,
        sid=sid or job.sid,
        cname=job.cname,
        uid=job.uid,
        sequence=seq,
        sendts=int(time.time() * 1000) - 1000 + seq,
        details=details,
    )


def applied(root: Path):
    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    return state_op.read(settings(root), RecordingView()).state


def stop_behind_state(root: Path, job) -> None:
    client = _embedded_client(root)
    with contextlib.suppress(NoRecordedDataError):  # 435: stopped before any upload
        client.stop(job.app_id, job.resource_id, job.sid, job.mode, job.cname, job.uid)


def test_an_ended_session_says_why_from_its_events(root: Path) -> None:
    state = applied(root)
    alpha, beta = state.jobs["alpha"], state.jobs["beta"]
    stop_behind_state(root, alpha)
    stop_behind_state(root, beta)
    store_events(
        root,
        event(41, alpha, leaveCode=4),
        event(41, beta, seq=1, leaveCode=2),
        event(11, beta, seq=2, exitStatus=1),
    )
    drift = {d.name: d for d in plan_op.plan(settings(root), RecordingView()).plan.drift}
    assert drift["alpha"].detail.startswith("ended idle: nobody published")
    assert drift["alpha"].detail.endswith("(query status 6: stop requested)")  # query's word stays
    assert drift["beta"].detail.startswith("failed: the session exited abnormally")


def test_without_events_an_ended_session_is_reported_as_before(root: Path) -> None:
    state = applied(root)
    stop_behind_state(root, state.jobs["alpha"])
    [drift] = plan_op.plan(settings(root), RecordingView()).plan.drift
    assert drift.detail == "the session is exiting (query status 6: stop requested)"
    assert not (root / ".snaplint" / "events.sqlite3").exists()  # plan never creates a store


def test_an_untracked_job_is_adopted_from_its_events(root: Path) -> None:
    state = applied(root)
    alpha = state.jobs["alpha"]
    # the start answer was "lost": state knows a session runs, not its sid
    path = root / ".snaplint" / "state.json"
    data = json.loads(path.read_text())
    data["jobs"]["alpha"].update(status="untracked", sid=None, evidence="start answer lost")
    path.write_text(json.dumps(data))
    # and its screenshots are not listable: only the events can tell its sid
    import shutil

    shutil.rmtree(root / ".snaplint" / "emulator" / "storage", ignore_errors=True)
    store_events(
        root,
        event(40, alpha, seq=1),
        # another session of the channel that ended: never a candidate
        event(40, alpha, sid="f" * 32, seq=2),
        event(11, alpha, sid="f" * 32, seq=3, exitStatus=0),
    )
    result = plan_op.plan(settings(root), RecordingView())
    [change] = [c for c in result.plan.changes if c.name == "alpha"]
    assert change.reason == REASON_ADOPT and change.action == Action.NOOP
    assert f"sid {alpha.sid} learned from its notification events" in change.detail
    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    after = state_op.read(settings(root), RecordingView()).state.jobs["alpha"]
    assert after.status == "running" and after.sid == alpha.sid


def test_a_session_only_the_events_know_is_reported(root: Path) -> None:
    state = applied(root)
    stray = "e" * 32
    store_events(root, event(40, state.jobs["beta"], sid=stray))
    result = plan_op.plan(settings(root), RecordingView())
    [warning] = [d for d in result.plan.diagnostics if stray in d.summary]
    assert warning.severity == "warning" and warning.job == "beta"
    assert f"snaplint import beta --resource-id ID --sid {stray}" in warning.detail
    # the recorded sessions' own events raise nothing
    assert not [d for d in result.plan.diagnostics if "alpha" in d.summary]


def test_open_sessions_and_end_reasons_are_pure() -> None:
    class J:
        sid, cname, uid = "a" * 32, "c", "9"

    now = int(time.time() * 1000)
    old = notification_body(
        40, sid="b" * 32, cname="c", uid="9", sequence=1, sendts=now - 90_000_000
    )
    events = [parse_event(event(40, J)), parse_event(old)]
    assert [s.sid for s in open_sessions(events, now_ms=now)] == [J.sid]  # a day old: gone
    assert end_reason([parse_event(event(11, J, exitStatus=0))]).startswith("ended normally")
    assert end_reason([parse_event(event(41, J, leaveCode=1))]) == (
        "ended: the recorder left the channel (event 41, leaveCode 1)"
    )
    assert end_reason([parse_event(event(40, J))]) is None


def run_cli(root: Path, *args: str) -> tuple[int, str]:
    from snaplint.cli import main

    out, cwd = io.StringIO(), os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return code, out.getvalue()


def test_refresh_only_detailed_exitcode_is_2_on_drift_only(root: Path, monkeypatch) -> None:
    from tests.test_operations import ENV

    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    state = applied(root)
    manifest = root / "jobs" / "alpha.yaml"
    manifest.write_text(manifest.read_text().replace("captureInterval: 15", "captureInterval: 20"))
    code, _ = run_cli(root, "plan", "--detailed-exitcode")
    assert code == 2  # the manifest changed: a normal plan has changes
    code, out = run_cli(root, "plan", "--refresh-only", "--detailed-exitcode")
    assert code == 0, out  # ... but nothing drifted
    stop_behind_state(root, state.jobs["beta"])
    code, out = run_cli(root, "plan", "--refresh-only", "--detailed-exitcode")
    assert code == 2 and "beta" in out, out
