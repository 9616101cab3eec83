"""The emulator engine as a pure state machine (manual clock, in-memory storage)."""

from __future__ import annotations

import json
import random

import pytest

from snaplint.agora.filenames import parse_key
from snaplint.emulator.clock import ManualClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.sessions import EXIT_SECONDS, RESOURCE_TTL
from snaplint.emulator.storage import MemoryStorage
from snaplint.emulator.validation import Reject
from tests.emulator_fixtures import APP, BOT_UID, CNAME, SECRETS, snapshot_request

T0 = 1_750_000_000.0


def make(**kwargs):
    clock = ManualClock(T0)
    storage = MemoryStorage()
    engine = Engine(clock=clock, storage=storage, rng=random.Random(7), **kwargs)
    return engine, clock, storage


def body(cr=None, cname=CNAME, uid=BOT_UID):
    return {
        "cname": cname,
        "uid": uid,
        "clientRequest": cr if cr is not None else snapshot_request(),
    }


def start(engine, cr=None, cname=CNAME, uid=BOT_UID, acquire=None, mode="individual"):
    rid = engine.acquire(APP, {"cname": cname, "uid": uid, "clientRequest": acquire or {}}).body[
        "resourceId"
    ]
    reply = engine.start(APP, rid, mode, body(cr, cname, uid))
    assert reply.status == 200, reply.body
    return rid, reply.body["sid"]


def reject(fn, *args):
    with pytest.raises(Reject) as info:
        fn(*args)
    return info.value


def test_status_climbs_to_5_with_slice_start_time():
    e, clock, _ = make()
    rid, sid = start(e)
    seen = []
    for _ in range(7):
        server = e.query(APP, rid, sid, "individual").body["serverResponse"]
        seen.append(server["status"])
        assert server["sliceStartTime"] == round(T0 * 1000)
        clock.advance(1)
    assert seen == [0, 1, 2, 3, 4, 5, 5]


def test_screenshots_at_start_and_every_capture_interval_for_publishing_subscribed_uids():
    e, clock, storage = make()
    e.add_publisher(APP, CNAME, "1001")
    e.add_publisher(APP, CNAME, "1002", video=False)  # audio only: no screenshots
    e.add_publisher(APP, CNAME, "1003")  # publishes video but is not subscribed
    _, sid = start(e, snapshot_request(["1001", "1002"], interval=5))
    clock.advance(16)
    e.tick()
    names = [parse_key(p.split("/", 2)[2]) for p in storage.files]
    assert [(n.uid, n.captured_at.timestamp()) for _, n in names] == [
        ("1001", T0),  # the recorder's first screenshot, as it joins
        ("1001", T0 + 5),
        ("1001", T0 + 10),
        ("1001", T0 + 15),
    ]
    prefix, first = names[0]
    assert prefix == ["lesson42", "shots"] and first.sid == sid and first.failover is None
    assert all(p.startswith("1/my-shots/lesson42/shots/") for p in storage.files)
    assert all(
        data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
        for data in storage.files.values()
    )


def test_stopping_video_pauses_screenshots():
    e, clock, storage = make()
    e.add_publisher(APP, CNAME, "1001")
    e.add_publisher(APP, CNAME, "1002")
    start(e, snapshot_request(["1001", "1002"], interval=5))
    clock.advance(5)
    e.remove_publisher(APP, CNAME, "1002")
    clock.advance(10)
    e.tick()
    uids = [parse_key(p.split("/", 2)[2])[1].uid for p in storage.files]
    assert uids.count("1001") == 4 and uids.count("1002") == 2  # 0, 5 (10, 15)


def test_idle_channel_ends_the_session_after_max_idle_time():
    e, clock, _ = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, snapshot_request(max_idle=30))
    clock.advance(100)
    assert e.query(APP, rid, sid, "individual").status == 200  # a publisher keeps it alive
    e.remove_publisher(APP, CNAME, "1001")
    clock.advance(29)
    assert e.query(APP, rid, sid, "individual").body["serverResponse"]["status"] == 5
    clock.advance(1)
    (view,) = e.list_sessions()
    assert view["state"] == "exiting" and view["endReason"].startswith("idle")
    assert e.query(APP, rid, sid, "individual").body["serverResponse"]["status"] == 6
    clock.advance(EXIT_SECONDS)
    assert reject(e.query, APP, rid, sid, "individual").status == 404


def test_session_started_in_an_empty_channel_idles_out():
    e, clock, _ = make()
    rid, sid = start(e, snapshot_request(max_idle=10))
    clock.advance(10 + EXIT_SECONDS)
    r = reject(e.query, APP, rid, sid, "individual")
    assert (r.status, r.code, r.reason) == (404, 404, "failed to find worker")


def test_catch_up_after_a_long_pause_is_capped_and_counted():
    e, clock, storage = make(capture_cap=10)
    e.add_publisher(APP, CNAME, "1001")
    _, sid = start(e, snapshot_request(["1001"], interval=5))
    clock.advance(3600)  # one hour: 720 captures after the one at start
    view = e.get_session(sid)
    assert len(view["files"]) == 10 + 1 and view["filesTotal"] == 11
    assert view["filesSkipped"] == 710
    # the newest ones are written
    last = parse_key(sorted(storage.files)[-1].split("/", 2)[2])[1]
    assert last.captured_at.timestamp() == T0 + 3600


def test_state_round_trip_continues_where_it_left_off_and_holds_no_secrets():
    e, clock, storage = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(
        e, snapshot_request(["1001"], with_secrets=True), acquire={"resourceExpiredHour": 2}
    )
    clock.advance(7)
    e.tick()
    state = json.loads(json.dumps(e.to_state()))
    text = json.dumps(state)
    assert not any(secret in text for secret in SECRETS.values())

    e2 = Engine(clock=clock, storage=storage)
    e2.load_state(state)
    clock.advance(10)
    assert e2.query(APP, rid, sid, "individual").body["serverResponse"]["status"] == 5
    assert len(e2.get_session(sid)["files"]) == 4  # 0 s, 5 s, 10 s, 15 s
    assert (
        e2.start(APP, rid, "individual", body(snapshot_request(["1001"], with_secrets=True))).status
        == 201
    )


# ------------------------------------------------------------------ resourceId rules


def test_start_twice_is_201_code_7():
    e, _, _ = make()
    rid, _ = start(e)
    reply = e.start(APP, rid, "individual", body())
    assert (reply.status, reply.body) == (201, {"code": 7, "reason": "already started"})


def test_resource_id_expires_after_five_minutes():
    e, clock, _ = make()
    rid = e.acquire(APP, body({})).body["resourceId"]
    clock.advance(RESOURCE_TTL + 1)
    r = reject(e.start, APP, rid, "individual", body())
    assert (r.status, r.code) == (400, 433)


def test_resource_id_must_match_app_cname_uid():
    e, _, _ = make()
    rid = e.acquire(APP, body({})).body["resourceId"]
    assert reject(e.start, APP, rid, "individual", body(uid="910002")).code == 432
    assert reject(e.start, APP, rid, "individual", body(cname="other")).code == 432
    assert reject(e.start, "f" * 32, rid, "individual", body()).code == 1003
    assert reject(e.start, APP, "garbage", "individual", body()).code == 1001
    assert reject(e.start, APP, rid[:-2] + "xx", "individual", body()).code == 1001  # bad signature


def test_same_cname_uid_running_is_task_conflict_53():
    e, _, _ = make()
    start(e)
    rid2 = e.acquire(APP, body({})).body["resourceId"]
    r = reject(e.start, APP, rid2, "individual", body())
    assert (r.status, r.code, r.reason) == (400, 53, "task conflict")
    # another uid records the same channel
    start(e, uid="910002")


def test_start_parameter_must_match_start_body():
    e, _, _ = make()
    cr = snapshot_request()
    rid = e.acquire(APP, body({"startParameter": cr})).body["resourceId"]
    changed = snapshot_request(interval=10)
    r = reject(e.start, APP, rid, "individual", body(changed))
    assert r.code == 2 and "startParameter" in r.reason
    assert e.start(APP, rid, "individual", body(cr)).status == 200


def test_resource_expired_hour_blocks_calls_but_recording_continues():
    e, clock, _ = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, snapshot_request(["1001"]), acquire={"resourceExpiredHour": 1})
    clock.advance(3601)
    for call in (
        lambda: e.query(APP, rid, sid, "individual"),
        lambda: e.update(
            APP,
            rid,
            sid,
            "individual",
            body({"streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1001"]}}}),
        ),
        lambda: e.stop(APP, rid, sid, "individual", body({"async_stop": False})),
    ):
        r = reject(call)
        assert (r.status, r.code) == (400, 433)
    view = e.get_session(sid)
    assert view["state"] == "running" and len(view["files"]) > 0


# ------------------------------------------------------------------ update / stop


def test_update_replaces_the_subscription():
    e, clock, storage = make()
    for uid in ("1001", "1002", "1003"):
        e.add_publisher(APP, CNAME, uid)
    rid, sid = start(e, snapshot_request(["1001", "1002"], interval=5))
    clock.advance(5)
    update = {"streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1001", "1003"]}}}
    assert e.update(APP, rid, sid, "individual", body(update)).status == 200
    clock.advance(5)
    e.tick()
    by_time: dict[float, set[str]] = {}
    for path in storage.files:
        name = parse_key(path.split("/", 2)[2])[1]
        by_time.setdefault(name.captured_at.timestamp(), set()).add(name.uid)
    assert by_time == {
        T0: {"1001", "1002"},
        T0 + 5: {"1001", "1002"},
        T0 + 10: {"1001", "1003"},
    }
    assert e.get_session(sid)["video"] == {"kind": "include", "uids": ["1001", "1003"]}


def test_update_of_audio_only_leaves_no_video_subscribed():
    e, _, _ = make()
    cr = snapshot_request()
    cr["recordingConfig"]["streamTypes"] = 2
    rid, sid = start(e, cr)
    update = {"streamSubscribe": {"audioUidList": {"subscribeAudioUids": ["1001"]}}}
    e.update(APP, rid, sid, "individual", body(update))
    assert e.get_session(sid)["video"]["kind"] == "none"  # replaced, not merged


def test_update_storage_config_redirects_later_screenshots():
    e, clock, storage = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, snapshot_request(["1001"], interval=5))
    clock.advance(5)
    new_storage = snapshot_request(bucket="rotated", with_secrets=True)["storageConfig"]
    e.update(APP, rid, sid, "individual", body({"storageConfig": new_storage}))
    clock.advance(5)
    e.tick()
    buckets = sorted(p.split("/")[1] for p in storage.files)
    assert buckets == ["my-shots", "my-shots", "rotated"]  # 0 s and 5 s, then 10 s
    assert SECRETS["stsToken"] not in json.dumps(e.to_state())


def test_stop_then_stop_again_then_gone():
    e, clock, _ = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, snapshot_request(["1001"]))
    clock.advance(6)
    reply = e.stop(APP, rid, sid, "individual", body({"async_stop": False}))
    assert reply.status == 200
    assert reply.body["serverResponse"] == {"uploadingStatus": "uploaded"}
    assert reply.body["sid"] == sid
    r = reject(e.stop, APP, rid, sid, "individual", body({"async_stop": False}))
    assert (r.status, r.code, r.reason) == (400, 49, "invalid operation")
    assert e.query(APP, rid, sid, "individual").body["serverResponse"]["status"] in (6, 7, 8)
    clock.advance(EXIT_SECONDS)
    assert reject(e.stop, APP, rid, sid, "individual", body({"async_stop": False})).status == 404


def test_stop_with_nothing_captured_is_206_code_435():
    e, clock, _ = make()
    rid, sid = start(e)
    clock.advance(20)
    reply = e.stop(APP, rid, sid, "individual", body({"async_stop": True}))
    assert (reply.status, reply.body) == (206, {"code": 435, "reason": "no recorded data"})
    assert e.get_session(sid)["state"] == "exiting"


def test_wrong_cname_on_update_or_stop_is_worker_not_found():
    e, _, _ = make()
    rid, sid = start(e)
    assert (
        reject(
            e.stop, APP, rid, sid, "individual", body({"async_stop": False}, cname="other")
        ).status
        == 404
    )


def test_update_layout_is_mix_only():
    e, _, _ = make()
    rid, sid = start(e)
    r = reject(e.update_layout, APP, rid, sid, "individual", body({}))
    assert r.code == 2 and "mix" in r.reason


# ------------------------------------------------------------------ failover


def test_failover_prefixes_later_files_and_the_fourth_stops_the_session():
    e, clock, storage = make(failover_recovery=3)
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, snapshot_request(["1001"], interval=5))
    clock.advance(5)
    e.failover(sid)
    assert reject(e.query, APP, rid, sid, "individual").status == 404  # migrating
    assert (
        e.update(
            APP,
            rid,
            sid,
            "individual",
            body({"storageConfig": snapshot_request()["storageConfig"]}),
        ).status
        == 200
    )
    clock.advance(5)
    assert e.query(APP, rid, sid, "individual").status == 200  # recovered, still running
    e.failover(sid)
    clock.advance(5)
    e.failover(sid)
    clock.advance(5)
    e.tick()
    prefixes = [
        parse_key(p.split("/", 2)[2])[1].failover
        for p in sorted(storage.files, key=lambda p: p[-21:])
    ]
    assert prefixes == [None, None, 0, 1, 2]  # 0 s and 5 s, then 10 s, 15 s, 20 s
    view = e.failover(sid)
    assert view["state"] == "exiting" and "failover" in view["endReason"]
    assert view["failovers"] == 4


def test_no_screenshots_during_failover_recovery():
    e, clock, _ = make(failover_recovery=12)
    e.add_publisher(APP, CNAME, "1001")
    _, sid = start(e, snapshot_request(["1001"], interval=5))
    e.failover(sid)
    clock.advance(20)
    files = e.get_session(sid)["files"]
    # the one at start, then none until the migration ends: 15 s and 20 s
    assert len(files) == 3 and "/bak0_" not in files[0]
    assert all("/bak0_" in f for f in files[1:])


# ------------------------------------------------------------------ validation (code 2 etc.)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda cr: cr["snapshotConfig"].update(captureInterval=2), "captureInterval"),
        (lambda cr: cr["snapshotConfig"].update(fileType=["png"]), "fileType"),
        (lambda cr: cr["recordingConfig"].pop("channelType"), "channelType is required"),
        (lambda cr: cr["recordingConfig"].pop("subscribeUidGroup"), "subscribeUidGroup"),
        (lambda cr: cr["recordingConfig"].update(streamTypes=0), "streamTypes"),
        (lambda cr: cr["recordingConfig"].update(maxIdleTime=1), "maxIdleTime"),
        (
            lambda cr: cr["recordingConfig"].update(subscribeVideoUids=["0"]),
            "subscribeVideoUids[0]",
        ),
        (lambda cr: cr["recordingConfig"].update(unsubscribeVideoUids=["5"]), "mutually exclusive"),
        (lambda cr: cr["recordingConfig"].update(subscribeaudioUids=["5"]), "case-sensitive"),
        (lambda cr: cr["recordingConfig"].update(subscribeAudioUids=["5"]), "audio UID lists need"),
        (lambda cr: cr["recordingConfig"].update(decryptionMode=7, secret="x"), "salt is required"),
        (lambda cr: cr["recordingConfig"].update(transcodingConfig={}), "mix mode"),
        (lambda cr: cr["recordingConfig"].update(streamMode="original"), "original"),
        (lambda cr: cr["storageConfig"].update(vendor=4), "vendor"),
        (lambda cr: cr["storageConfig"].update(region=17), "region 17"),
        (lambda cr: cr["storageConfig"].update(fileNamePrefix=["a_b"]), "fileNamePrefix"),
        (lambda cr: cr["storageConfig"].update(vendor=5, stsToken="t"), "stsToken"),
        (lambda cr: cr["storageConfig"].update(vendor=11), "endpoint is required"),
        (lambda cr: cr["storageConfig"].pop("secretKey"), "secretKey is required"),
        (lambda cr: cr.pop("storageConfig"), "storageConfig is required"),
        (lambda cr: cr.update(recordingFileConfig={"avFileType": ["mp4"]}), "hls"),
        (lambda cr: cr.update(extensionServiceConfig={}), "web mode"),
    ],
)
def test_invalid_start_bodies_are_code_2(mutate, fragment):
    e, _, _ = make()
    cr = snapshot_request()
    mutate(cr)
    rid = e.acquire(APP, body({})).body["resourceId"]
    r = reject(e.start, APP, rid, "individual", body(cr))
    assert (r.status, r.code) == (400, 2)
    assert fragment in r.reason


def test_snapshot_config_outside_individual_mode_is_code_2():
    e, _, _ = make()
    rid = e.acquire(APP, body({})).body["resourceId"]
    r = reject(e.start, APP, rid, "mix", body())
    assert r.code == 2 and "individual" in r.reason


def test_secret_values_are_never_echoed_in_reasons():
    e, _, _ = make()
    cr = snapshot_request(with_secrets=True)
    cr["storageConfig"]["vendor"] = 6  # stsToken not allowed for Google
    rid = e.acquire(APP, body({})).body["resourceId"]
    r = reject(e.start, APP, rid, "individual", body(cr))
    assert not any(s in r.reason for s in SECRETS.values())


@pytest.mark.parametrize(
    ("payload", "code", "reason"),
    [
        ({"cname": "bad/name", "uid": "1"}, 401, "invalid_channel_name"),
        ({"cname": "x" * 64, "uid": "1"}, 401, "invalid_channel_name"),
        ({"cname": "ok", "uid": "0"}, 2, None),
        ({"cname": "ok", "uid": 123}, 2, None),
        ({"uid": "1"}, 2, "cname is required"),
        (
            {"cname": "ok", "uid": "1", "clientRequest": {"resourceExpiredHour": 721}},
            2,
            "Acquire: invalid resourceExpiredHour value!",
        ),
        ({"cname": "ok", "uid": "1", "clientRequest": {"region": "US"}}, 2, None),
        ({"cname": "ok", "uid": "1", "clientRequest": {"scene": 3}}, 2, None),
    ],
)
def test_acquire_validation(payload, code, reason):
    e, _, _ = make()
    r = reject(e.acquire, APP, payload)
    assert (r.status, r.code) == (400, code)
    if reason:
        assert reason in r.reason


def test_invalid_app_id_and_restricted_app_ids():
    e, _, _ = make(app_ids=["a" * 32])
    assert reject(e.acquire, "not-an-app-id", body({})).reason == "invalid_appid"
    assert reject(e.acquire, APP, body({})).reason == "invalid_appid"
    assert e.acquire("A" * 32, body({})).status == 200


def test_concurrency_limit_is_406():
    e, _, _ = make(max_sessions=1)
    start(e)
    r = reject(e.acquire, APP, body({}, uid="910002"))
    assert (r.code, r.reason) == (406, "vendor_over_load")


def test_invalid_update_bodies():
    e, _, _ = make()
    rid, sid = start(e)
    for cr, fragment in [
        ({}, "streamSubscribe or storageConfig"),
        (
            {"streamSubscribe": {"audioUidList": {"subscribeAudioUids": ["1"]}}},
            "streamTypes 0 or 2",
        ),
        ({"streamSubscribe": {"videoUidList": {}}}, "subscribeVideoUids"),
        ({"webRecordingConfig": {}}, "web mode"),
    ]:
        r = reject(e.update, APP, rid, sid, "individual", body(cr))
        assert r.code == 2 and fragment in r.reason, r.reason


def test_session_lists_only_the_newest_files(monkeypatch):
    from snaplint.emulator import capture

    monkeypatch.setattr(capture, "MAX_LISTED_FILES", 3)
    e, clock, storage = make()
    e.add_publisher(APP, CNAME, "1001")
    _, sid = start(e, snapshot_request(["1001"], interval=5))
    for _ in range(5):
        clock.advance(5)
        e.tick()
    view = e.get_session(sid)
    assert view["filesTotal"] == 6 == len(storage.files)  # at start, then every 5 s
    assert view["files"] == sorted(storage.files)[-3:]
