"""The emulator's notifications: what the engine tells (manual clock), how the sender delivers
(a fake POST), the control API's publisher switch and the CLI's checks."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import pytest

from snaplint.agora.filenames import parse_key
from snaplint.emulator.clock import ManualClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.faults import FaultConfig, FaultInjector
from snaplint.emulator.notifier import Collector, Notice
from snaplint.emulator.sender import HttpSender, shown_url
from snaplint.emulator.storage import MemoryStorage
from snaplint.notifications import parse_event
from snaplint.notifications.signature import HEADER_V1, HEADER_V2, verify
from tests.emulator_fixtures import APP, BOT_UID, CNAME, snapshot_request

T0 = 1_750_000_000.0
MS0 = round(T0 * 1000)


def make() -> tuple[Engine, ManualClock, Collector]:
    clock = ManualClock(T0)
    engine = Engine(clock=clock, storage=MemoryStorage(), rng=random.Random(3))
    engine.notifier = collector = Collector()
    return engine, clock, collector


def start(engine: Engine, uids: tuple[str, ...] = ("1001", "1002"), **kw: Any) -> tuple[str, str]:
    rid = engine.acquire(APP, {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}}).body[
        "resourceId"
    ]
    cr = snapshot_request(list(uids), interval=5, **kw)
    reply = engine.start(
        APP, rid, "individual", {"cname": CNAME, "uid": BOT_UID, "clientRequest": cr}
    )
    assert reply.status == 200, reply.body
    return rid, reply.body["sid"]


def kinds(notices: list[Notice]) -> list[tuple]:
    """(eventType, what it is about, ms after T0) of each notice."""
    out = []
    for n in notices:
        about = n.details.get("streamUid")
        if n.event_type == 44:
            about = (about, n.details["state"])
        elif n.event_type == 45:
            about = parse_key(n.details["fileName"])[1].uid
        out.append((n.event_type, about, n.sendts - MS0))
    return out


# ------------------------------------------------------------------ what the engine tells


def test_a_start_tells_recorder_started_video_received_and_the_first_screenshots() -> None:
    e, clock, got = make()
    e.add_publisher(APP, CNAME, "1001")
    e.add_publisher(APP, CNAME, "1002")
    e.add_publisher(APP, CNAME, "1003")  # not subscribed: never mentioned
    _, sid = start(e)
    clock.advance(5)
    e.tick()
    assert kinds(got.notices) == [
        (40, None, 0),
        (44, ("1001", 0), 0),
        (44, ("1002", 0), 0),
        (45, "1001", 0),
        (45, "1002", 0),
        (45, "1001", 5000),
        (45, "1002", 5000),
    ]
    assert [n.sequence for n in got.notices] == list(range(7))
    assert {(n.sid, n.cname, n.uid, n.app_id) for n in got.notices} == {(sid, CNAME, BOT_UID, APP)}
    shot = got.notices[3]
    # fileName is the object key: the fileNamePrefix path and the name, no vendor or bucket
    prefix, name = parse_key(shot.details["fileName"])
    assert prefix == ["lesson42", "shots"] and name.sid == sid
    assert name.captured_at.timestamp() == T0
    assert e.get_session(sid)["files"][0].endswith(shot.details["fileName"])
    assert got.notices[1].details["UtcMs"] == MS0


def test_the_bodies_parse_as_the_receiver_reads_them() -> None:
    e, _, got = make()
    e.add_publisher(APP, CNAME, "1001")
    start(e, ("1001",))
    events = [parse_event(body) for _, body in got.bodies(MS0 + 7)]
    assert [ev.name for ev in events] == [
        "recorder_started",
        "recorder_video_stream_state_changed",
        "recorder_snapshot_file",
    ]
    assert events[0].status == 0 and events[0].service_type == 1
    assert events[1].video_state.receiving is True and events[1].video_state.stream_uid == "1001"
    assert events[2].file_name.startswith("lesson42/shots/")
    assert all(ev.product_id == 3 and ev.notify_ms == MS0 + 7 for ev in events)
    assert len({ev.notice_id for ev in events}) == 3


def test_switching_a_publishers_video_off_and_on() -> None:
    e, clock, got = make()
    e.add_publisher(APP, CNAME, "1001")
    e.add_publisher(APP, CNAME, "1002")
    start(e)
    got.notices.clear()
    clock.advance(2)
    assert e.set_publisher(APP, CNAME, "1002", video=False)["video"] is False
    clock.advance(10)
    e.tick()
    assert kinds(got.notices) == [
        (44, ("1002", 1), 2000),  # told at once, not at the next capture
        (45, "1001", 5000),
        (45, "1001", 10000),
    ]
    got.notices.clear()
    e.set_publisher(APP, CNAME, "1002", video=True)
    clock.advance(3)
    e.tick()
    assert kinds(got.notices) == [
        (44, ("1002", 0), 12000),
        (45, "1001", 15000),
        (45, "1002", 15000),
    ]
    with pytest.raises(KeyError):
        e.set_publisher(APP, CNAME, "4242", video=False)


def test_leaving_and_unsubscribing_stop_the_video_too() -> None:
    e, clock, got = make()
    for uid in ("1001", "1002", "1003"):
        e.add_publisher(APP, CNAME, uid)
    rid, sid = start(e)
    got.notices.clear()
    clock.advance(1)
    e.remove_publisher(APP, CNAME, "1001")
    update = {"streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1002", "1003"]}}}
    body = {"cname": CNAME, "uid": BOT_UID, "clientRequest": update}
    assert e.update(APP, rid, sid, "individual", body).status == 200
    assert kinds(got.notices) == [(44, ("1001", 1), 1000), (44, ("1003", 0), 1000)]


def test_session_ends_tell_leave_and_exit() -> None:
    e, clock, got = make()
    e.add_publisher(APP, CNAME, "1001")
    rid, sid = start(e, ("1001",))
    clock.advance(1)
    e.stop(APP, rid, sid, "individual", {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}})
    assert [(n.event_type, n.details) for n in got.notices[-2:]] == [
        (41, {"leaveCode": 16}),  # the recorder left the channel
        (11, {"exitStatus": 0}),
    ]

    e2, clock2, got2 = make()
    start(e2, ("1001",), max_idle=10)  # nobody publishes: idles out
    clock2.advance(11)
    e2.tick()
    assert [(n.event_type, n.details, n.sendts - MS0) for n in got2.notices[-2:]] == [
        (41, {"leaveCode": 4}, 10000),
        (11, {"exitStatus": 0}, 10000),
    ]


def test_failovers_tell_the_new_uid_and_the_fourth_exits_abnormally() -> None:
    e, clock, got = make()
    e.add_publisher(APP, CNAME, "1001")
    _, sid = start(e, ("1001",))
    got.notices.clear()
    e.failover(sid)
    (told,) = got.notices
    new_uid = e.get_session(sid)["botUid"]
    assert told.event_type == 12 and told.details == {"newUid": int(new_uid)}
    clock.advance(40)  # recovered: later notices come from the new recorder
    e.tick()
    assert got.notices[-1].event_type == 45 and got.notices[-1].uid == new_uid
    for _ in range(3):
        e.failover(sid)
    assert [(n.event_type, n.details) for n in got.notices[-2:]] == [
        (41, {"leaveCode": 2}),
        (11, {"exitStatus": 1}),
    ]


def test_reported_errors_and_warnings() -> None:
    e, _, got = make()
    _, sid = start(e)
    e.report(sid, {"module": 1, "errorLevel": 5, "errorCode": 51, "stat": 0, "errorMsg": "x"})
    e.report(sid, {"module": 0, "warnCode": 32}, warning=True)
    error, warning = (parse_event(body) for _, body in got.bodies(MS0)[-2:])
    assert error.error.fatal and error.error.code == 51 and error.error.module_name == "uploader"
    assert warning.warning.code == 32
    e.stop(
        APP,
        e.get_session(sid)["resourceId"],
        sid,
        "individual",
        {"cname": CNAME, "uid": BOT_UID, "clientRequest": {}},
    )
    with pytest.raises(KeyError):
        e.report(sid, {})


def test_without_a_notifier_nothing_is_counted() -> None:
    e, _, _ = make()
    e.notifier = None
    e.add_publisher(APP, CNAME, "1001")
    _, sid = start(e, ("1001",))
    assert e.sessions[sid].notify_seq == 0 and e.sessions[sid].receiving == ["1001"]


# ------------------------------------------------------------------ delivery


class FakeReceiver:
    """Answers POSTs with the statuses given (then 200), recording each attempt."""

    def __init__(self, *statuses: int | Exception, delay: float = 0.0) -> None:
        self.statuses = list(statuses)
        self.posts: list[tuple[float, bytes, dict[str, str]]] = []
        self.delay = delay
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        self.gate.wait(10)
        time.sleep(self.delay)
        self.posts.append((time.monotonic(), body, headers))
        answer = self.statuses.pop(0) if self.statuses else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    def events(self) -> list[Any]:
        return [parse_event(body) for _, body, _ in self.posts]


def notice(seq: int) -> Notice:
    return Notice(45, APP, "a" * 32, CNAME, BOT_UID, seq, MS0 + seq, 1, {"fileName": f"p/{seq}"})


def sender(receiver: FakeReceiver, **kw: Any) -> HttpSender:
    kw.setdefault("retry_delays", (0.05, 0.1, 0.2))
    kw.setdefault("workers", 1)  # one at a time: the order of deliveries is asserted
    return HttpSender("http://127.0.0.1:9/agora/ncs", "s3cret", post=receiver, **kw)


def test_a_non_200_answer_is_retried_with_the_same_body_at_growing_intervals() -> None:
    receiver = FakeReceiver(503, ConnectionError("refused"), 500)
    s = sender(receiver)
    try:
        s.put(notice(0))
        assert s.flush(10)
    finally:
        s.close()
    assert len(receiver.posts) == 4
    bodies = {body for _, body, _ in receiver.posts}
    assert len(bodies) == 1  # the same noticeId, the same body: the receiver stores it once
    gaps = [b[0] - a[0] for a, b in zip(receiver.posts, receiver.posts[1:], strict=False)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2
    body, headers = receiver.posts[0][1], receiver.posts[0][2]
    assert verify(body, "s3cret", v2=headers[HEADER_V2], v1=None) == "v2"
    assert verify(body, "s3cret", v2=None, v1=headers[HEADER_V1]) == "v1"
    stats = s.stats()
    assert (stats["delivered"], stats["retried"], stats["failed"]) == (1, 3, 0)
    assert list(s.answered_ok) == [receiver.events()[0].notice_id]


def test_after_three_retries_a_notice_is_given_up() -> None:
    receiver = FakeReceiver(500, 500, 500, 500, 500)
    s = sender(receiver)
    try:
        s.put(notice(0))
        assert s.flush(10)
    finally:
        s.close()
    assert len(receiver.posts) == 4 and s.stats()["failed"] == 1 and not s.answered_ok


def test_a_receiver_that_is_down_does_not_hold_up_later_notices() -> None:
    receiver = FakeReceiver(500)
    s = sender(receiver, retry_delays=(0.3, 0.3, 0.3))
    try:
        s.put(notice(0))
        s.put(notice(1))
        assert s.flush(10)
    finally:
        s.close()
    assert [e.sequence for e in receiver.events()] == [0, 1, 0]  # 0's retry waits; 1 does not


def test_several_deliveries_are_in_flight_at_once() -> None:
    receiver = FakeReceiver(delay=0.2)
    s = sender(receiver, workers=4)
    try:
        began = time.monotonic()
        for seq in range(8):
            s.put(notice(seq))
        assert s.flush(10)
        took = time.monotonic() - began
    finally:
        s.close()
    assert sorted(e.sequence for e in receiver.events()) == list(range(8))
    assert took < 8 * 0.2 * 0.75  # one at a time would take 1.6 s


def test_the_queue_is_bounded_and_put_never_blocks() -> None:
    receiver = FakeReceiver()
    receiver.gate.clear()  # the receiver hangs
    s = sender(receiver, queue_size=3)
    try:
        began = time.monotonic()
        for seq in range(20):
            s.put(notice(seq))
        assert time.monotonic() - began < 0.5
        stats = s.stats()
        assert stats["overflow"] >= 16 and stats["queued"] + stats["overflow"] == 20
    finally:
        receiver.gate.set()
        s.close()


def faulty(**config: Any) -> FaultInjector:
    return FaultInjector(FaultConfig.from_dict({"seed": 1, **config}))


def test_dropped_and_duplicated_deliveries() -> None:
    receiver = FakeReceiver()
    s = sender(receiver, faults=faulty(notify_drop_rate=1.0))
    s.put(notice(0))
    assert s.flush(5)
    s.close()
    assert receiver.posts == [] and s.stats()["dropped"] == 1

    receiver = FakeReceiver()
    s = sender(receiver, faults=faulty(notify_duplicate_rate=1.0))
    s.put(notice(0))
    assert s.flush(5)
    s.close()
    first, copy = receiver.events()
    # the copy is a redundant notification: a new noticeId, the same sid, sequence and type
    assert first.notice_id != copy.notice_id
    assert (first.sid, first.sequence, first.event_type) == (
        copy.sid,
        copy.sequence,
        copy.event_type,
    )


def test_reordered_and_held_deliveries() -> None:
    receiver = FakeReceiver()
    s = sender(receiver, faults=faulty(notify_reorder_rate=1.0))
    for seq in range(4):
        s.put(notice(seq))
    assert s.flush(5)
    s.close()
    assert [e.sequence for e in receiver.events()] == [1, 0, 3, 2]

    receiver = FakeReceiver()
    injector = faulty(notify_hold=True)
    s = sender(receiver, faults=injector)
    for seq in range(4):
        s.put(notice(seq))
    time.sleep(0.2)
    assert receiver.posts == [] and s.stats()["held"] == 4
    assert not s.flush(0.1)  # held back is not settled
    injector.configure(FaultConfig())
    assert s.flush(5)
    s.close()
    assert [e.sequence for e in receiver.events()] == [3, 2, 1, 0]  # newest first


def test_notify_fault_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="notify_drop_rate must be ≥ 0 and ≤ 1"):
        FaultConfig.from_dict({"notify_drop_rate": 2})
    with pytest.raises(ValueError, match="notify_hold must be true or false"):
        FaultConfig.from_dict({"notify_hold": "yes"})
    merged = FaultConfig().merged({"notify_duplicate_rate": 0.5})
    assert merged.to_dict()["notify_duplicate_rate"] == 0.5


def test_the_url_is_shown_without_its_password() -> None:
    shown = shown_url("https://ncs:hunter22@example.test:8443/agora/ncs")
    assert "hunter22" not in shown and shown.endswith("@example.test:8443/agora/ncs")
    s = HttpSender("https://ncs:hunter22@example.test/x", "s3cret", post=FakeReceiver())
    try:
        assert "hunter22" not in repr(s) + json.dumps(s.stats()) and "s3cret" not in repr(s)
    finally:
        s.close()
