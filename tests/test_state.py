"""State model, journal records and folding them into the state (recovery)."""

from __future__ import annotations

import json

import pytest

from snaplint.state import journal
from snaplint.state.backends.file import FileBackend
from snaplint.state.codec import JobState, State, StateStore, decode, encode
from snaplint.state.journal import Journal, Record, fold, recover, unfolded

SESSION = {
    "appId": "0123456789abcdef0123456789abcdef",
    "cname": "c",
    "uid": "9",
    "mode": "individual",
}
SPEC = {"cname": "c", "uid": "9", "clientRequest": {"x": 1}}
NEW_SPEC = {"cname": "c", "uid": "9", "clientRequest": {"x": 2}}


def running(name="j", sid="S0", rid="R0"):
    return JobState(name, SESSION["appId"], "c", "9", resource_id=rid, sid=sid, spec=SPEC)


def state_with(*jobs):
    s = State.new()
    s.jobs = {j.name: j for j in jobs}
    return s


def rec(step, phase, **kw):
    kw.setdefault("at", "2026-01-01T00:00:00Z")
    return Record("j", step, phase, **kw)


def start_intent(**kw):
    return rec(
        "start", "intent", session=SESSION, resource_id="R1", spec=NEW_SPEC, protect=True, **kw
    )


# --------------------------------------------------------------------------- fold


def test_start_intent_makes_a_pending_job():
    s = state_with()
    fold(s, start_intent())
    j = s.jobs["j"]
    assert (j.status, j.resource_id, j.sid, j.spec, j.protect) == (
        "pending",
        "R1",
        None,
        NEW_SPEC,
        True,
    )
    assert "answer was not recorded" in j.evidence


def test_start_done_makes_it_running():
    s = state_with()
    fold(s, start_intent())
    fold(s, rec("start", "done", sid="S1", resource_id="R1", spec=NEW_SPEC))
    j = s.jobs["j"]
    assert (j.status, j.sid, j.resource_id, j.evidence) == ("running", "S1", "R1", None)
    assert j.started_at == j.last_seen_running == "2026-01-01T00:00:00Z"


def test_start_evidence_without_sid_is_untracked():
    s = state_with()
    fold(s, start_intent())
    fold(s, rec("start", "evidence", error={"code": 7, "reason": "already started"}))
    j = s.jobs["j"]
    assert (j.status, j.sid) == ("untracked", None)
    assert "code 7" in j.evidence


def test_start_evidence_with_previous_sid_keeps_that_session():
    s = state_with(running())
    fold(s, start_intent(replacing=True))
    fold(s, rec("start", "evidence", sid="S0", resource_id="R0", spec=SPEC, error={"code": 53}))
    j = s.jobs["j"]
    assert (j.status, j.sid, j.resource_id, j.spec) == ("running", "S0", "R0", SPEC)


@pytest.mark.parametrize(("replacing", "kept"), [(False, False), (True, True)])
def test_start_failed(replacing, kept):
    s = state_with(running()) if replacing else state_with()
    fold(s, start_intent(replacing=replacing))
    fold(s, rec("start", "failed", replacing=replacing, error={"code": 2}))
    assert ("j" in s.jobs) is kept
    if kept:
        assert s.jobs["j"].status == "ended"


def test_start_uncertain_stays_pending():
    s = state_with()
    fold(s, start_intent())
    fold(s, rec("start", "uncertain", error={"reason": "network error"}))
    assert s.jobs["j"].status == "pending"
    assert "network error" in s.jobs["j"].evidence


def test_outcome_without_intent_rebuilds_the_job():
    s = state_with()
    fold(s, rec("start", "done", sid="S1", resource_id="R1", session=SESSION, spec=NEW_SPEC))
    assert s.jobs["j"].sid == "S1" and s.jobs["j"].cname == "c"


def test_update():
    s = state_with(running())
    fold(s, rec("update", "intent", spec=NEW_SPEC))
    assert s.jobs["j"].spec == SPEC  # not before it is done
    fold(s, rec("update", "done", spec=NEW_SPEC, protect=True))
    assert s.jobs["j"].spec == NEW_SPEC and s.jobs["j"].protect


def test_update_failed_with_404_marks_ended():
    s = state_with(running())
    fold(s, rec("update", "failed", ended=True))
    assert s.jobs["j"].status == "ended"


@pytest.mark.parametrize(("replacing", "left"), [(False, None), (True, "ended")])
def test_stop_done(replacing, left):
    s = state_with(running())
    fold(s, rec("stop", "intent", replacing=replacing))
    assert s.jobs["j"].status == "running"
    fold(s, rec("stop", "done", replacing=replacing))
    assert (s.jobs["j"].status if "j" in s.jobs else None) == left


def test_stop_failed_changes_nothing_unless_gone():
    s = state_with(running())
    fold(s, rec("stop", "failed", error={"http_status": 503}))
    assert s.jobs["j"].status == "running"
    fold(s, rec("stop", "failed", ended=True))
    assert "j" not in s.jobs


def test_forget_and_acquire():
    s = state_with(running())
    fold(s, rec("acquire", "done", resource_id="R9"))
    assert s.jobs["j"].resource_id == "R0"
    fold(s, rec("forget", "done"))
    assert s.jobs == {}


# --------------------------------------------------------------------------- records


def test_record_round_trip_and_junk():
    r = start_intent(lineage="L", serial=3, seq=1)
    assert Record.decode(r.encode()) == r
    assert b"\n" not in r.encode()
    for junk in (
        b"",
        b"{",
        b"[]",
        b'{"v": 2, "job": "j"}',
        b'{"v":1,"job":"j","step":"x","phase":"done"}',
    ):
        assert Record.decode(junk) is None


def test_journal_binds_records_to_the_state(tmp_path):
    backend = FileBackend(tmp_path / "state.json")
    store = StateStore(backend)
    state = store.load()
    store.save(state)
    j = Journal.for_state(backend, state)
    j.append(start_intent())
    j.append(rec("start", "done", sid="S1", resource_id="R1"))
    records = journal.read(backend)
    assert [r.seq for r in records] == [1, 2]
    assert all((r.lineage, r.serial) == (state.lineage, state.serial) for r in records)

    recovered, applied = recover(backend, state)
    assert len(applied) == 2 and recovered.jobs["j"].sid == "S1"
    assert state.jobs == {}  # recover works on a copy

    # once the state write that concludes the apply has happened, the records are old
    store.save(recovered)
    assert unfolded(journal.read(backend), recovered) == []
    # another lineage's records are never applied
    assert unfolded(records, State.new()) == []


def test_state_file_holds_no_secret_and_round_trips(tmp_path):
    from snaplint.plan.jobs import hash_secret, sensitive

    s = State.new()
    spec = {
        "clientRequest": {
            "storageConfig": {"secretKey": sensitive(hash_secret(s.salt, "TOPSECRET"), "SK")}
        }
    }
    s.jobs["j"] = JobState("j", "a", "c", "9", spec=spec, protect=True)
    data = encode(s)
    assert b"TOPSECRET" not in data
    assert decode(data) == s
    doc = json.loads(data)
    assert doc["jobs"]["j"]["protect"] is True
    assert (
        doc["jobs"]["j"]["lastApplied"]["clientRequest"]["storageConfig"]["secretKey"]["$ref"]
        == "SK"
    )


def test_job_state_rejects_bad_status():
    from snaplint.state.codec import StateError

    with pytest.raises(StateError, match="unknown status"):
        JobState.from_dict("j", {"appId": "a", "cname": "c", "uid": "1", "status": "weird"})
    with pytest.raises(StateError, match="missing"):
        JobState.from_dict("j", {"cname": "c"})
