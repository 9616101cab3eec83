"""Notifications end to end over HTTP on 127.0.0.1: the emulator posts signed callbacks to
``snaplint notifications serve`` (a subprocess), which stores them; ``snaplint status --json``
reads them back (issue 15, "Done when").

The emulator's clock is frozen and starts ``LAG`` seconds behind the wall clock, which
``status`` measures gaps against: a uid whose video stopped is then "not sending video" for
longer than the default 60 s at once, and ``--shot-gap 1h`` keeps screenshots taken
``LAG`` seconds ago from counting as missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from snaplint.agora.filenames import parse_key
from snaplint.notifications import SQLiteEventStore
from tests.e2e_project import REPO, Project
from tests.emulator_fixtures import APP, Emu, running_emulator

pytestmark = pytest.mark.slow

SECRET = "ncs-E2E-secret-0b5e77"
LAG = 1200.0
CNAME = "room-1"
BOT = "910001"


@contextmanager
def receiver(root: Path, port: int = 0) -> Iterator[Any]:
    """``snaplint notifications serve`` for the project; yields the process (``.url`` set)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "snaplint", "notifications", "serve", "--port", str(port)],
        cwd=root,
        env={**os.environ, "AGORA_NCS_SECRET": SECRET, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Receiving notifications at http://127.0.0.1:"), (
            line + proc.stderr.read()
        )
        proc.url = line.split(" at ", 1)[1].strip()
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=15)
            except Exception:
                proc.kill()
                proc.communicate()


@pytest.fixture
def world(tmp_path, monkeypatch) -> Iterator[tuple[Project, Emu, Any]]:
    """A project with one job subscribing to uids 1001 and 1002, its receiver, and an
    emulator notifying it; both uids publish in the channel."""
    monkeypatch.setenv("AGORA_NCS_SECRET", SECRET)
    root = tmp_path / "project"
    root.mkdir()
    (root / ".snaplint.yaml").write_text(f"api:\n  app-id: {APP}\n")
    with (
        receiver(root) as rec,
        running_emulator(
            tmp_path / "storage",
            notify_url=rec.url + "/agora/ncs",
            notify_secret=SECRET,
            notify_retry_delays=(1.0, 2.0, 4.0),
            clock_start=time.time() - LAG,
        ) as emu,
    ):
        project = Project(root, emu, monkeypatch)
        project.job("cam", CNAME, BOT, subs=("1001", "1002"), interval=15)
        emu.publish("1001", CNAME)
        emu.publish("1002", CNAME)
        code, out, err = project.run("apply", "--auto-approve")
        assert code == 0, out + err
        yield project, emu, rec


def video(emu: Emu, uid: str, on: bool) -> dict[str, Any]:
    resp = emu.http.patch(
        f"{emu.url}/_emulator/apps/{APP}/channels/{quote(CNAME)}/publishers/{uid}",
        json={"video": on},
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def delivered(emu: Emu) -> dict[str, Any]:
    """Wait until every notification so far was answered (or given up), then the counts."""
    assert emu.engine.notifier.flush(30)
    stats = emu.control("GET", "notifications")
    assert stats["failed"] == 0 and stats["overflow"] == 0, stats
    return stats


def status(project: Project) -> tuple[int, dict[str, dict[str, Any]]]:
    code, out, err = project.run("status", "--json", "--shot-gap", "1h")
    assert code in (0, 3), out + err
    (job,) = json.loads(out)["jobs"]
    return code, {u["uid"]: u for u in job["uids"]}


def shot_at(uid_view: dict[str, Any], started: float) -> float:
    """When the uid's last screenshot was taken, in seconds after the session started."""
    shot = uid_view["lastScreenshot"]
    return round(parse_key(shot["key"])[1].captured_at.timestamp() - started, 1)  # names: ms


def started_at(emu: Emu) -> float:
    (session,) = emu.sessions("running")
    return session["startedAt"]


@pytest.mark.parametrize("disorder", [False, True], ids=["in-order", "reversed-and-doubled"])
def test_video_off_is_flagged_while_the_other_uid_goes_on_and_on_again_clears_it(
    world, disorder: bool
) -> None:
    project, emu, _ = world
    video_scenario(project, emu, disorder)


def video_scenario(project: Project, emu: Emu, disorder: bool) -> None:
    """Both uids captured; 1002's video off: flagged, its screenshots stop, 1001's go on;
    on again: cleared."""
    t0 = started_at(emu)

    def phase(seconds: float) -> None:
        """Advance the clock; with ``disorder`` the phase's notifications are held back,
        then delivered newest first, each of them twice (the copy with a new noticeId)."""
        if disorder:
            emu.control("PATCH", "faults", {"notify_hold": True, "notify_duplicate_rate": 1.0})
        emu.advance(seconds)
        if disorder:
            time.sleep(0.3)  # the sender has taken them off its queue and holds them
            assert emu.control("GET", "notifications")["held"] > 0
            emu.control("PATCH", "faults", {"notify_hold": False})
        delivered(emu)

    phase(60)  # captures at 0, 15, 30, 45, 60 s
    code, uids = status(project)
    assert code == 0
    assert [(u, v["receiving"], v["flags"]) for u, v in uids.items()] == [
        ("1001", True, []),
        ("1002", True, []),
    ]
    assert [shot_at(v, t0) for v in uids.values()] == [60.0, 60.0]
    assert all(v["screenshotsLastHour"] == 5 for v in uids.values())

    video(emu, "1002", False)
    phase(60)
    code, uids = status(project)
    assert code == 3  # something needs a person
    assert (uids["1002"]["receiving"], uids["1002"]["flags"]) == (False, ["not-sending-video"])
    assert shot_at(uids["1002"], t0) == 60.0 and uids["1002"]["screenshotsLastHour"] == 5
    assert (uids["1001"]["receiving"], uids["1001"]["flags"]) == (True, [])
    assert shot_at(uids["1001"], t0) == 120.0 and uids["1001"]["screenshotsLastHour"] == 9
    newest: dict[str, float] = {}
    for f in emu.files_on_disk():
        name = parse_key(f.split("/", 2)[2])[1]
        at = round(name.captured_at.timestamp() - t0, 1)
        newest[name.uid] = max(newest.get(name.uid, 0), at)
    assert newest == {"1001": 120.0, "1002": 60.0}  # stopped writing them, not only telling

    video(emu, "1002", True)
    phase(30)
    code, uids = status(project)
    assert code == 0
    assert [(u, v["receiving"], v["flags"]) for u, v in uids.items()] == [
        ("1001", True, []),
        ("1002", True, []),
    ]
    assert [shot_at(v, t0) for v in uids.values()] == [150.0, 150.0]
    code, out, err = project.run("notifications", "list", "--json")
    assert code == 0, err
    kinds = [json.loads(line)["eventType"] for line in out.splitlines()]
    # one of each, however often and in whatever order they came
    assert kinds.count(40) == 1 and kinds.count(44) == 4 and kinds.count(45) == 11 + 7
    project.assert_no_secret_leaked()
    assert SECRET not in "".join(project.outputs)


@pytest.fixture
def pg_world(tmp_path, monkeypatch, pg_server) -> Iterator[tuple[Project, Emu, Counter[str]]]:
    """As ``world``, with the state and the event store in PostgreSQL and two receivers
    sharing the store; a stand-in load balancer sends each delivery to the next receiver."""
    import itertools
    import uuid

    from snaplint.emulator.sender import HttpSender, _Poster

    pg = {
        "SNAPLINT_STATE_BACKEND": "postgres",
        "SNAPLINT_PG_DSN": pg_server.dsn,
        "SNAPLINT_PG_SCHEMA": f"ncs_{uuid.uuid4().hex[:12]}",
    }
    for key, value in pg.items():
        monkeypatch.setenv(key, value)  # the receivers' processes
    monkeypatch.setenv("AGORA_NCS_SECRET", SECRET)
    root = tmp_path / "project"
    root.mkdir()
    (root / ".snaplint.yaml").write_text(f"api:\n  app-id: {APP}\n")
    with receiver(root) as a, receiver(root) as b:
        targets = itertools.cycle([a.url, b.url])
        served: Counter[str] = Counter()
        poster = _Poster()

        def balanced(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
            target = next(targets)
            served[target] += 1
            return poster.post(target + "/agora/ncs", body, headers, timeout)

        with running_emulator(tmp_path / "storage", clock_start=time.time() - LAG) as emu:
            emu.engine.notifier = HttpSender(
                "http://ncs-balancer.invalid/agora/ncs",
                SECRET,
                clock=emu.engine.clock.now,
                faults=emu.app.faults,
                post=balanced,
            )
            project = Project(root, emu, monkeypatch)  # it clears the state settings
            for key, value in pg.items():
                monkeypatch.setenv(key, value)
            project.env.update(pg)
            project.job("cam", CNAME, BOT, subs=("1001", "1002"), interval=15)
            emu.publish("1001", CNAME)
            emu.publish("1002", CNAME)
            code, out, err = project.run("apply", "--auto-approve")
            assert code == 0, out + err
            yield project, emu, served


@pytest.mark.postgres
def test_the_same_with_postgresql_and_two_receivers_sharing_the_store(pg_world) -> None:
    project, emu, served = pg_world
    video_scenario(project, emu, disorder=True)  # each copy goes to the other receiver
    assert len(served) == 2 and min(served.values()) > 10
    for local in ("events.sqlite3", "state.json"):  # both live in PostgreSQL
        assert not (project.root / ".snaplint" / local).exists()


def test_a_receiver_killed_and_restarted_loses_nothing_and_retries_fill_the_gap(world) -> None:
    project, emu, rec = world
    t0 = started_at(emu)
    emu.advance(30)
    delivered(emu)
    port = int(rec.url.rsplit(":", 1)[1])
    rec.send_signal(signal.SIGKILL)  # no chance to flush or close anything
    rec.wait(10)
    answered = set(emu.engine.notifier.answered_ok)
    assert answered

    emu.advance(30)  # screenshots at 45 and 60 s: sent while nobody listens
    time.sleep(0.3)
    assert emu.control("GET", "notifications")["retried"] > 0
    with receiver(project.root, port) as again:  # the same port: the emulator's URL
        assert again.url.endswith(f":{port}")
        stats = delivered(emu)
        with SQLiteEventStore(project.root / ".snaplint") as store:
            events = store.events()
    stored = {e.notice_id for e in events}
    assert answered <= stored  # every event answered 200 before the kill survived it
    assert len(stored) == stats["queued"] == stats["delivered"]  # and the retries did the rest
    code, uids = status(project)
    assert code == 0 and [shot_at(v, t0) for v in uids.values()] == [60.0, 60.0]


def test_control_api_switches_and_reports(world) -> None:
    project, emu, _ = world
    url = f"{emu.url}/_emulator/apps/{APP}/channels/{CNAME}/publishers"
    assert emu.http.patch(f"{url}/1001", json={"video": "off"}, timeout=5).status_code == 400
    assert emu.http.patch(f"{url}/1001", json={"colour": True}, timeout=5).status_code == 400
    missing = emu.http.patch(f"{url}/4242", json={"video": False}, timeout=5)
    assert missing.status_code == 404 and "4242" in missing.json()["error"]
    switched = video(emu, "1001", False)
    assert (switched["uid"], switched["video"], switched["audio"]) == ("1001", False, True)
    (session,) = emu.sessions("running")
    sid = session["sid"]
    emu.control("POST", f"sessions/{sid}/error", {"errorLevel": 5, "errorCode": 51})
    bad = emu.http.post(f"{emu.url}/_emulator/sessions/{sid}/error", json={"x": 1}, timeout=5)
    assert bad.status_code == 400 and "unknown error fields: x" in bad.json()["error"]
    gone = emu.http.post(f"{emu.url}/_emulator/sessions/{'0' * 32}/warning", json={}, timeout=5)
    assert gone.status_code == 404
    delivered(emu)
    code, out, _ = project.run("status", "--json", "--shot-gap", "1h")
    (job,) = json.loads(out)["jobs"]
    assert code == 3 and "errors" in job["flags"] and '"errorCode": 51' in job["errors"][0]


def test_without_a_notify_url_the_control_api_says_so(tmp_path) -> None:
    with running_emulator(tmp_path) as emu:
        assert emu.control("GET", "notifications") == {"enabled": False}
        assert requests.get(f"{emu.url}/_emulator/config", timeout=5).json()["notifyUrl"] is None


# ------------------------------------------------------------------ the command line


def cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    from snaplint.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(args))
    return code, err.getvalue()


def test_cli_refuses_a_notify_url_without_a_secret_or_not_a_url(monkeypatch) -> None:
    monkeypatch.delenv("AGORA_NCS_SECRET", raising=False)
    code, err = cli("emulator", "--port", "0", "--notify-url", "http://127.0.0.1:9/agora/ncs")
    assert code == 2 and "--notify-url needs AGORA_NCS_SECRET" in err
    monkeypatch.setenv("AGORA_NCS_SECRET", SECRET)
    for bad in ("ftp://127.0.0.1/x", "127.0.0.1:8090", "http://127.0.0.1:port/x"):
        code, err = cli("emulator", "--port", "0", "--notify-url", bad)
        assert code == 2 and "--notify-url" in err and SECRET not in err, bad
    code, err = cli("emulator", "--notify-retry", "nan", "--notify-url", "http://127.0.0.1:9/")
    assert code == 2 and "--notify-retry must be ≥ 0" in err


def test_cli_emulator_notifies_a_receiver(tmp_path) -> None:
    """``snaplint emulator --notify-url`` as a process: a started session's events arrive."""
    from snaplint.agora.client import CloudRecordingClient
    from snaplint.agora.clientconfig import Credentials
    from snaplint.agora.ratelimit import RateLimiters
    from snaplint.notifications import Secrets
    from snaplint.notifications import create_app as receiver_app
    from snaplint.notifications.serve import ReceiverServer
    from tests.emulator_fixtures import (
        DEFAULT_CUSTOMER_ID,
        DEFAULT_CUSTOMER_SECRET,
        snapshot_request,
    )

    store = SQLiteEventStore(tmp_path / "events")
    server = ReceiverServer(receiver_app(store, Secrets(SECRET)), port=0, threads=2).start()
    proc = subprocess.Popen(
        [sys.executable, "-m", "snaplint", "emulator", "--port", "0", "--time-scale", "0",
         "--auto-publishers", "--qps", "0", "--storage-dir", str(tmp_path / "shots"),
         "--notify-url", server.url + "/agora/ncs"],
        env={**os.environ, "AGORA_NCS_SECRET": SECRET, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.rsplit(" on ", 1)[1].strip()
        lines = [proc.stdout.readline() for _ in range(6)]
        assert any(
            f"notifications: {server.url}/agora/ncs (signed with AGORA_NCS_SECRET" in line
            for line in lines
        ), lines
        client = CloudRecordingClient(
            Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET),
            endpoint=url,
            limiters=RateLimiters(),
            qps=1000.0,
        )
        rid = client.acquire(APP, CNAME, BOT, {}).resource_id
        sid = client.start(APP, rid, "individual", CNAME, BOT, snapshot_request()).sid
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(store.events(sid=sid)) < 5:
            time.sleep(0.1)
        kinds = sorted(e.event_type for e in store.events(sid=sid))
        assert kinds == [40, 44, 44, 45, 45]  # auto publishers 1001 and 1002
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        server.stop()
        store.close()
    assert SECRET not in first + "".join(lines) + out + err
