"""Typed errors from recorded response bodies (reference §1, §6), redaction, endpoint rules."""

from __future__ import annotations

import logging

import pytest

from snaplint.agora import errors as agora_errors
from snaplint.agora.client import CloudRecordingClient
from snaplint.agora.clientconfig import Credentials, check_endpoint, failover_endpoints
from snaplint.agora.exceptions import (
    AlreadyStartedError,
    ApiError,
    AuthError,
    InvalidOperationError,
    InvalidParameterError,
    NoRecordedDataError,
    RateLimitedError,
    ResourceExpiredError,
    ResourceMismatchError,
    RouteNotFoundError,
    ServerError,
    TaskConflictError,
    WorkerNotFoundError,
    error_from_response,
)
from snaplint.agora.ratelimit import RateLimiters
from snaplint.emulator import DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET
from snaplint.redaction import REDACTED, Secret, redact, scrub, secret_values
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    APP,
    BOT_UID,
    CNAME,
    SECRETS,
    emulator_fixture,
    snapshot_request,
    start_session,
)

# Bodies exactly as the reference records them (§1.3–§1.8, §3, §5, §6).
RECORDED = [
    (
        "acquire",
        400,
        {"code": 400, "reason": "invalid_appid"},
        InvalidParameterError,
        "App ID is invalid",
    ),
    (
        "acquire",
        400,
        {"code": 401, "reason": "invalid_channel_name"},
        InvalidParameterError,
        "unsupported characters",
    ),
    (
        "acquire",
        400,
        {"code": 2, "reason": "Acquire: invalid resourceExpiredHour value!"},
        InvalidParameterError,
        "do not retry",
    ),
    ("acquire", 400, {"code": 405, "reason": "no_active_status"}, ApiError, "overdue account"),
    ("acquire", 400, {"code": 406, "reason": "vendor_over_load"}, ApiError, "leaked sessions"),
    ("acquire", 500, {"code": 500, "reason": "internal_error"}, ServerError, "retry with backoff"),
    (
        "acquire",
        500,
        {"code": 501, "reason": "no_worker_manager_available"},
        ServerError,
        "no worker manager",
    ),
    (
        "acquire",
        500,
        {"code": 504, "reason": "allocate_timeout"},
        ServerError,
        "allocating a worker timed out",
    ),
    (
        "start",
        500,
        {"code": 502, "reason": "Failed to allocate worker"},
        ServerError,
        "acquire a new resourceId",
    ),
    ("start", 500, {"code": 62, "reason": "request timeout"}, ServerError, "start timed out"),
    (
        "start",
        201,
        {"code": 7, "reason": "already started"},
        AlreadyStartedError,
        "already started a session",
    ),
    (
        "start",
        400,
        {"code": 53, "reason": "task conflict"},
        TaskConflictError,
        "cname and uid is already running",
    ),
    (
        "start",
        400,
        {"code": 433, "reason": "resource expired"},
        ResourceExpiredError,
        "acquire a new resourceId",
    ),
    (
        "start",
        400,
        {"code": 432, "reason": "resource mismatch"},
        ResourceMismatchError,
        "do not match the resourceId",
    ),
    (
        "start",
        400,
        {"code": 1001, "reason": "invalid resourceId"},
        ResourceMismatchError,
        "cannot be parsed",
    ),
    ("start", 400, {"code": 110, "reason": "token invalid"}, ApiError, "RTC token is invalid"),
    ("start", 400, {"code": 109, "reason": "token expired"}, ApiError, "mint a new token"),
    (
        "query",
        404,
        {"code": 404, "reason": "failed to find worker"},
        WorkerNotFoundError,
        "failover",
    ),
    ("query", 500, {"code": 501, "reason": "recording service is exiting"}, ServerError, "exiting"),
    ("query", 504, {"code": 62, "reason": "request timeout"}, ServerError, "retry"),
    ("query", 206, {"code": 65, "reason": "request not completed"}, ServerError, "3 s, then 6 s"),
    (
        "stop",
        400,
        {"code": 49, "reason": "invalid operation"},
        InvalidOperationError,
        "already exiting",
    ),
    (
        "stop",
        206,
        {"code": 435, "reason": "no recorded data"},
        NoRecordedDataError,
        "nothing was recorded",
    ),
    ("stop", 400, {"code": 50, "reason": "upload timeout"}, ApiError, "storage configuration"),
    (
        "updateLayout",
        400,
        {"code": 1028, "reason": "invalid updateLayout body"},
        InvalidParameterError,
        "mix mode only",
    ),
    ("acquire", 401, {"message": "Unauthorized"}, AuthError, "no Authorization header"),
    (
        "acquire",
        401,
        {"message": "Invalid authentication credentials"},
        AuthError,
        "customer ID or secret is wrong",
    ),
    (
        "acquire",
        404,
        {"message": "no Route matched with those values"},
        RouteNotFoundError,
        "URL or HTTP method",
    ),
    ("query", 429, {"message": "API rate limit exceeded"}, RateLimitedError, "10/s"),
    ("acquire", 400, {"message": "appid is invalid"}, ApiError, "App ID is invalid"),
    ("query", 503, {}, ServerError, "service is unavailable"),
    ("query", 418, {"weird": True}, ApiError, "does not document"),
]


@pytest.mark.parametrize(("endpoint", "status", "body", "cls", "phrase"), RECORDED)
def test_recorded_bodies_become_typed_errors(endpoint, status, body, cls, phrase):
    err = error_from_response(endpoint, status, body)
    assert type(err) is cls
    assert err.http_status == status
    assert err.code == body.get("code")
    expected_reason = body.get("reason") or body.get("message")
    if expected_reason:
        assert err.reason == expected_reason
    text = str(err)
    assert "\n" not in text
    assert text.startswith(f"{endpoint} failed: HTTP {status}")
    assert phrase in text
    assert err.explanation and err.remedy
    assert err.raw == body


def test_message_format_of_the_issue():
    err = error_from_response("start", 400, {"code": 53, "reason": "task conflict"})
    assert str(err) == (
        "start failed: HTTP 400, code 53 (task conflict): a session with this cname and uid is "
        "already running — use another uid or stop the other session"
    )
    assert (
        repr(err)
        == "TaskConflictError(endpoint='start', http_status=400, code=53, reason='task conflict', attempts=1)"
    )


def test_retryable_follows_the_reference():
    assert {62, 65, 500, 501, 504} == agora_errors.RETRYABLE_CODES
    assert error_from_response("start", 400, {"code": 53}).retryable is False
    assert error_from_response("query", 206, {"code": 65}).retryable is True
    assert error_from_response("start", 500, {"code": 502}).retryable is False  # new acquire+start
    assert (
        error_from_response("query", 429, {"message": "API rate limit exceeded"}).retryable is True
    )


def test_every_documented_code_has_an_explanation_and_a_source():
    documented = {
        2,
        7,
        8,
        49,
        50,
        53,
        62,
        65,
        109,
        110,
        400,
        401,
        404,
        405,
        406,
        432,
        433,
        435,
        500,
        501,
        502,
        504,
        1001,
        1003,
        1013,
        1028,
    }
    assert documented <= set(agora_errors.BODY_CODES)
    for info in agora_errors.BODY_CODES.values():
        assert info.explanation and info.remedy and info.source


def test_server_reasons_are_scrubbed_of_secrets():
    body = {"code": 2, "reason": f"bad key {SECRETS['secretKey']}"}
    err = error_from_response("start", 400, body, secrets=[SECRETS["secretKey"]])
    assert SECRETS["secretKey"] not in str(err) and "***" in str(err)


# ------------------------------------------------------------------ redaction helper


def test_redact_replaces_secret_fields_at_any_depth():
    request = snapshot_request(with_secrets=True)
    request["recordingConfig"].update(decryptionMode=7, secret="dec-SECRET-1", salt="salt-SECRET-2")
    out = redact({"clientRequest": request, "list": [{"token": "x-SECRET"}]})
    text = repr(out)
    for value in [*SECRETS.values(), "dec-SECRET-1", "salt-SECRET-2", "x-SECRET"]:
        assert value not in text
    assert out["clientRequest"]["storageConfig"]["accessKey"] == REDACTED
    assert out["clientRequest"]["storageConfig"]["bucket"] == "my-shots"
    assert request["storageConfig"]["accessKey"] == SECRETS["accessKey"]  # input untouched


def test_secret_values_and_scrub():
    found = secret_values({"a": {"secretKey": "s1-long"}, "b": [{"token": "t1-long"}], "token": ""})
    assert found == {"s1-long", "t1-long"}
    assert scrub("x s1-long y t1-long", found) == "x *** y ***"
    assert scrub("abc", {"ab"}) == "abc"  # too short to scrub safely


def test_secret_wrapper_never_shows_itself():
    s = Secret("hunter2-secret")
    assert "hunter2" not in f"{s} {s!r} {s!s} {[s]}"
    assert s.reveal() == "hunter2-secret"


# ------------------------------------------------------------------ secrets in real traffic


def test_no_secret_in_logs_errors_or_reprs(emulator, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "customer-SECRET-9e1f"
    client = CloudRecordingClient(
        Credentials.of(DEFAULT_CUSTOMER_ID, secret), endpoint=emulator.url, limiters=RateLimiters()
    )
    request = snapshot_request(with_secrets=True)
    texts = [repr(client), repr(client.credentials)]
    with pytest.raises(AuthError) as info:  # wrong secret
        client.acquire(APP, CNAME, BOT_UID, {"startParameter": request})
    texts += [str(info.value), repr(info.value), repr(info.value.raw)]

    good = emulator.client()
    good_texts = [repr(good)]
    rid = good.acquire(APP, CNAME, BOT_UID, {"startParameter": request}).resource_id
    bad = snapshot_request(with_secrets=True)
    bad["storageConfig"]["vendor"] = 6  # stsToken not allowed: code 2 about a secret field
    for call in (
        lambda: good.start(APP, rid, "individual", CNAME, BOT_UID, bad),
        lambda: good.start(APP, "bogus", "individual", CNAME, BOT_UID, request),
    ):
        with pytest.raises(ApiError) as info:
            call()
        good_texts += [str(info.value), repr(info.value), repr(info.value.raw)]
    sid = good.start(APP, rid, "individual", CNAME, BOT_UID, request).sid
    good.update(
        APP, rid, sid, "individual", CNAME, BOT_UID, {"storageConfig": request["storageConfig"]}
    )
    sessions = emulator.sessions()
    everything = "\n".join(texts + good_texts + [caplog.text, repr(sessions)])
    import base64

    for value in [
        secret,
        base64.b64encode(f"{DEFAULT_CUSTOMER_ID}:{secret}".encode()).decode(),
        *SECRETS.values(),
    ]:
        assert value not in everything
    assert DEFAULT_CUSTOMER_SECRET not in "\n".join([*good_texts, caplog.text])


# ------------------------------------------------------------------ endpoints


@pytest.mark.parametrize(
    "url",
    [
        "https://api.agora.io",
        "https://api.sd-rtn.com/",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ],
)
def test_accepted_endpoints(url):
    assert check_endpoint(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    ["http://api.agora.io", "http://10.0.0.5:8080", "ftp://x", "api.agora.io", "https://h/?q=1"],
)
def test_refused_endpoints(url):
    with pytest.raises(ValueError):
        check_endpoint(url)


def test_plain_http_refused_by_the_client():
    with pytest.raises(ValueError, match="loopback"):
        CloudRecordingClient(Credentials.of("a", "b"), endpoint="http://example.com")


def test_failover_chain():
    assert failover_endpoints("https://api.agora.io") == [
        "https://api.agora.io",
        "https://api.sd-rtn.com",
    ]
    assert failover_endpoints("https://api.sd-rtn.com", ["cn-east-1"]) == [
        "https://api.sd-rtn.com",
        "https://api.agora.io",
        "https://api-cn-east-1.sd-rtn.com",
    ]
    assert failover_endpoints("https://proxy.example.com") == ["https://proxy.example.com"]
    with pytest.raises(ValueError):
        failover_endpoints("https://api.agora.io", ["mars-1"])


def test_request_shape_on_the_wire(emulator):
    """Method, URL template, headers and body exactly as documented (reference §1)."""
    seen = []

    def capture(request):
        seen.append((request.method, request.url, dict(request.headers), request.body))

    import requests

    original = requests.Session.send

    def spy(self, request, **kw):
        capture(request)
        return original(self, request, **kw)

    client = emulator.client()
    requests.Session.send = spy  # type: ignore[method-assign]
    try:
        rid, sid = start_session(emulator, client)
        client.query(APP, rid, sid, "individual")
        with pytest.raises(NoRecordedDataError):
            client.stop(APP, rid, sid, "individual", CNAME, BOT_UID, async_stop=True)
    finally:
        requests.Session.send = original  # type: ignore[method-assign]
    (m1, u1, h1, b1), (m2, u2, _, b2), (m3, u3, h3, b3), (m4, u4, _, b4) = seen
    assert (m1, u1) == ("POST", f"{emulator.url}/v1/apps/{APP}/cloud_recording/acquire")
    assert h1["Content-Type"] == "application/json;charset=utf-8"
    assert h1["Authorization"].startswith("Basic ")
    import json

    assert json.loads(b1) == {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}}
    assert (m2, u2) == (
        "POST",
        f"{emulator.url}/v1/apps/{APP}/cloud_recording/resourceid/{rid}/mode/individual/start",
    )
    assert json.loads(b2)["clientRequest"]["snapshotConfig"] == {
        "captureInterval": 5,
        "fileType": ["jpg"],
    }
    assert (m3, u3, b3) == (
        "GET",
        f"{emulator.url}/v1/apps/{APP}/cloud_recording/resourceid/{rid}/sid/{sid}/mode/individual/query",
        None,
    )
    assert "Content-Type" not in h3
    assert (m4, u4) == ("POST", u3.removesuffix("query") + "stop")
    assert json.loads(b4) == {"cname": CNAME, "uid": BOT_UID, "clientRequest": {"async_stop": True}}


# ------------------------------------------------------------------ recorded success shapes


class Canned:
    """A transport answering with recorded bodies (shapes the emulator does not produce)."""

    def __init__(self, status: int, body: object) -> None:
        from snaplint.emulator.app import Response

        self.answer = Response(status, body)
        self.requests: list[object] = []

    def __call__(self, request):
        self.requests.append(request)
        return self.answer


def canned_client(status, body):
    from snaplint.emulator.embedded import EmulatorTransport

    canned = Canned(status, body)
    client = CloudRecordingClient(
        Credentials.of("id", "secret"),
        endpoint="http://canned.invalid",
        transport=EmulatorTransport(canned),
        limiters=RateLimiters(),
        qps=1000,
    )
    return client, canned


def test_query_of_a_recording_session_shape():
    # REF-24 individual recording (no screenshots): fileListMode/fileList next to status
    body = {
        "cname": CNAME, "uid": BOT_UID, "resourceId": "RID", "sid": "SID",
        "serverResponse": {
            "fileListMode": "json",
            "fileList": [{"fileName": "a.m3u8", "trackType": "audio_and_video", "uid": "1001",
                          "mixedAllUser": False, "isPlayable": True, "sliceStartTime": 1719500000000}],
            "status": 5,
            "sliceStartTime": 1719500000000,
        },
    }  # fmt: skip
    client, _ = canned_client(200, body)
    q = client.query(APP, "RID", "SID", "individual")
    assert (q.status, q.slice_start_time) == (5, 1719500000000)
    assert q.raw["serverResponse"]["fileList"][0]["fileName"] == "a.m3u8"


def test_stop_shapes():
    snapshot = {
        "cname": CNAME,
        "uid": BOT_UID,
        "resourceId": "R",
        "sid": "S",
        "serverResponse": {"uploadingStatus": "backuped"},
    }
    recording = {
        "cname": CNAME, "uid": BOT_UID, "resourceId": "R", "sid": "S",
        "serverResponse": {"fileListMode": "string", "fileList": "x.m3u8", "uploadingStatus": "uploaded"},
    }  # fmt: skip
    web = {
        "cname": CNAME, "uid": BOT_UID, "resourceId": "R", "sid": "S",
        "serverResponse": {"extensionServiceState": [{"serviceName": "upload_service", "payload": {"uploadingStatus": "uploaded"}}]},
    }  # fmt: skip
    for body, expected in [(snapshot, "backuped"), (recording, "uploaded"), (web, None)]:
        client, _ = canned_client(200, body)
        assert client.stop(APP, "R", "S", "individual", CNAME, BOT_UID).uploading_status == expected


def test_unexpected_success_bodies_are_errors():
    client, _ = canned_client(200, {"hello": "world"})
    with pytest.raises(ApiError, match="lacks resourceId"):
        client.acquire(APP, CNAME, BOT_UID, {})
    client, _ = canned_client(200, {"serverResponse": {"extensionServiceState": []}})
    with pytest.raises(ApiError, match=r"lacks serverResponse\.status"):
        client.query(APP, "R", "S", "web")


def test_ncs_ip_shape_and_modes():
    client, canned = canned_client(
        200, {"data": {"service": {"hosts": [{"primaryIP": "1.2.3.4"}, {"primaryIP": "5.6.7.8"}]}}}
    )
    assert client.ncs_ips() == ["1.2.3.4", "5.6.7.8"]
    assert canned.requests[0].target == "/v1/ncs/ip"
    v1_only = CloudRecordingClient(
        Credentials.of("a", "b"), modes=("individual",), limiters=RateLimiters()
    )
    with pytest.raises(ValueError, match="mode must be one of individual"):
        v1_only.query(APP, "R", "S", "raw")
