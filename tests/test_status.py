"""``snaplint status``: events from the notification store matched to jobs by sid."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path

import pytest

from snaplint.agora.filenames import build_name
from snaplint.notifications import SQLiteEventStore, parse_event
from snaplint.notifications.compose import notification_body
from snaplint.operations import apply as apply_op
from snaplint.operations import state_commands as state_op
from tests.test_operations import RecordingView, root_fixture, settings  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _store_fed_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests feed the event store themselves, as a receiver would: the embedded
    emulator's own notifications (tests/test_e2e_notifications.py) are kept out of it."""
    from snaplint.operations import emulated_events

    monkeypatch.setattr(emulated_events, "event_sink", lambda opener: lambda bodies: None)


def run_status(root: Path, *args: str) -> tuple[int, str]:
    from snaplint.cli import main

    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out):
            code = main(["status", *args])
    finally:
        os.chdir(cwd)
    return code, out.getvalue()


def events_for(root: Path, job: str, now: float, *, reverse: bool = False) -> list[bytes]:
    state = state_op.read(settings(root), RecordingView()).state
    j = state.jobs[job]
    t = int(now * 1000)
    bodies = []
    seq = 0

    def add(kind: int, at: int, details: dict) -> None:
        nonlocal seq
        seq += 1
        bodies.append(
            notification_body(
                kind, sid=j.sid, cname=j.cname, uid=j.uid, sequence=seq, sendts=at, details=details
            )
        )

    for uid in ("1001", "1002"):
        add(44, t - 600_000, {"streamUid": uid, "state": 0, "UtcMs": t - 600_000})
    for uid, last in (("1001", 5_000), ("1002", 125_000)):  # 1002's stop when its video did
        for k in range(4):
            at = t - last - 15_000 * k
            name = build_name(j.sid, j.cname, uid, at / 1000)
            add(45, at, {"fileName": f"e2e/{j.cname.replace('-', '')}/{name}"})
    add(44, t - 120_000, {"streamUid": "1002", "state": 1, "UtcMs": t - 120_000})
    return list(reversed(bodies)) if reverse else bodies


@pytest.mark.parametrize("reverse", [False, True])
def test_status_shows_receiving_uids_and_flags_a_silent_one(root: Path, reverse: bool) -> None:
    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    now = time.time()
    store = SQLiteEventStore(root / ".snaplint")
    for body in events_for(root, "alpha", now, reverse=reverse):
        event = parse_event(body)
        assert store.add(event)
    store.close()

    code, out = run_status(root, "--json")
    assert code == 3, out  # something needs a person
    jobs = {j["name"]: j for j in json.loads(out)["jobs"]}
    uids = {u["uid"]: u for u in jobs["alpha"]["uids"]}
    assert uids["1001"]["receiving"] is True and uids["1001"]["flags"] == []
    assert uids["1001"]["lastScreenshot"]["key"].endswith(".jpg")
    assert uids["1002"]["receiving"] is False and uids["1002"]["flags"] == ["not-sending-video"]
    assert uids["1001"]["screenshotsLastHour"] == 4
    assert jobs["beta"]["uids"][0]["receiving"] is None  # no events for it yet

    code, text = run_status(root)
    assert code == 3 and "uid 1002: NOT sending video" in text and "[not-sending-video]" in text

    store = SQLiteEventStore(root / ".snaplint")
    j = state_op.read(settings(root), RecordingView()).state.jobs["alpha"]
    t = int(now * 1000)
    body = notification_body(
        44,
        sid=j.sid,
        cname=j.cname,
        uid=j.uid,
        sequence=99,
        sendts=t - 1000,
        details={"streamUid": "1002", "state": 0, "UtcMs": t - 1000},
    )
    assert store.add(parse_event(body))
    store.close()
    code, out = run_status(root, "--json", "--target", "job.alpha")
    uids = {u["uid"]: u for u in json.loads(out)["jobs"][0]["uids"]}
    assert uids["1002"]["receiving"] is True and uids["1002"]["flags"] == []
    assert code == 0, out


def test_an_abnormal_exit_is_flagged(root: Path) -> None:
    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    j = state_op.read(settings(root), RecordingView()).state.jobs["beta"]
    store = SQLiteEventStore(root / ".snaplint")
    body = notification_body(
        11,
        sid=j.sid,
        cname=j.cname,
        uid=j.uid,
        sequence=1,
        sendts=int(time.time() * 1000),
        details={"exitStatus": 1},
    )
    assert store.add(parse_event(body))
    store.close()
    code, out = run_status(root, "--json")
    beta = next(x for x in json.loads(out)["jobs"] if x["name"] == "beta")
    assert code == 3 and beta["flags"] == ["exited-abnormally"] and "abnormally" in beta["ended"]


def test_no_screenshot_while_video_is_received_is_flagged_after_two_intervals() -> None:
    from snaplint.notifications.capture import capture

    sid, t = "a" * 32, 1_800_000_000_000
    spec = {
        "clientRequest": {
            "recordingConfig": {"subscribeVideoUids": ["7"]},
            "snapshotConfig": {"captureInterval": 10},
        }
    }

    def view(last_shot_ago_ms: int):
        events = [
            parse_event(
                notification_body(
                    44,
                    sid=sid,
                    cname="c",
                    uid="9",
                    sequence=1,
                    sendts=t - 300_000,
                    details={"streamUid": "7", "state": 0},
                )
            ),
            parse_event(
                notification_body(
                    45,
                    sid=sid,
                    cname="c",
                    uid="9",
                    sequence=2,
                    sendts=t - last_shot_ago_ms,
                    details={
                        "fileName": "p/" + build_name(sid, "c", "7", (t - last_shot_ago_ms) / 1000)
                    },
                )
            ),
        ]
        return capture("j", "running", sid, spec, events, now_ms=t)

    assert view(15_000).uids[0].flags == []  # within two intervals (20 s)
    assert view(25_000).uids[0].flags == ["no-screenshot"]
    assert view(25_000).expected_last_hour == 360


def test_an_untracked_session_is_flagged_for_a_person() -> None:
    from snaplint.notifications.capture import capture

    spec = {"clientRequest": {"recordingConfig": {"subscribeVideoUids": ["7"]}}}
    lost = capture("gamma", "untracked", None, spec, [], now_ms=1_800_000_000_000)
    assert lost.flags == ["untracked"] and lost.flagged
    known = capture("gamma", "running", "a" * 32, spec, [], now_ms=1_800_000_000_000)
    assert known.flags == [] and not known.flagged


def test_refresh_queries_running_sessions_and_shows_an_ended_one_ended(root: Path) -> None:
    import contextlib as _contextlib

    from snaplint.agora.exceptions import NoRecordedDataError
    from tests.test_operations import _embedded_client

    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    alpha = state_op.read(settings(root), RecordingView()).state.jobs["alpha"]
    with _contextlib.suppress(NoRecordedDataError):  # 435: stopped before any upload
        _embedded_client(root).stop(
            alpha.app_id, alpha.resource_id, alpha.sid, alpha.mode, alpha.cname, alpha.uid
        )
    _, out = run_status(root, "--json")
    plain = {j["name"]: j for j in json.loads(out)["jobs"]}
    assert plain["alpha"]["status"] == "running" and plain["alpha"]["query"] is None
    code, out = run_status(root, "--json", "--refresh")
    assert code in (0, 3)
    jobs = {j["name"]: j for j in json.loads(out)["jobs"]}
    assert jobs["alpha"]["status"] == "ended" and jobs["alpha"]["query"].startswith("ended")
    assert jobs["alpha"]["ended"] and jobs["beta"]["query"].startswith("running")
    assert all(not u["flags"] for u in jobs["alpha"]["uids"])  # ended: nothing to receive


def test_watch_prints_a_round_per_interval_until_interrupted(root: Path) -> None:
    import signal
    import subprocess
    import sys

    from tests.test_operations import ENV

    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    proc = subprocess.Popen(
        [sys.executable, "-m", "snaplint", "status", "--watch", "--interval", "0.5", "--json"],
        cwd=root,
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = [proc.stdout.readline() for _ in range(3)]  # three rounds, as they come
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    rounds = [json.loads(line) for line in lines]
    assert all(sorted(j["name"] for j in r["jobs"]) == ["alpha", "beta"] for r in rounds)
    assert proc.returncode in (0, 3) and "Traceback" not in err, err
