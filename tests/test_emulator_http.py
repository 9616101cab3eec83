"""The emulator's HTTP surface: control API, loopback rule, faults API, JPEGs, the CLI."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from snaplint.emulator.app import EmulatorApp, Request, is_loopback
from snaplint.emulator.engine import Engine
from snaplint.emulator.faults import FaultConfig, parse_drop_spec, parse_error_spec
from snaplint.emulator.jpeg import encode_blocks, screenshot_jpeg
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    APP,
    BOT_UID,
    CNAME,
    emulator_fixture,
    snapshot_request,
    start_session,
)

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ control API


def test_control_api_lists_sessions_with_status_and_files(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"], interval=5))
    emulator.advance(10)
    (view,) = emulator.sessions()
    assert view["sid"] == sid and view["resourceId"] == rid
    assert (view["state"], view["status"], view["appId"], view["mode"]) == (
        "running",
        5,
        APP,
        "individual",
    )
    assert len(view["files"]) == 3  # at start, 5 s and 10 s
    assert view["config"]["storageConfig"]["accessKey"] == "(sensitive value)"
    assert emulator.sessions(state="gone") == []
    assert emulator.session(sid)["files"] == view["files"]


def test_control_api_publishers(emulator):
    emulator.publish("1001", video=False)
    pubs = emulator.control("GET", f"apps/{APP}/channels/{CNAME}/publishers")
    assert [(p["uid"], p["video"], p["audio"]) for p in pubs] == [("1001", False, True)]
    assert list(emulator.control("GET", "channels")) == [f"{APP}/{CNAME}"]
    emulator.unpublish("1001")
    assert emulator.control("GET", "channels") == {}
    resp = requests.delete(
        f"{emulator.url}/_emulator/apps/{APP}/channels/{CNAME}/publishers/1001", timeout=5
    )
    assert resp.status_code == 404
    resp = requests.post(
        f"{emulator.url}/_emulator/apps/{APP}/channels/{CNAME}/publishers", json={}, timeout=5
    )
    assert resp.status_code == 400
    resp = requests.post(
        f"{emulator.url}/_emulator/apps/{APP}/channels/{CNAME}/publishers",
        json={"uid": "0"},
        timeout=5,
    )
    assert resp.status_code == 400


def test_control_api_clock_and_errors(emulator):
    before = emulator.control("GET", "clock")["now"]
    assert emulator.advance(90) == pytest.approx(before + 90)
    assert (
        requests.post(
            f"{emulator.url}/_emulator/clock/advance", json={"seconds": -1}, timeout=5
        ).status_code
        == 400
    )
    assert requests.get(f"{emulator.url}/_emulator/nope", timeout=5).status_code == 404
    assert (
        requests.post(f"{emulator.url}/_emulator/sessions/abc/failover", timeout=5).status_code
        == 404
    )
    assert emulator.control("GET", "health")["ok"] is True


def test_control_api_faults_round_trip_and_validation(emulator):
    config = emulator.faults(errors={"start": {"rate": 0.5, "code": 65}}, latency_ms=5, seed=3)
    assert config["errors"]["start"]["code"] == 65 and config["latency_ms"] == 5
    patched = emulator.control(
        "PATCH", "faults", {"drops": {"*": {"rate": 0.1}}, "errors": {"start": None}}
    )
    assert patched["errors"] == {} and patched["drops"]["*"]["rate"] == 0.1
    for bad in (
        {"errors": {"nope": {"rate": 1}}},
        {"errors": {"start": {"rate": 2}}},
        {"bogus": 1},
    ):
        assert (
            requests.put(f"{emulator.url}/_emulator/faults", json=bad, timeout=5).status_code == 400
        )
    assert emulator.control("DELETE", "faults")["drops"] == {}


def test_control_api_config_and_reset(emulator):
    assert emulator.control("GET", "config")["qps"] is None  # the fixture runs unthrottled
    assert emulator.control("PATCH", "config", {"qps": 50, "failoverRecovery": 1})["qps"] == 50
    start_session(emulator)
    emulator.control("POST", "reset")
    assert emulator.sessions() == [] and emulator.request_log() == []


def test_request_log_records_api_calls(emulator):
    start_session(emulator)
    log = emulator.request_log()
    assert [(e["endpoint"], e["status"], e["appId"]) for e in log] == [
        ("acquire", 200, APP),
        ("start", 200, APP),
    ]
    assert log[0]["monotonic"] <= log[1]["monotonic"]
    emulator.control("DELETE", "requests")
    assert emulator.request_log() == []


def test_control_api_answers_loopback_clients_only():
    app = EmulatorApp(Engine())
    assert app.handle(Request("GET", "/_emulator/sessions", client="127.0.0.1")).status == 200
    assert app.handle(Request("GET", "/_emulator/sessions", client="::1")).status == 200
    refused = app.handle(Request("GET", "/_emulator/sessions", client="192.168.1.20"))
    assert refused.status == 403 and "loopback" in refused.body["error"]
    assert is_loopback("::ffff:127.0.0.1") and not is_loopback("10.0.0.1")


def test_ncs_ip(emulator):
    assert emulator.client().ncs_ips() == ["127.0.0.1"]


# ------------------------------------------------------------------ faults


def test_fault_specs_from_the_command_line():
    assert parse_error_spec("start=0.2") == ("start", {"rate": 0.2, "when": "before"})
    assert parse_error_spec("*=0.1:503") == ("*", {"rate": 0.1, "when": "before", "status": 503})
    assert parse_error_spec("query=0.3:206:65@after") == (
        "query",
        {"rate": 0.3, "when": "after", "status": 206, "code": 65},
    )
    assert parse_drop_spec("stop=0.5@after") == ("stop", {"rate": 0.5, "when": "after"})
    for bad in ("start", "nope=0.1", "start=0.1:1:2:3"):
        with pytest.raises(ValueError):
            parse_error_spec(bad)


def test_injected_bodies_follow_the_reference():
    def answer(endpoint, **spec):
        return (
            FaultConfig.from_dict({"errors": {endpoint: {"rate": 1, **spec}}})
            .errors[endpoint]
            .response(endpoint)
        )

    assert answer("acquire") == (500, {"code": 504, "reason": "allocate_timeout"})
    assert answer("start") == (500, {"code": 62, "reason": "request timeout"})
    assert answer("query") == (504, {"code": 62, "reason": "request timeout"})
    assert answer("query", code=65) == (206, {"code": 65, "reason": "request not completed"})
    assert answer("stop", status=503) == (503, {"message": "Service Unavailable"})
    assert answer("start", code=502) == (500, {"code": 502, "reason": "Failed to allocate worker"})


def test_error_rate_is_seeded_and_roughly_right(emulator):
    from snaplint.agora.clientconfig import RetryPolicy
    from snaplint.agora.exceptions import ServerError

    emulator.control("PATCH", "config", {"qps": 0})  # no QPS limit: only the injected errors
    client = emulator.client(retry=RetryPolicy(total=0))

    def run() -> list[bool]:
        emulator.faults(errors={"acquire": {"rate": 0.3}}, seed=11)
        outcomes = []
        for _ in range(100):
            try:
                client.acquire(APP, CNAME, BOT_UID, {})
                outcomes.append(True)
            except ServerError:
                outcomes.append(False)
        return outcomes

    first = run()
    assert 15 <= first.count(False) <= 45
    assert run() == first  # the same seed replays the same faults


def test_uploading_status_fault(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]))
    emulator.advance(5)
    emulator.faults(uploading_status="backuped")
    client = emulator.client()
    assert client.stop(APP, rid, sid, "individual", CNAME, BOT_UID).uploading_status == "backuped"
    emulator.control("DELETE", "faults")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]), uid="910002")
    emulator.advance(5)
    assert client.stop(APP, rid, sid, "individual", CNAME, "910002").uploading_status == "uploaded"


# ------------------------------------------------------------------ JPEG


def _markers(data: bytes) -> list[int]:
    """Segment markers up to SOS (a structural check that needs no decoder)."""
    out, i = [], 2
    assert data[:2] == b"\xff\xd8"
    while True:
        assert data[i] == 0xFF
        marker = data[i + 1]
        out.append(marker)
        if marker == 0xDA:
            return out
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length


def test_jpeg_structure_is_baseline_jfif():
    data = screenshot_jpeg("1001", 1_750_000_005_000)
    assert _markers(data) == [0xE0, 0xDB, 0xC0, 0xC4, 0xDA]
    assert data.endswith(b"\xff\xd9")
    sof = data.index(b"\xff\xc0")
    precision, height, width, components = struct.unpack(">BHHB", data[sof + 4 : sof + 10])
    assert (precision, height, width, components) == (8, 48, 64, 3)
    assert screenshot_jpeg("1001", 1_750_000_005_000) != screenshot_jpeg("1001", 1_750_000_006_000)


def _gdk_pixbuf():
    name = ctypes.util.find_library("gdk_pixbuf-2.0")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.gdk_pixbuf_new_from_file.restype = ctypes.c_void_p
    lib.gdk_pixbuf_new_from_file.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    for fn in ("get_width", "get_height", "get_rowstride", "get_n_channels"):
        getattr(lib, f"gdk_pixbuf_{fn}").argtypes = [ctypes.c_void_p]
    lib.gdk_pixbuf_get_pixels.restype = ctypes.POINTER(ctypes.c_ubyte)
    lib.gdk_pixbuf_get_pixels.argtypes = [ctypes.c_void_p]
    return lib


def test_jpeg_decodes_with_a_real_decoder(tmp_path):
    lib = _gdk_pixbuf()
    if lib is None:
        pytest.skip("libgdk_pixbuf (libjpeg) not available to decode")
    colours = [
        [(255, 0, 0), (0, 255, 0), (0, 0, 255)],
        [(10, 20, 30), (128, 128, 128), (250, 250, 5)],
    ]
    path = tmp_path / "x.jpg"
    path.write_bytes(encode_blocks(colours))
    error = ctypes.c_void_p()
    pixbuf = lib.gdk_pixbuf_new_from_file(str(path).encode(), ctypes.byref(error))
    assert pixbuf and not error.value
    width, height = lib.gdk_pixbuf_get_width(pixbuf), lib.gdk_pixbuf_get_height(pixbuf)
    stride, channels = lib.gdk_pixbuf_get_rowstride(pixbuf), lib.gdk_pixbuf_get_n_channels(pixbuf)
    assert (width, height) == (24, 16)
    pixels = lib.gdk_pixbuf_get_pixels(pixbuf)
    for r, row in enumerate(colours):
        for c, expected in enumerate(row):
            offset = (r * 8 + 4) * stride + (c * 8 + 4) * channels
            got = tuple(pixels[offset + i] for i in range(3))
            assert all(abs(a - b) <= 3 for a, b in zip(got, expected, strict=True)), (got, expected)


# ------------------------------------------------------------------ snaplint emulator (CLI)


def test_cli_emulator_serves_until_interrupted(tmp_path):
    env = {**os.environ, "AGORA_CUSTOMER_ID": "cid", "AGORA_CUSTOMER_SECRET": "csecret-123"}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "snaplint", "emulator", "--port", "0", "--storage-dir", str(tmp_path / "st"),
            "--time-scale", "50", "--qps", "20", "--error-rate", "query=1:206:65", "--latency", "1",
        ],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first).group(0)
        rest = "".join(proc.stdout.readline() for _ in range(5))
        assert "csecret-123" not in first + rest  # the secret from the environment is not printed
        assert f"SNAPLINT_API_ENDPOINT={url}" in rest
        from snaplint.agora.client import CloudRecordingClient
        from snaplint.agora.clientconfig import Credentials, RetryPolicy
        from snaplint.agora.exceptions import ServerError
        from snaplint.agora.ratelimit import RateLimiters

        client = CloudRecordingClient(
            Credentials.of("cid", "csecret-123"),
            endpoint=url,
            limiters=RateLimiters(),
            retry=RetryPolicy(total=0),
        )
        requests.post(
            f"{url}/_emulator/apps/{APP}/channels/{CNAME}/publishers",
            json={"uid": "1001"},
            timeout=5,
        )
        rid = client.acquire(APP, CNAME, BOT_UID, {}).resource_id
        sid = client.start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request(["1001"])).sid
        with pytest.raises(ServerError):  # the --error-rate fault
            client.query(APP, rid, sid, "individual")
        deadline = time.monotonic() + 20  # generous: CI runs campaigns beside this test
        while not list((tmp_path / "st").rglob("*.jpg")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list((tmp_path / "st").rglob(f"{sid}_*.jpg"))  # time runs 50× faster
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)  # a loaded 2-core CI machine can be slow to schedule it
    assert proc.returncode == 0


def test_cli_emulator_prints_default_credentials_and_rejects_bad_flags(cli, tmp_path):
    code, _, err = cli("emulator", "--error-rate", "nope=1", "--port", "0")
    assert code == 2 and "unknown endpoint" in err
    code, _, err = cli("emulator", "--time-scale", "-1")
    assert code == 2
