"""An emulator that refuses nonsense (issue 12, point 7): control values checked, bodies
bounded, every route answers every malformed body with JSON, odd methods get the service's 404."""

from __future__ import annotations

import http.client
import json
import math
import re
import socket

import pytest

from snaplint.emulator.app import API_ROUTES, CONTROL_ROUTES, EmulatorApp, Request
from snaplint.emulator.bodies import BodyError, parse_json
from snaplint.emulator.clock import ManualClock, SimClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.faults import FaultConfig
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    APP,
    emulator_fixture,
    start_session,
)

AUTH = {
    "Authorization": "Basic c25hcGxpbnQtZW11bGF0b3I6c25hcGxpbnQtZW11bGF0b3Itc2VjcmV0",
    "Content-Type": "application/json;charset=utf-8",
}
NO_ROUTE = {"message": "no Route matched with those values"}

MALFORMED: dict[str, bytes] = {
    "deep-array": b"[" * 5000 + b"]" * 5000,
    "deep-object": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "long-int": b'{"seconds": ' + b"9" * 5000 + b"}",
    "huge-float": b'{"seconds": 1e400}',
    "nan": b'{"seconds": NaN}',
    "infinity": b'{"seconds": -Infinity}',
    "not-utf8": b'{"a": "\xff\xfe"}',
    "not-json": b"{this is not json",
    "array": b"[1, 2, 3]",
    "string": b'"text"',
    "number": b"42",
    "null": b"null",
    "wrong-types": json.dumps(
        {
            "seconds": "ten",
            "errors": [1],
            "drops": "all",
            "qps": True,
            "uid": {"a": 1},
            "latency_ms": -5,
        }
    ).encode(),
    "wrong-fault": json.dumps({"errors": {"start": {"rate": "x", "status": "500"}}}).encode(),
}


def _app() -> EmulatorApp:
    return EmulatorApp(Engine(clock=ManualClock()))


def _path(template: str) -> str:
    values = {"sid": "0" * 32, "app": APP, "cname": "room", "uid": "1001"}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _api_path(pattern: re.Pattern[str]) -> str:
    text = pattern.pattern.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<app>[^)]*\)", APP, text)
    text = re.sub(r"\(\?P<mode>[^)]*\)", "individual", text)
    return re.sub(r"\(\?P<\w+>[^)]*\)", "x" * 8, text)


def test_every_control_route_in_the_table_is_routed():
    app = _app()
    for method, template in CONTROL_ROUTES:
        response = app.handle(Request(method, f"/_emulator/{_path(template)}", body=b"{}"))
        assert "no control route" not in json.dumps(response.body), (method, template)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_each_malformed_body_on_each_route_gets_a_json_answer(name, caplog):
    app = _app()
    raw = MALFORMED[name]
    routes = [("control", m, f"/_emulator/{_path(t)}") for m, t in CONTROL_ROUTES] + [
        ("api", m, _api_path(p)) for m, p, _ in API_ROUTES
    ]
    for kind, method, path in routes:
        response = app.handle(Request(method, path, headers=AUTH, body=raw))
        where = f"{name}: {method} {path}"
        assert isinstance(response.body, dict | list), where
        assert response.status < 500, (where, response.status, response.body)
        json.dumps(response.body, allow_nan=False)  # the answer itself is strict JSON
        if kind == "control" and response.status >= 400:
            assert "error" in response.body, where
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    # the clock survived every advance attempt
    assert math.isfinite(app.engine.now())


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), -1, True, "10", None, 1e12])
def test_clock_advance_refuses_values_that_would_poison_it(seconds):
    app = _app()
    before = app.engine.now()
    body = json.dumps({"seconds": seconds}).encode()  # NaN/Infinity as Python writes them
    response = app.handle(Request("POST", "/_emulator/clock/advance", body=body))
    assert response.status == 400 and response.body["error"]
    assert app.engine.now() == before
    with pytest.raises(ValueError):
        app.engine.advance(seconds)  # the engine's own guard, for in-process callers
    assert app.engine.now() == before


def test_reset_restores_the_clock():
    clock = SimClock(scale=0, start=1_750_000_000.0)
    app = EmulatorApp(Engine(clock=clock))
    app.handle(Request("POST", "/_emulator/clock/advance", body=b'{"seconds": 86400}'))
    assert clock.now() == 1_750_086_400.0
    assert app.handle(Request("POST", "/_emulator/reset")).status == 200
    assert clock.now() == 1_750_000_000.0
    with pytest.raises(ValueError, match="between 0"):
        clock.advance(math.nan)
    assert clock.now() == 1_750_000_000.0


@pytest.mark.parametrize(
    "patch",
    [
        {"qps": -1},
        {"qps": float("inf")},
        {"qps": True},
        {"maxSessions": -2},
        {"maxSessions": 1.5},
        {"failoverRecovery": -0.1},
        {"captureCap": 0},
        {"autoPublishers": "yes"},
    ],
)
def test_config_patch_refuses_out_of_range_values_and_changes_nothing(patch):
    app = _app()
    before = app.handle(Request("GET", "/_emulator/config")).body
    body = json.dumps({"captureCap": 7, **patch}).encode()
    response = app.handle(Request("PATCH", "/_emulator/config", body=body))
    assert response.status == 400, response.body
    # a NaN or infinity is refused by the parser already, before the value check
    assert next(iter(patch)) in response.body["error"] or "JSON" in response.body["error"]
    assert app.handle(Request("GET", "/_emulator/config")).body == before


def test_config_patch_accepts_valid_values():
    app = _app()
    body = b'{"qps": 0, "maxSessions": 3, "captureCap": 5, "autoPublishers": true}'
    view = app.handle(Request("PATCH", "/_emulator/config", body=body)).body
    assert (view["qps"], view["maxSessions"], view["captureCap"], view["autoPublishers"]) == (
        None,
        3,
        5,
        True,
    )


@pytest.mark.parametrize(
    ("faults", "word"),
    [
        ({"latency_ms": -10}, "latency_ms"),
        ({"latency_jitter_ms": float("nan")}, "latency_jitter_ms"),
        ({"burst_429": -3}, "burst_429"),
        ({"burst_429": 2.5}, "burst_429"),
        ({"rate_429": 2}, "rate_429"),
        ({"retry_after": -1}, "retry_after"),
        ({"errors": []}, "errors"),
        ({"errors": {"start": 0.5}}, "start"),
        ({"errors": {"start": {"rate": 0.5, "status": "500"}}}, "status"),
        ({"errors": {"start": {"rate": 0.5, "status": 42}}}, "status"),
        ({"errors": {"start": {"rate": 0.5, "reason": 7}}}, "reason"),
        ({"errors": {"start": {"rate": 0.5, "count": -1}}}, "count"),
        ({"errors": {"start": {"rate": 0.5, "colour": "red"}}}, "colour"),
        ({"drops": {"stop": {"rate": float("nan")}}}, "rate"),
        ({"seed": "abc"}, "seed"),
    ],
)
def test_fault_specs_are_typed_and_bounded(faults, word):
    with pytest.raises(ValueError, match=word):
        FaultConfig.from_dict(faults)
    app = _app()
    for method in ("PUT", "PATCH"):
        body = json.dumps(faults).encode()
        response = app.handle(Request(method, "/_emulator/faults", body=body))
        error = response.body["error"]
        assert response.status == 400 and (word in error or "not a JSON number" in error)
    assert app.faults.config == FaultConfig()  # nothing half-applied


def test_parse_json_limits():
    assert parse_json(b'{"a": [1, 2.5, "[[["]}') == {"a": [1, 2.5, "[[["]}
    assert parse_json(b"[" * 32 + b"]" * 32) is not None
    for raw in (b"[" * 33 + b"]" * 33, b"1" * 65, b"1e400", b"NaN", b"\xff"):
        with pytest.raises(BodyError):
            parse_json(raw)


# ------------------------------------------------------------------ over a real socket


def _raw(emulator, data: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = emulator.server.host, emulator.server.port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock, method=data.split(b" ", 1)[0].decode())
        response.begin()
        return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize("length", ["-5", "abc", "1e3", "99999999999999999999999"])
def test_bad_content_length_gets_a_json_error(emulator, length, capfd):
    request = (
        f"POST /_emulator/clock/advance HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"
    )
    status, headers, body = _raw(emulator, request.encode())
    assert status in (400, 413)
    assert headers["Content-Type"].startswith("application/json")
    assert "error" in json.loads(body)
    assert emulator.control("GET", "health")["ok"] is True
    assert "Traceback" not in capfd.readouterr().err


def test_malformed_bodies_over_http_answer_without_traceback(emulator, capfd):
    for name, raw in MALFORMED.items():
        resp = emulator.http.put(f"{emulator.url}/_emulator/faults", data=raw, timeout=10)
        assert resp.status_code == 400, name
        assert "error" in resp.json(), name
    start_session(emulator)  # still serving the API
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE"])
@pytest.mark.parametrize(
    "path", [f"/v1/apps/{APP}/cloud_recording/acquire", "/v1/ncs/ip", "/nowhere"]
)
def test_odd_methods_get_the_services_no_route_404(emulator, method, path):
    status, headers, body = _raw(
        emulator, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    if method == "HEAD":
        assert body == b"" and int(headers["Content-Length"]) == len(json.dumps(NO_ROUTE))
    else:
        assert json.loads(body) == NO_ROUTE
