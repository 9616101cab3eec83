"""The executor with a scripted client: journaling, ordering, parallelism, error handling."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from snaplint.agora import client as api
from snaplint.operations.executor import Executor
from snaplint.operations.outcomes import FAILED, SUCCEEDED, UNTOUCHED, job_work
from snaplint.plan.changes import Desired, Live
from snaplint.plan.planner import make_plan
from snaplint.plan.updates import update_request
from snaplint.state import journal
from snaplint.state.backends.file import FileBackend
from snaplint.state.codec import JobState, StateStore
from snaplint.state.journal import Journal
from tests.test_plan import BASE, INTERVAL, KEY, SUBS, recorded, spec

APP = BASE["appId"]


class FakeClient:
    """Records calls; ``script[(endpoint, job_cname)]`` is a list of errors to raise in turn."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[tuple[str, str]] = []
        self.script: dict[tuple[str, str], list[BaseException]] = {}
        self.delay = delay
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._n = 0

    def _call(self, endpoint: str, cname: str) -> None:
        with self._lock:
            self.calls.append((endpoint, cname))
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            self._n += 1
        try:
            if self.delay:
                time.sleep(self.delay)
            errors = self.script.get((endpoint, cname))
            if errors:
                raise errors.pop(0)
        finally:
            with self._lock:
                self.active -= 1

    def acquire(self, app_id, cname, uid, client_request):
        self._call("acquire", cname)
        return SimpleNamespace(resource_id=f"R-{cname}-{self._n}")

    def start(self, app_id, resource_id, mode, cname, uid, client_request):
        self._call("start", cname)
        return SimpleNamespace(sid=f"S-{cname}-{self._n}", resource_id=resource_id)

    def update(self, app_id, resource_id, sid, mode, cname, uid, client_request):
        self.last_update = client_request
        self._call("update", cname)

    def stop(self, app_id, resource_id, sid, mode, cname, uid, async_stop=False):
        self._call("stop", cname)
        return SimpleNamespace(uploading_status="uploaded")


def err(cls, code=None, status=400, reason="r"):
    return cls("x", http_status=status, code=code, reason=reason)


def job_state(name, s=BASE, status="running", sid="S0", rid="R0"):
    return JobState(
        name, s["appId"], s["cname"], s["uid"], resource_id=rid, sid=sid, status=status, spec=s
    )


def run(tmp_path, want, have, client, live=None, parallelism=4, options=None):
    backend = FileBackend(tmp_path / "state.json")
    store = StateStore(backend)
    state = store.load()
    state.jobs = {j.name: j for j in have}
    store.save(state)
    plan = make_plan(
        want,
        [recorded(j.name, j.spec, j.status) for j in have],
        live or {},
        options,
    )
    executor = Executor(
        client,
        Journal.for_state(backend, state),
        state,
        job_work(plan, {d.name: d for d in want}, {d.name: real(d.spec) for d in want}, live or {}),
        parallelism=parallelism,
    )
    outcomes = {o.name: o for o in executor.run()}
    return state, outcomes, journal.read(backend), plan


def real(s):
    """A request body: the fingerprint with its secret markers replaced by values."""
    import copy

    out = copy.deepcopy(s)
    storage = out["clientRequest"]["storageConfig"]
    storage["accessKey"], storage["secretKey"] = "AK", "SK"
    return out


def want(name, s=BASE):
    return Desired(name, s, f"d-{name}")


def test_create_journals_intent_before_each_call_and_outcome_after(tmp_path):
    client = FakeClient()
    state, outcomes, records, _ = run(tmp_path, [want("a")], [], client)
    assert client.calls == [("acquire", "lesson42"), ("start", "lesson42")]
    assert [(r.step, r.phase) for r in records] == [
        ("acquire", "intent"),
        ("acquire", "done"),
        ("start", "intent"),
        ("start", "done"),
    ]
    assert records[2].resource_id == records[1].resource_id  # the intent names the resourceId
    job = state.jobs["a"]
    assert (job.status, job.sid) == ("running", outcomes["a"].sid)
    assert outcomes["a"].result == SUCCEEDED


def test_stops_happen_before_starts(tmp_path):
    # "old" is removed and "new" takes over its cname+uid: stop must come first (code 53)
    old = job_state("old", spec(cname="shared", uid="7"))
    client = FakeClient(delay=0.02)
    state, outcomes, _, _ = run(
        tmp_path,
        [want("new", spec(cname="shared", uid="7")), want("r", INTERVAL)],
        [old, job_state("r")],
        client,
    )
    stops = [i for i, c in enumerate(client.calls) if c[0] == "stop"]
    starts = [i for i, c in enumerate(client.calls) if c[0] in ("acquire", "start")]
    assert len(stops) == 2 and max(stops) < min(starts)
    assert set(state.jobs) == {"new", "r"}
    assert outcomes["old"].result == SUCCEEDED and outcomes["r"].result == SUCCEEDED


def test_parallelism_is_bounded(tmp_path):
    client = FakeClient(delay=0.05)
    many = [want(f"j{i}", spec(cname=f"c{i}", uid=str(100 + i))) for i in range(8)]
    run(tmp_path, many, [], client, parallelism=3)
    assert client.max_active == 3


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (err(api.AlreadyStartedError, 7, 201), "untracked"),
        (err(api.TaskConflictError, 53), "untracked"),
    ],
)
def test_code_7_and_53_are_evidence(tmp_path, error, status):
    client = FakeClient()
    client.script[("start", "lesson42")] = [error]
    state, outcomes, records, _ = run(tmp_path, [want("a")], [], client)
    assert state.jobs["a"].status == status and state.jobs["a"].sid is None
    assert outcomes["a"].result == SUCCEEDED and "its sid is unknown" in outcomes["a"].detail
    assert records[-1].phase == "evidence"


def test_53_after_a_404_keeps_the_recorded_session(tmp_path):
    client = FakeClient()
    client.script[("start", "lesson42")] = [err(api.TaskConflictError, 53)]
    state, outcomes, _, plan = run(
        tmp_path,
        [want("a")],
        [job_state("a", sid="S-old", rid="R-old")],
        client,
        live={"a": Live("ended")},
    )
    assert plan.changes[0].reason == "session_ended"
    job = state.jobs["a"]
    assert (job.status, job.sid, job.resource_id) == ("running", "S-old", "R-old")
    assert "still running" in outcomes["a"].detail


def test_uncertain_start_stays_pending(tmp_path):
    client = FakeClient()
    client.script[("start", "lesson42")] = [err(api.TransportError, None, None)]
    state, outcomes, _, _ = run(tmp_path, [want("a")], [], client)
    assert state.jobs["a"].status == "pending" and state.jobs["a"].resource_id
    assert outcomes["a"].result == FAILED and "unknown" in outcomes["a"].detail


def test_pending_start_retries_its_resource_id_then_acquires(tmp_path):
    pending = job_state("a", status="pending", sid=None, rid="R-pending")
    client = FakeClient()
    state, _outcomes, _, _ = run(tmp_path, [want("a")], [pending], client)
    assert client.calls == [("start", "lesson42")]  # no acquire: R-pending was still good
    assert state.jobs["a"].status == "running"

    client = FakeClient()
    client.script[("start", "lesson42")] = [err(api.ResourceExpiredError, 433)]
    state, _, _, _ = run(tmp_path / "2", [want("a")], [pending], client)
    assert client.calls == [("start", "lesson42"), ("acquire", "lesson42"), ("start", "lesson42")]
    assert state.jobs["a"].status == "running"


@pytest.mark.parametrize(("have", "left"), [([], None), ([job_state("a")], "ended")])
def test_definitive_start_failure(tmp_path, have, left):
    client = FakeClient()
    client.script[("start", "lesson42")] = [err(api.InvalidParameterError, 2)]
    target = [want("a", INTERVAL)] if have else [want("a")]
    state, outcomes, _, _ = run(tmp_path, target, have, client)
    assert (state.jobs["a"].status if "a" in state.jobs else None) == left
    o = outcomes["a"]
    assert (o.result, o.code, o.http_status) == (FAILED, 2, 400)


def test_replace_whose_stop_fails_is_not_started(tmp_path):
    client = FakeClient()
    client.script[("stop", "lesson42")] = [err(api.ServerError, 62, 504)]
    state, outcomes, _, _ = run(tmp_path, [want("a", INTERVAL)], [job_state("a")], client)
    assert client.calls == [("stop", "lesson42")]
    assert outcomes["a"].result == FAILED and state.jobs["a"].status == "running"


@pytest.mark.parametrize(
    "error",
    [
        err(api.WorkerNotFoundError, 404, 404),
        err(api.InvalidOperationError, 49),
        err(api.NoRecordedDataError, 435, 206),
    ],
)
def test_stop_of_a_gone_session_succeeds(tmp_path, error):
    client = FakeClient()
    client.script[("stop", "lesson42")] = [error]
    state, outcomes, _, _ = run(tmp_path, [], [job_state("a")], client)
    assert "a" not in state.jobs and outcomes["a"].result == SUCCEEDED


def test_update_sends_only_what_changed_and_404_marks_ended(tmp_path):
    client = FakeClient()
    state, outcomes, _, _ = run(tmp_path, [want("a", SUBS)], [job_state("a")], client)
    assert client.last_update == {
        "streamSubscribe": {"videoUidList": {"subscribeVideoUids": ["1001"]}}
    }
    assert state.jobs["a"].spec == SUBS

    client = FakeClient()
    client.script[("update", "lesson42")] = [err(api.WorkerNotFoundError, 404, 404)]
    state, outcomes, _, _ = run(tmp_path / "2", [want("a", KEY)], [job_state("a")], client)
    assert state.jobs["a"].status == "ended" and outcomes["a"].result == FAILED
    assert "apply again to start it" in outcomes["a"].detail


def test_unknown_status_is_untouched(tmp_path):
    client = FakeClient()
    _, outcomes, _, _ = run(
        tmp_path,
        [want("a", INTERVAL)],
        [job_state("a")],
        client,
        live={"a": Live("unknown", detail="503")},
    )
    assert client.calls == [] and outcomes["a"].result == UNTOUCHED


@pytest.mark.parametrize(
    ("recording", "changed", "expected"),
    [
        (
            {"streamTypes": 1, "subscribeVideoUids": ["1"]},
            "subscribeVideoUids",
            {"videoUidList": {"subscribeVideoUids": ["1"]}},
        ),
        (
            {"streamTypes": 2, "subscribeVideoUids": ["1"], "subscribeAudioUids": ["2"]},
            "subscribeAudioUids",
            {
                "videoUidList": {"subscribeVideoUids": ["1"]},
                "audioUidList": {"subscribeAudioUids": ["2"]},
            },
        ),
        # a video list only: audio stays unsubscribed, as at start (update replaces)
        (
            {"streamTypes": 2, "unsubscribeVideoUids": ["9"]},
            "unsubscribeVideoUids",
            {"videoUidList": {"unsubscribeVideoUids": ["9"]}},
        ),
        # no list any more: everything, within the stream types
        (
            {"streamTypes": 2},
            "subscribeVideoUids",
            {
                "videoUidList": {"subscribeVideoUids": ["#allstream#"]},
                "audioUidList": {"subscribeAudioUids": ["#allstream#"]},
            },
        ),
        (
            {"streamTypes": 0, "subscribeAudioUids": ["2"]},
            "subscribeAudioUids",
            {
                "audioUidList": {"subscribeAudioUids": ["2"]},
            },
        ),
    ],
)
def test_update_request_subscriptions(recording, changed, expected):
    body = update_request(
        {"clientRequest": {"recordingConfig": recording}},
        {("clientRequest", "recordingConfig", changed)},
    )
    assert body == {"streamSubscribe": expected}


def test_update_request_storage_is_sent_whole():
    storage = {
        "vendor": 1,
        "region": 0,
        "bucket": "b",
        "accessKey": "A",
        "secretKey": "S",
        "stsToken": "T",
    }
    body = update_request(
        {"clientRequest": {"storageConfig": storage}},
        {("clientRequest", "storageConfig", "stsToken")},
    )
    assert body == {"storageConfig": storage}


def test_state_store_of_the_run_is_consistent(tmp_path):
    client = FakeClient()
    state, _, records, _ = run(
        tmp_path, [want("a"), want("b", spec(cname="c2", uid="8"))], [], client
    )
    # folding the journal into the stored state gives the executor's state
    stored = StateStore(FileBackend(tmp_path / "state.json")).load()
    recovered, applied = journal.recover(FileBackend(tmp_path / "state.json"), stored)
    assert len(applied) == len(records)
    assert {n: (j.status, j.sid) for n, j in recovered.jobs.items()} == {
        n: (j.status, j.sid) for n, j in state.jobs.items()
    }
