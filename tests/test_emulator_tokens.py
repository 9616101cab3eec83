"""The emulator verifies RTC tokens for App IDs with an App Certificate (issue 16, point 1):
start answers 400 {code 110} for a wrong channel, uid or signature, 400 {code 109} for an
expired token, and a session whose token expires ends (the bot leaves)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from snaplint.agora.tokens import build_rtc_token
from snaplint.emulator.clock import ManualClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.tokencheck import (
    ENV_VAR,
    TOKEN_EXPIRED_REASON,
    embedded_certificates,
    parse_certificates,
)
from snaplint.emulator.validation import Reject
from tests.emulator_fixtures import APP, BOT_UID, CNAME, snapshot_request

CERT = "5cfd2fd1755d40ecb72977518be15d3b"
OTHER_CERT = "0" * 31 + "1"
T0 = 1_750_000_000


def _engine() -> Engine:
    engine = Engine(clock=ManualClock(float(T0)), qps=None)
    engine.app_certificates = {APP: CERT}
    return engine


def _token(cname: str = CNAME, uid: str = BOT_UID, *, cert: str = CERT, valid: int = 3600) -> str:
    return build_rtc_token(APP, cert, cname, int(uid), "publisher", valid, valid, issue_ts=T0)


def _start(engine: Engine, token: str | None):
    rid = engine.acquire(APP, {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}}).body[
        "resourceId"
    ]
    request = snapshot_request()
    if token is not None:
        request["token"] = token
    return engine.start(
        APP, rid, "individual", {"cname": CNAME, "uid": BOT_UID, "clientRequest": request}
    )


@pytest.mark.parametrize(
    ("token", "code", "words"),
    [
        (None, 110, "requires a token"),
        ("007garbage", 110, "invalid"),
        (_token(cname="other-room"), 110, "channel"),
        (_token(uid="910002"), 110, "uid"),
        (_token(cert=OTHER_CERT), 110, "signature"),
        (_token(valid=10), 109, "expired"),
    ],
)
def test_start_refuses_a_token_the_service_would_refuse(token, code, words):
    engine = _engine()
    if code == 109:
        engine.advance(60)
    with pytest.raises(Reject) as caught:
        _start(engine, token)
    assert (caught.value.status, caught.value.code) == (400, code)
    assert words in caught.value.reason
    assert CERT not in caught.value.reason
    if token:
        assert token not in caught.value.reason
    assert engine.list_sessions(None) == []


def test_a_valid_token_starts_and_the_session_ends_when_it_expires():
    engine = _engine()
    engine.add_publisher(APP, CNAME, "1001")  # a live channel: only the token can end it
    reply = _start(engine, _token(valid=3600))
    assert reply.status == 200
    sid = reply.body["sid"]
    engine.advance(3599)
    assert engine.get_session(sid)["state"] == "running"
    engine.advance(2)
    view = engine.get_session(sid)
    assert view["state"] != "running"
    assert view["endReason"] == TOKEN_EXPIRED_REASON
    assert view["endedAt"] == T0 + 3600
    assert CERT not in json.dumps(engine.to_state())


def test_app_ids_without_a_certificate_accept_any_token():
    engine = Engine(clock=ManualClock(float(T0)), qps=None)
    assert _start(engine, "not-a-token").status == 200


def test_certificate_settings_are_parsed_and_refused_clearly(caplog):
    assert parse_certificates([f"{APP.upper()}={CERT}"]) == {APP: CERT}
    for bad in ("nonsense", f"{APP}=short", f"xyz={CERT}"):
        with pytest.raises(ValueError) as caught:
            parse_certificates([bad])
        assert "short" not in str(caught.value)
    env = {ENV_VAR: f"{APP}={CERT}, bogus"}
    assert embedded_certificates(env) == {APP: CERT}
    assert ENV_VAR in caplog.text and "bogus" not in caplog.text


def test_cli_refuses_a_malformed_certificate_without_echoing_it():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "snaplint",
            "emulator",
            "--port",
            "0",
            "--app-certificate",
            f"{APP}=abc123",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--app-certificate" in result.stderr and "abc123" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_the_embedded_emulator_verifies_with_the_environment_setting(tmp_path, monkeypatch):
    from snaplint.emulator.app import Request
    from snaplint.emulator.embedded import EmbeddedEmulator

    monkeypatch.setenv(ENV_VAR, f"{APP}={CERT}")
    emu = EmbeddedEmulator(tmp_path / "emulator")
    auth = {
        "Authorization": "Basic c25hcGxpbnQtZW11bGF0b3I6c25hcGxpbnQtZW11bGF0b3Itc2VjcmV0",
        "Content-Type": "application/json;charset=utf-8",
    }
    base = f"/v1/apps/{APP}/cloud_recording"

    def start(token: str) -> tuple[int, dict]:
        body = {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}}
        acquired = emu.handle(Request("POST", f"{base}/acquire", auth, json.dumps(body).encode()))
        rid = acquired.body["resourceId"]
        request = {**snapshot_request(), "token": token}
        body = {"cname": CNAME, "uid": BOT_UID, "clientRequest": request}
        path = f"{base}/resourceid/{rid}/mode/individual/start"
        answer = emu.handle(Request("POST", path, auth, json.dumps(body).encode()))
        return answer.status, answer.body

    with emu.engine() as engine:
        now = int(engine.now())
    wrong = build_rtc_token(APP, CERT, "elsewhere", int(BOT_UID), "publisher", 3600, 3600)
    status, body = start(wrong)
    assert (status, body["code"]) == (400, 110) and "channel" in body["reason"]
    good = build_rtc_token(APP, CERT, CNAME, int(BOT_UID), "publisher", 3600, 3600, issue_ts=now)
    status, body = start(good)
    assert status == 200 and body["sid"]
    assert CERT not in (tmp_path / "emulator" / "state.json").read_text()
