"""``snaplint notifications serve | list`` end to end: a real receiver process on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from snaplint.notifications.compose import signed_headers

EXAMPLE = (
    b'{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f",'
    b'"notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}'
)
SECRET = "ncs-SECRET-e2e-7731"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snaplint(*args: str, cwd: Path, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snaplint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_stores_signed_events_and_list_shows_them(tmp_path: Path) -> None:
    (tmp_path / ".snaplint.yaml").write_text("{}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "SNAPLINT_"))}
    refused = snaplint("notifications", "serve", "--port", "0", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "AGORA_NCS_SECRET is not set" in refused.stderr

    env["AGORA_NCS_SECRET"] = SECRET
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "snaplint", "notifications", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Receiving notifications at" in proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/agora/ncs"
        json_type = {"Content-Type": "application/json"}
        assert post(url, EXAMPLE, json_type) == 401  # unsigned
        assert post(url, EXAMPLE, {**json_type, **signed_headers(EXAMPLE, "wrong")}) == 401
        assert post(url, EXAMPLE, {**json_type, **signed_headers(EXAMPLE, SECRET)}) == 200
        assert post(url, EXAMPLE, {**json_type, **signed_headers(EXAMPLE, SECRET)}) == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert SECRET not in out + err

    listed = snaplint("notifications", "list", "--json", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["noticeId"] for r in rows] == ["4eb720f0-8da7-11e9-a43e-53f411c2761f"]  # once
    assert not any(SECRET in line for line in listed.stdout.splitlines())
    text = snaplint("notifications", "list", cwd=tmp_path, env=env)
    assert text.returncode == 0 and " 10 " in text.stdout
