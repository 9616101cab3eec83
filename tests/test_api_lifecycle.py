"""Client against the emulator over real HTTP on 127.0.0.1: every lifecycle rule and error.

Each documented error path is checked on both sides: the raw HTTP answer the emulator gives
(status and body as in the reference) and the typed error the client raises for it.
"""

from __future__ import annotations

import base64
import time

import pytest
import requests

from snaplint.agora.client import CloudRecordingClient
from snaplint.agora.clientconfig import Credentials, RetryPolicy
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
    TaskConflictError,
    WorkerNotFoundError,
)
from snaplint.agora.filenames import parse_key
from snaplint.agora.ratelimit import RateLimiters
from snaplint.emulator import DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    APP,
    BOT_UID,
    CNAME,
    emulator_fixture,
    running_emulator,
    snapshot_request,
    start_session,
)

AUTH = (
    "Basic "
    + base64.b64encode(f"{DEFAULT_CUSTOMER_ID}:{DEFAULT_CUSTOMER_SECRET}".encode()).decode()
)
CT = {"Content-Type": "application/json;charset=utf-8"}


def raw(emu, method, path, body=None, *, headers=None):
    """One request as the service sees it; returns (status, json body)."""
    h = {"Authorization": AUTH, **CT, **(headers or {})}
    resp = requests.request(method, emu.url + path, json=body, headers=h, timeout=10)
    return resp.status_code, resp.json()


def session_path(rid, sid, action, mode="individual", app=APP):
    return f"/v1/apps/{app}/cloud_recording/resourceid/{rid}/sid/{sid}/mode/{mode}/{action}"


def start_path(rid, mode="individual", app=APP):
    return f"/v1/apps/{app}/cloud_recording/resourceid/{rid}/mode/{mode}/start"


ACQUIRE = f"/v1/apps/{APP}/cloud_recording/acquire"


def ids(cr=None, cname=CNAME, uid=BOT_UID):
    return {"cname": cname, "uid": uid, "clientRequest": cr if cr is not None else {}}


# ------------------------------------------------------------------ the whole story


def test_acquire_start_screenshots_update_failover_stop(emulator):
    emu = emulator
    client = emu.client()
    emu.publish("1001")
    emu.publish("1002")
    emu.publish("1003")
    acquired = client.acquire(APP, CNAME, BOT_UID, {"resourceExpiredHour": 24})
    assert acquired.raw == {"cname": CNAME, "uid": BOT_UID, "resourceId": acquired.resource_id}
    started = client.start(
        APP,
        acquired.resource_id,
        "individual",
        CNAME,
        BOT_UID,
        snapshot_request(["1001", "1002"], interval=5),
    )
    assert started.resource_id == acquired.resource_id and len(started.sid) == 32
    rid, sid = started.resource_id, started.sid

    statuses = []
    for _ in range(6):
        q = client.query(APP, rid, sid, "individual")
        statuses.append(q.status)
        emu.advance(1)
    assert statuses == [0, 1, 2, 3, 4, 5]
    assert q.slice_start_time == q.raw["serverResponse"]["sliceStartTime"]
    assert q.raw["serverResponse"].keys() == {"status", "sliceStartTime"}  # snapshot shape (REF-24)

    # screenshots appear on disk, named per the convention, under <vendor>/<bucket>/<prefix>
    emu.advance(4)  # t = 10 s: captures at 0 s (as the recorder joins), 5 s and 10 s
    files = emu.files_on_disk()
    assert len(files) == 6
    parsed = [parse_key(f.split("/", 2)[2]) for f in files]
    assert {p.uid for _, p in parsed} == {"1001", "1002"}
    assert all(prefix == ["lesson42", "shots"] and p.sid == sid for prefix, p in parsed)
    assert all(f.startswith("1/my-shots/") for f in files)
    assert (emu.storage_dir / files[0]).read_bytes()[:3] == b"\xff\xd8\xff"

    # update replaces the subscription: 1002 out, 1003 in
    client.update(
        APP, rid, sid, "individual", CNAME, BOT_UID,
        {"streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1001", "1003"]}}},
    )  # fmt: skip
    emu.advance(5)
    shots = [parse_key(f.split("/", 2)[2])[1] for f in emu.files_on_disk()]
    newest = max(n.captured_at for n in shots)
    assert {n.uid for n in shots if n.captured_at == newest} == {"1001", "1003"}

    # failover: 404 while migrating, then bak0_ files, session keeps running
    emu.failover(sid)
    with pytest.raises(WorkerNotFoundError):
        client.query(APP, rid, sid, "individual")
    emu.advance(10)
    assert client.query(APP, rid, sid, "individual").status == 5
    assert any("/bak0_" in f for f in emu.files_on_disk())

    stopped = client.stop(APP, rid, sid, "individual", CNAME, BOT_UID)
    assert stopped.uploading_status == "uploaded"
    assert stopped.raw["sid"] == sid
    with pytest.raises(InvalidOperationError):
        client.stop(APP, rid, sid, "individual", CNAME, BOT_UID)
    emu.advance(5)
    with pytest.raises(WorkerNotFoundError):
        client.query(APP, rid, sid, "individual")
    (view,) = emu.sessions()
    assert view["state"] == "gone" and view["endReason"] == "stopped"


def test_screenshots_appear_in_real_time_with_time_scale(tmp_path):
    # --time-scale: 5 s capture intervals pass in a fraction of a second of real time
    with running_emulator(tmp_path / "s", time_scale=100.0) as emu:
        emu.publish("1001")
        start_session(emu, request=snapshot_request(["1001"], interval=5))
        deadline = time.monotonic() + 5
        while len(emu.files_on_disk()) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(emu.files_on_disk()) >= 3  # written by the ticker, no request needed


# ------------------------------------------------------------------ gateway errors


def test_missing_and_wrong_auth_is_401(emulator):
    resp = requests.post(emulator.url + ACQUIRE, json=ids(), headers=CT, timeout=5)
    assert (resp.status_code, resp.json()) == (401, {"message": "Unauthorized"})
    status, body = raw(
        emulator, "POST", ACQUIRE, ids(), headers={"Authorization": "Basic d3Jvbmc6d3Jvbmc="}
    )
    assert (status, body) == (401, {"message": "Invalid authentication credentials"})
    status, body = raw(emulator, "POST", ACQUIRE, ids(), headers={"Content-Type": "text/plain"})
    assert (status, body) == (401, {"message": "Invalid authentication credentials"})

    client = CloudRecordingClient(
        Credentials.of(DEFAULT_CUSTOMER_ID, "not-the-secret"),
        endpoint=emulator.url,
        limiters=RateLimiters(),
    )
    with pytest.raises(AuthError) as info:
        client.acquire(APP, CNAME, BOT_UID, {})
    err = info.value
    assert (err.http_status, err.code, err.retryable) == (401, None, False)
    assert str(err).startswith("acquire failed: HTTP 401 (Invalid authentication credentials): ")
    assert "not-the-secret" not in str(err) + repr(err) + repr(client)


def test_unknown_route_is_404_no_route(emulator):
    assert raw(emulator, "POST", f"/v1/apps/{APP}/acquire", ids()) == (
        404,
        {"message": "no Route matched with those values"},
    )
    assert raw(emulator, "GET", ACQUIRE)[0] == 404  # wrong method
    with pytest.raises(RouteNotFoundError) as info:
        emulator.client().request("acquire", "POST", f"/v1/apps/{APP}/acquire", APP, ids())
    assert "no Route matched" in str(info.value)


def test_invalid_json_is_code_8(emulator):
    resp = requests.post(
        emulator.url + ACQUIRE, data=b"{not json", headers={"Authorization": AUTH, **CT}, timeout=5
    )
    assert (resp.status_code, resp.json()["code"]) == (400, 8)


# ------------------------------------------------------------------ body validation


def test_invalid_parameter_is_code_2_on_both_sides(emulator):
    rid = emulator.client().acquire(APP, CNAME, BOT_UID, {}).resource_id
    bad = snapshot_request(interval=2)
    status, body = raw(emulator, "POST", start_path(rid), ids(bad))
    assert status == 400 and body["code"] == 2 and "captureInterval" in body["reason"]
    with pytest.raises(InvalidParameterError) as info:
        emulator.client().start(APP, rid, "individual", CNAME, BOT_UID, bad)
    err = info.value
    assert (err.http_status, err.code, err.retryable) == (400, 2, False)
    assert str(err).startswith(
        "start failed: HTTP 400, code 2 (clientRequest.snapshotConfig.captureInterval"
    )
    assert "do not retry" in str(err)


def test_invalid_channel_name_on_acquire(emulator):
    status, body = raw(emulator, "POST", ACQUIRE, ids(cname="bad/channel"))
    assert (status, body) == (400, {"code": 401, "reason": "invalid_channel_name"})
    with pytest.raises(InvalidParameterError) as info:
        emulator.client().acquire(APP, "bad/channel", BOT_UID, {})
    assert "channel name contains unsupported characters" in str(info.value)


def test_invalid_resource_expired_hour(emulator):
    status, body = raw(emulator, "POST", ACQUIRE, ids({"resourceExpiredHour": 0}))
    assert (status, body) == (
        400,
        {"code": 2, "reason": "Acquire: invalid resourceExpiredHour value!"},
    )
    with pytest.raises(InvalidParameterError, match="invalid resourceExpiredHour"):
        emulator.client().acquire(APP, CNAME, BOT_UID, {"resourceExpiredHour": 0})


def test_invalid_app_id(emulator):
    status, body = raw(emulator, "POST", "/v1/apps/not-an-app/cloud_recording/acquire", ids())
    assert (status, body) == (400, {"code": 400, "reason": "invalid_appid"})
    with pytest.raises(InvalidParameterError, match="App ID is invalid"):
        emulator.client().acquire("not-an-app", CNAME, BOT_UID, {})


def test_snapshot_config_outside_individual_mode(emulator):
    rid = emulator.client().acquire(APP, CNAME, BOT_UID, {}).resource_id
    status, body = raw(emulator, "POST", start_path(rid, "mix"), ids(snapshot_request()))
    assert status == 400 and body["code"] == 2 and "individual mode" in body["reason"]
    with pytest.raises(InvalidParameterError, match="only available in individual mode"):
        emulator.client().start(APP, rid, "mix", CNAME, BOT_UID, snapshot_request())


def test_update_layout_outside_mix(emulator):
    rid, sid = start_session(emulator)
    status, body = raw(emulator, "POST", session_path(rid, sid, "updateLayout"), ids({}))
    assert status == 400 and body["code"] == 2 and "mix mode" in body["reason"]
    with pytest.raises(InvalidParameterError, match="mix mode"):
        emulator.client().update_layout(APP, rid, sid, "individual", CNAME, BOT_UID, {})


def test_raw_mode_sessions_use_v2_names(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]), mode="raw")
    emulator.advance(5)
    names = emulator.files_on_disk()
    assert len(names) == 2  # at start and 5 s later
    for name in names:
        assert name.endswith(".jpg") and "__uid_e_video_" not in name
        assert parse_key(name.split("/", 2)[2])[1].variant == "raw"
    assert emulator.client().query(APP, rid, sid, "raw").status == 5


# ------------------------------------------------------------------ resourceId rules


def test_resource_id_expires_after_five_minutes(emulator):
    rid = emulator.client().acquire(APP, CNAME, BOT_UID, {}).resource_id
    emulator.advance(301)
    status, body = raw(emulator, "POST", start_path(rid), ids(snapshot_request()))
    assert (status, body) == (400, {"code": 433, "reason": "resource expired"})
    with pytest.raises(ResourceExpiredError) as info:
        emulator.client().start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request())
    assert "acquire a new resourceId" in str(info.value)


def test_resource_id_mismatch(emulator):
    rid = emulator.client().acquire(APP, CNAME, BOT_UID, {}).resource_id
    status, body = raw(emulator, "POST", start_path(rid), ids(snapshot_request(), uid="910009"))
    assert (status, body["code"]) == (400, 432)
    with pytest.raises(ResourceMismatchError) as info:
        emulator.client().start(APP, rid, "individual", CNAME, "910009", snapshot_request())
    assert info.value.code == 432 and "do not match the resourceId" in str(info.value)
    with pytest.raises(ResourceMismatchError) as info:
        emulator.client().start(APP, "nonsense", "individual", CNAME, BOT_UID, snapshot_request())
    assert info.value.code == 1001
    with pytest.raises(ResourceMismatchError) as info:
        emulator.client().start("b" * 32, rid, "individual", CNAME, BOT_UID, snapshot_request())
    assert info.value.code == 1003


def test_start_twice_is_201_code_7(emulator):
    rid, _ = start_session(emulator)
    status, body = raw(emulator, "POST", start_path(rid), ids(snapshot_request()))
    assert (status, body) == (201, {"code": 7, "reason": "already started"})
    with pytest.raises(AlreadyStartedError) as info:
        emulator.client().start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request())
    err = info.value
    assert (err.http_status, err.code, err.attempts) == (201, 7, 1)
    assert str(err) == (
        "start failed: HTTP 201, code 7 (already started): this resourceId has already started a "
        "session — do not start again: query the running session, or acquire a new resourceId"
    )


def test_same_cname_uid_running_is_task_conflict(emulator):
    start_session(emulator)
    client = emulator.client()
    rid2 = client.acquire(APP, CNAME, BOT_UID, {}).resource_id
    status, body = raw(emulator, "POST", start_path(rid2), ids(snapshot_request()))
    assert (status, body) == (400, {"code": 53, "reason": "task conflict"})
    with pytest.raises(TaskConflictError) as info:
        client.start(APP, rid2, "individual", CNAME, BOT_UID, snapshot_request())
    assert str(info.value) == (
        "start failed: HTTP 400, code 53 (task conflict): a session with this cname and uid is "
        "already running — use another uid or stop the other session"
    )


def test_acquire_start_parameter_checked_against_start(emulator):
    client = emulator.client()
    rid = client.acquire(APP, CNAME, BOT_UID, {"startParameter": snapshot_request()}).resource_id
    with pytest.raises(InvalidParameterError, match="startParameter"):
        client.start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request(interval=30))
    assert client.start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request()).sid


def test_resource_expired_hour_blocks_query_update_stop(emulator):
    client = emulator.client()
    emulator.publish("1001")
    rid = client.acquire(APP, CNAME, BOT_UID, {"resourceExpiredHour": 1}).resource_id
    sid = client.start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request(["1001"])).sid
    emulator.advance(3601)
    assert raw(emulator, "GET", session_path(rid, sid, "query")) == (
        400,
        {"code": 433, "reason": "resource expired"},
    )
    with pytest.raises(ResourceExpiredError):
        client.query(APP, rid, sid, "individual")
    with pytest.raises(ResourceExpiredError):
        client.stop(APP, rid, sid, "individual", CNAME, BOT_UID)
    assert emulator.session(sid)["state"] == "running"  # the recording itself goes on (REF-22)


def test_concurrency_limit_is_406(tmp_path):
    with running_emulator(tmp_path, max_sessions=1) as emu:
        start_session(emu)
        status, body = raw(emu, "POST", ACQUIRE, ids(uid="910002"))
        assert (status, body) == (400, {"code": 406, "reason": "vendor_over_load"})
        with pytest.raises(ApiError) as info:
            emu.client().acquire(APP, CNAME, "910002", {})
        assert info.value.code == 406 and "concurrent-session limit" in str(info.value)


# ------------------------------------------------------------------ query / update / stop


def test_query_after_the_session_ended_is_failed_to_find_worker(emulator):
    rid, sid = start_session(emulator, request=snapshot_request(max_idle=5))
    emulator.advance(5 + 3)  # idle timeout (no publisher) + exit
    status, body = raw(emulator, "GET", session_path(rid, sid, "query"))
    assert (status, body) == (404, {"code": 404, "reason": "failed to find worker"})
    with pytest.raises(WorkerNotFoundError) as info:
        emulator.client().query(APP, rid, sid, "individual")
    err = info.value
    assert (err.http_status, err.code, err.reason) == (404, 404, "failed to find worker")
    assert "query failed: HTTP 404, code 404 (failed to find worker)" in str(err)
    with pytest.raises(WorkerNotFoundError):
        emulator.client().update(
            APP, rid, sid, "individual", CNAME, BOT_UID,
            {"streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1"]}}},
        )  # fmt: skip


def test_idle_timeout_stops_the_session(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"], max_idle=10))
    emulator.advance(60)
    assert emulator.session(sid)["state"] == "running"
    emulator.unpublish("1001")
    emulator.advance(10)
    assert emulator.session(sid)["endReason"].startswith("idle")
    with pytest.raises(InvalidOperationError) as info:  # stop after maxIdleTime fired: 49
        emulator.client().stop(APP, rid, sid, "individual", CNAME, BOT_UID)
    assert "maxIdleTime" in str(info.value)


def test_second_stop_is_49_then_404(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]))
    emulator.advance(5)
    body = {"cname": CNAME, "uid": BOT_UID, "clientRequest": {"async_stop": False}}
    status, answer = raw(emulator, "POST", session_path(rid, sid, "stop"), body)
    assert status == 200 and answer["serverResponse"] == {"uploadingStatus": "uploaded"}
    assert raw(emulator, "POST", session_path(rid, sid, "stop"), body) == (
        400,
        {"code": 49, "reason": "invalid operation"},
    )
    emulator.advance(3)
    assert raw(emulator, "POST", session_path(rid, sid, "stop"), body)[0] == 404


def test_stop_with_nothing_published_is_206_435(emulator):
    client = emulator.client()
    rid, sid = start_session(emulator, client)
    body = {"cname": CNAME, "uid": BOT_UID, "clientRequest": {"async_stop": True}}
    assert raw(emulator, "POST", session_path(rid, sid, "stop"), body) == (
        206,
        {"code": 435, "reason": "no recorded data"},
    )
    rid, sid = start_session(emulator, client, uid="910002")
    with pytest.raises(NoRecordedDataError) as info:
        client.stop(APP, rid, sid, "individual", CNAME, "910002", async_stop=True)
    err = info.value
    assert (err.http_status, err.code, err.retryable) == (206, 435, False)
    assert str(err).startswith(
        "stop failed: HTTP 206, code 435 (no recorded data): nothing was recorded"
    )
    assert emulator.session(sid)["state"] == "exiting"  # stopped all the same


def test_fourth_failover_stops_the_session(emulator):
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]))
    for n in range(3):
        emulator.failover(sid)
        emulator.advance(10)
        assert emulator.client().query(APP, rid, sid, "individual").status == 5, n
    view = emulator.failover(sid)
    assert view["state"] == "exiting"
    emulator.advance(3)
    with pytest.raises(WorkerNotFoundError):
        emulator.client().query(APP, rid, sid, "individual")
    names = [parse_key(f.split("/", 2)[2])[1] for f in emulator.files_on_disk()]
    # the one taken at start, then only failover files: the first failover was at t=0
    assert sorted({n.failover for n in names}, key=str) == [0, 1, 2, None]
    assert [n.failover for n in names].count(None) == 1


def test_rate_limit_is_429_on_both_sides(tmp_path):
    with running_emulator(tmp_path, qps=5) as emu:
        answers = [raw(emu, "POST", ACQUIRE, ids()) for _ in range(8)]
        statuses = [status for status, _ in answers]
        assert statuses[:5] == [200] * 5
        assert (429, {"message": "API rate limit exceeded"}) in answers
        time.sleep(1.0)  # the bucket refills
        client = emu.client(
            qps=1000.0, retry=RetryPolicy(total=1, backoff_factor=0.0, backoff_jitter=0.0)
        )
        with pytest.raises(RateLimitedError) as info:
            for _ in range(20):
                client.acquire(APP, CNAME, BOT_UID, {})
        err = info.value
        assert (err.http_status, err.retryable, err.attempts) == (429, True, 2)
        assert "acquire failed: HTTP 429 (API rate limit exceeded)" in str(err)
