"""The receiver on the real waitress server, over HTTP on 127.0.0.1: in a thread, and as a
separate process that is killed (SIGKILL: answered events survive) or stopped (SIGTERM:
requests in progress finish first)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from snaplint.notifications import Secrets, SQLiteEventStore, create_app
from snaplint.notifications.compose import notification_body, signed_headers
from snaplint.notifications.serve import ReceiverServer

REPO = Path(__file__).resolve().parent.parent
SECRET = "ncs-Secret-3f9a1c77e2"


def post(url: str, body: bytes, headers: dict[str, str], path: str = "/agora/ncs"):
    host, port = url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def body(seq: int, notice: str | None = None) -> bytes:
    return notification_body(
        45, sid="sid-1", cname="c", uid="527", sequence=seq, sendts=seq, notice_id=notice
    )


@pytest.fixture
def served(tmp_path):
    store = SQLiteEventStore(tmp_path / ".snaplint")
    server = ReceiverServer(
        create_app(store, Secrets(SECRET), max_body=4096), "127.0.0.1", 0, max_body=4096
    ).start()
    yield server, store
    server.stop()
    store.close()


def test_over_http_with_keep_alive(served):
    server, store = served
    host, port = server.addresses[0]
    assert host == "127.0.0.1" and port > 0
    conn = http.client.HTTPConnection(host, port, timeout=10)
    for seq in range(10):  # one kept-alive connection, like Agora's
        data = body(seq)
        conn.request("POST", "/agora/ncs", body=data, headers=signed_headers(data, SECRET))
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())) == (200, {"ok": True, "duplicate": False})
    conn.request("GET", "/healthz")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Server") == "snaplint"
    resp.read()
    conn.close()
    assert store.count() == 10


def test_over_http_refusals(served):
    server, store = served
    data = body(0)
    assert post(server.url, data, {"Content-Type": "application/json"})[0] == 401
    big = notification_body(45, details={"x": "y" * 5000})
    assert post(server.url, big, signed_headers(big, SECRET))[0] == 413  # waitress's own
    assert post(server.url, data, signed_headers(data, SECRET), path="/nope")[0] == 404
    assert store.count() == 0


def test_stop_is_prompt_and_closes_the_port(served):
    server, _ = served
    host, port = server.addresses[0]
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    with pytest.raises(OSError):
        http.client.HTTPConnection(host, port, timeout=2).connect()


# -- a receiver process --------------------------------------------------------------------------

RECEIVER = textwrap.dedent(
    """
    import sys, time
    from snaplint.notifications import Secrets, SQLiteEventStore
    from snaplint.notifications.serve import run_receiver

    root, secret, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])

    class Slow(SQLiteEventStore):
        def add(self, event):
            time.sleep(delay)
            return super().add(event)

    store = Slow(root + "/.snaplint") if delay else None
    run_receiver(root, "127.0.0.1", 0, "/agora/ncs", Secrets(secret), store=store,
                 threads=1, on_ready=lambda url: print(url, flush=True))
    print("exited cleanly", flush=True)
    """
)


def spawn(root: Path, delay: float = 0.0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", RECEIVER, str(root), SECRET, str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), proc.communicate(timeout=10)
    return proc, url


def test_sigkill_after_200_keeps_every_answered_event(tmp_path):
    proc, url = spawn(tmp_path)
    try:
        for seq in range(50):
            data = body(seq, notice=f"n-{seq}")
            status, answer = post(url, data, signed_headers(data, SECRET))
            assert (status, json.loads(answer)["ok"]) == (200, True)
        proc.send_signal(signal.SIGKILL)  # no chance to checkpoint, close or flush anything
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / ".snaplint" / "events.sqlite3-wal").exists()  # still in the WAL
    with SQLiteEventStore(tmp_path / ".snaplint") as store:
        assert [e.notice_id for e in store.events()] == [f"n-{seq}" for seq in range(50)]


def test_sigterm_drains_requests_in_progress(tmp_path):
    """One server thread, a store that takes 1 s per event, two notifications at once: on
    SIGTERM the one being stored and the one queued behind it are both answered 200."""
    proc, url = spawn(tmp_path, delay=1.0)
    answers: dict[str, tuple[int, bytes]] = {}

    def deliver(notice: str, seq: int) -> None:
        data = body(seq, notice=notice)
        answers[notice] = post(url, data, signed_headers(data, SECRET))

    try:
        threads = [threading.Thread(target=deliver, args=(f"n-{i}", i)) for i in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.4)  # one request is inside the store's add, the other waits for the thread
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        with pytest.raises(OSError):  # no new connections while draining
            post(url, body(9), {})
        for thread in threads:
            thread.join(15)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert {n: a[0] for n, a in answers.items()} == {"n-0": 200, "n-1": 200}, err
    assert proc.returncode == 0 and "exited cleanly" in out, err
    assert SECRET not in out + err
    with SQLiteEventStore(tmp_path / ".snaplint") as store:
        assert sorted(e.notice_id for e in store.events()) == ["n-0", "n-1"]


def test_receiver_refuses_to_start_on_a_broken_store(tmp_path):
    (tmp_path / ".snaplint").write_text("a file where the folder should be")
    proc = subprocess.run(
        [sys.executable, "-c", RECEIVER, str(tmp_path), SECRET, "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode != 0 and "StoreError" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
