"""The event model: bodies as Agora sends them → Event, malformed ones → Malformed, never an
exception; typed accessors of the events snapshot jobs care about."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snaplint.notifications import Event, EventType, Malformed, parse_event
from snaplint.notifications.compose import notification_body


def body(event_type: int, **details) -> bytes:
    return notification_body(
        event_type,
        sid="sid-1",
        cname="class-7",
        uid="527",
        sequence=3,
        sendts=1700000000100,
        notify_ms=1700000000200,
        notice_id="n-1",
        service_type=1,
        details=details,
    )


def test_common_fields():
    event = parse_event(body(40, msgName="recorder_started", status=0), app_id="app", received_ms=9)
    assert isinstance(event, Event)
    assert (event.notice_id, event.product_id, event.event_type, event.notify_ms) == (
        "n-1",
        3,
        40,
        1700000000200,
    )
    assert (event.sid, event.cname, event.uid, event.sequence, event.sendts) == (
        "sid-1",
        "class-7",
        "527",
        3,
        1700000000100,
    )
    assert (event.service_type, event.app_id, event.received_ms) == (1, "app", 9)
    assert event.name == "recorder_started" and event.status == 0
    assert json.loads(event.body)["noticeId"] == "n-1"
    assert event.to_dict()["eventType"] == 40 and event.to_dict()["appId"] == "app"
    hash(event)  # frozen and hashable, although details is a dict


def test_agora_signature_example_body_parses():
    raw = (
        b'{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f",'
        b'"notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}'
    )
    event = parse_event(raw)
    assert isinstance(event, Event)
    assert event.sid is None and event.sequence is None and event.details == {}
    assert event.order_ms == 1560408533119  # no sendts: ordered by notifyMs
    assert event.error is None and event.file_name is None  # not a Cloud Recording event


def test_video_stream_state():
    event = parse_event(body(44, streamUid="1001", state=1, UtcMs=1700000000000))
    state = event.video_state
    assert (state.media, state.stream_uid, state.state, state.receiving, state.utc_ms) == (
        "video",
        "1001",
        1,
        False,
        1700000000000,
    )
    assert parse_event(body(44, streamUid=1002, state=0)).video_state.stream_uid == "1002"
    assert parse_event(body(44, streamUid="1", state=0)).video_state.receiving is True
    assert parse_event(body(43, streamUid="1", state=0)).video_state is None  # audio
    assert parse_event(body(43, streamUid="1", state=0)).stream_state.media == "audio"


def test_snapshot_file():
    event = parse_event(
        body(45, msgName="recorder_snapshot_file", fileName="a/b/sid_c__uid_s_1.jpg")
    )
    assert event.file_name == "a/b/sid_c__uid_s_1.jpg"
    assert event.name == "recorder_snapshot_file"
    assert parse_event(body(45)).file_name is None  # lenient: details kept, no file name


def test_exit_leave_failover_error_warning():
    assert parse_event(body(11, exitStatus=1)).exit_status == 1
    assert parse_event(body(11, exitStatus=0)).session_exit.normal is True
    assert parse_event(body(41, leaveCode=6)).recorder_leave.reasons == ("signal", "no-users")
    assert parse_event(body(41, leaveCode=0)).recorder_leave.reasons == ("init-failed",)
    assert parse_event(body(41, leaveCode=17)).recorder_leave.reasons == (
        "client-leave",
        "unknown-1",
    )
    assert parse_event(body(41, leaveCode=4)).leave_code == 4
    assert parse_event(body(12, newUid=2088)).failover.new_uid == "2088"
    error = parse_event(body(1, module=1, errorLevel=5, errorCode=47, stat=1, errorMsg="x")).error
    assert (error.module_name, error.fatal, error.code, error.message) == (
        "uploader",
        True,
        47,
        "x",
    )
    assert parse_event(body(2, module=0, warnCode=31)).warning.code == 31
    assert parse_event(body(2, module=0, warnCode=31)).error is None
    assert EventType(45).name == "RECORDER_SNAPSHOT_FILE"


def test_top_level_sid_is_used_when_the_payload_has_none():
    raw = json.dumps(
        {
            "noticeId": "n",
            "productId": 3,
            "eventType": 40,
            "notifyMs": 1,
            "sid": "top",
            "payload": {},
        }
    )
    assert parse_event(raw).sid == "top"


def envelope(**changes):
    data = {"noticeId": "n", "productId": 3, "eventType": 45, "notifyMs": 1, "payload": {}}
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not JSON"),
        (b"{", "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1]", "not a JSON object"),
        (b'{"noticeId": NaN}', "not JSON"),
        (b"[" * 100000 + b"]" * 100000, "not JSON"),  # deep nesting: no RecursionError escapes
        (envelope(noticeId=""), "noticeId"),
        (envelope(noticeId=7), "noticeId"),
        (envelope(noticeId="x" * 300), "noticeId"),
        (envelope(productId="3"), "productId"),
        (envelope(eventType=True), "eventType"),
        (envelope(eventType=4.5), "eventType"),
        (envelope(notifyMs=None), "notifyMs"),
        (envelope(payload=[]), "payload"),
        (envelope(payload={"sequence": "1"}), "payload.sequence"),
        (envelope(payload={"sendts": 1.5}), "payload.sendts"),
        (envelope(payload={"cname": 5}), "payload.cname"),
        (envelope(payload={"uid": [1]}), "payload.uid"),
        (envelope(payload={"details": "x"}), "payload.details"),
    ],
)
def test_malformed_bodies_are_values(raw, reason):
    result = parse_event(raw)
    assert isinstance(result, Malformed)
    assert reason in result.reason


@given(st.binary(max_size=300))
def test_no_bytes_raise(raw):
    assert isinstance(parse_event(raw), Event | Malformed)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.fixed_dictionaries(
        {"noticeId": JSON, "productId": JSON, "eventType": JSON, "notifyMs": JSON, "payload": JSON}
    )
)
def test_no_json_shape_raises(data):
    result = parse_event(json.dumps(data))
    assert isinstance(result, Event | Malformed)
    if isinstance(result, Event):  # every accessor copes with whatever details hold
        names = ("error", "warning", "session_exit", "failover", "recorder_leave", "stream_state")
        for name in (*names, "snapshot", "status", "name", "order_key"):
            getattr(result, name)
        assert result.to_dict()["noticeId"] == result.notice_id
