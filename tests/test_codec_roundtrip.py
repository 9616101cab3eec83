"""Property tests: the state, saved-plan and journal codecs round-trip, and their decoders
reject damaged input with their own error, never a crash.

- state: ``decode(encode(s)) == s`` and ``encode`` is a fixed point of ``encode ∘ decode``;
- saved plan: ``decode(encode(p))`` is ``p`` without what a plan never stores (secret hashes,
  a change's desired digest, a diagnostic's location), and re-encoding is byte-identical;
  no secret hash of the specs appears in the file;
- journal: a record decodes to itself;
- any JSON document (or bytes) given to the decoders: a value or ``StateError`` /
  ``PlanFileError`` / ``None`` (journal), nothing else.

``SNAPLINT_FUZZ_EXAMPLES`` raises the number of examples (as for the lint fuzzing).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.plan import jobs
from snaplint.plan import saved as planfile
from snaplint.plan.changes import Action, Change, Diagnostic, Drift, Plan, PlanOptions
from snaplint.plan.diff import MISSING, FieldChange
from snaplint.plan.saved import PlanFileError, SavedPlan
from snaplint.state.codec import STATUSES, JobState, State, StateError, decode, encode
from snaplint.state.journal import PHASES, STEPS, Record

EXAMPLES = int(os.environ.get("SNAPLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------- strategies

text = st.text(max_size=20)  # any Unicode (no lone surrogates: they are not text)
names = st.text(string.ascii_lowercase + string.digits + "-_.", min_size=1, max_size=16)
hexes = st.text("0123456789abcdef", min_size=8, max_size=32)
optional_text = st.none() | text
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
secret_hashes = hexes.map(lambda h: jobs.HASH_PREFIX + h)
sensitive = st.builds(jobs.sensitive, secret_hashes, st.none() | names)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
spec_values = st.recursive(
    scalars | sensitive,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(names.filter(lambda k: k != jobs.SENSITIVE), inner, max_size=4)
    ),
    max_leaves=12,
)
specs = st.dictionaries(names.filter(lambda k: k != jobs.SENSITIVE), spec_values, max_size=5)
paths = st.lists(names | st.integers(0, 9), min_size=1, max_size=4).map(tuple)

job_states = st.builds(
    JobState,
    name=st.just(""),  # set from the key below
    app_id=text,
    cname=text,
    uid=text,
    mode=st.sampled_from(["individual", "mix", "web", "raw"]),
    resource_id=optional_text,
    sid=optional_text,
    status=st.sampled_from(STATUSES),
    started_at=optional_text,
    last_seen_running=optional_text,
    spec=specs,
    protect=st.booleans(),
    imported=st.booleans(),
    evidence=optional_text,
)


@st.composite
def states(draw: st.DrawFn) -> State:
    jobs_by_name = {
        name: dataclasses.replace(job, name=name)
        for name, job in draw(st.dictionaries(names, job_states, max_size=6)).items()
    }
    return State(
        lineage=draw(st.uuids().map(str)),
        serial=draw(st.integers(0, 2**40)),
        salt=draw(hexes),
        jobs=jobs_by_name,
        written_at=draw(optional_text),
    )


field_changes = st.builds(
    FieldChange,
    paths,
    st.just(MISSING) | spec_values,
    st.just(MISSING) | spec_values,
)
changes = st.builds(
    Change,
    name=names,
    action=st.sampled_from(list(Action)),
    reason=st.none() | names,
    fields=st.lists(field_changes, max_size=3).map(tuple),
    forces=st.frozensets(paths, max_size=3),
    before=st.none() | specs,
    after=st.none() | specs,
    desired_digest=st.none() | hexes,
    status=st.none() | st.sampled_from(["running", "ended", "unknown", "pending"]),
    last_seen_running=optional_text,
    protect=st.booleans(),
    detail=optional_text,
)
plans = st.builds(
    Plan,
    changes=st.lists(changes, max_size=5),
    drift=st.lists(st.builds(Drift, names, st.just("ended"), text, optional_text), max_size=3),
    diagnostics=st.lists(
        st.builds(
            Diagnostic,
            st.sampled_from(["error", "warning"]),
            text,
            text,
            st.none() | names,
            st.none() | names,
            st.none() | st.integers(1, 99),
            st.none() | st.integers(1, 99),
        ),
        max_size=3,
    ),
    options=st.builds(
        PlanOptions,
        targets=st.lists(names, max_size=3).map(tuple),
        excludes=st.lists(names, max_size=3).map(tuple),
        replace=st.lists(names, max_size=3).map(tuple),
        refresh_only=st.booleans(),
        refresh=st.booleans(),
        destroy=st.booleans(),
    ),
    lineage=st.none() | st.uuids().map(str),
    serial=st.integers(0, 2**40),
)
saved_plans = st.builds(
    SavedPlan,
    plan=plans,
    created_at=st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    manifests=st.dictionaries(names, hexes, max_size=4),
    config=st.none() | hexes,
    salt=hexes,
    digests=st.dictionaries(names, hexes, max_size=4),
    snaplint_version=st.sampled_from(["", "0.1.0", "1.2.3"]),
    extra=st.fixed_dictionaries({}, optional={"root": text, "paths": st.lists(text, max_size=3)}),
)


# --------------------------------------------------------------------------- expectations


def stripped(value: Any) -> Any:
    """What a saved plan keeps of a spec: secret markers without their hash."""
    if jobs.is_sensitive(value):
        return jobs.sensitive(None, value.get(jobs.SENSITIVE_REF))
    if isinstance(value, dict):
        return {k: stripped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stripped(v) for v in value]
    return value


def as_stored(saved: SavedPlan) -> SavedPlan:
    p = saved.plan
    plan = dataclasses.replace(
        p,
        changes=[
            dataclasses.replace(
                c,
                desired_digest=None,
                before=stripped(c.before),
                after=stripped(c.after),
                fields=tuple(
                    FieldChange(f.path, stripped(f.before), stripped(f.after)) for f in c.fields
                ),
            )
            for c in p.changes
        ],
        diagnostics=[Diagnostic(d.severity, d.summary, d.detail, d.job) for d in p.diagnostics],
    )
    return dataclasses.replace(saved, plan=plan)


def hashes_in(value: Any) -> set[str]:
    if jobs.is_sensitive(value):
        return {value[jobs.SENSITIVE]} if value[jobs.SENSITIVE] else set()
    if isinstance(value, dict):
        return set().union(*(hashes_in(v) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(hashes_in(v) for v in value))
    return set()


# --------------------------------------------------------------------------- properties


@FUZZ
@given(states())
def test_state_round_trips(state: State) -> None:
    data = encode(state)
    again = decode(data)
    assert again == state
    assert encode(again) == data


@FUZZ
@given(saved_plans)
def test_saved_plan_round_trips_without_secret_hashes(saved: SavedPlan) -> None:
    data = planfile.encode(saved)
    assert planfile.looks_like_plan(data)
    again = planfile.decode(data)
    assert again == as_stored(saved)
    assert json.loads(planfile.encode(again)) == json.loads(data)  # (key order of extras)
    text = data.decode()
    for c in saved.plan.changes:
        for value in (
            c.before,
            c.after,
            *(f.before for f in c.fields),
            *(f.after for f in c.fields),
        ):
            for secret in hashes_in(value):
                assert secret not in text


records = st.builds(
    Record,
    job=names,
    step=st.sampled_from(STEPS),
    phase=st.sampled_from(PHASES),
    lineage=st.uuids().map(str),
    serial=st.integers(0, 2**40),
    seq=st.integers(0, 2**20),
    at=text,
    resource_id=optional_text,
    sid=optional_text,
    session=st.none() | st.dictionaries(st.sampled_from(["appId", "cname", "uid", "mode"]), text),
    spec=st.none() | specs,
    protect=st.none() | st.booleans(),
    replacing=st.booleans(),
    ended=st.booleans(),
    error=st.none()
    | st.fixed_dictionaries(
        {"http_status": st.none() | st.integers(100, 599), "code": st.none() | st.integers()},
        optional={"reason": text},
    ),
)


@FUZZ
@given(records)
def test_journal_record_round_trips(record: Record) -> None:
    line = record.encode()
    assert b"\n" not in line  # one record, one line
    assert Record.decode(line) == record


@FUZZ
@given(json_values)
def test_decoders_reject_any_json_with_their_own_error(value: Any) -> None:
    for doc in (value, _shaped(value, "snaplint-state"), _shaped(value, "snaplint-plan")):
        data = json.dumps(doc).encode()
        with contextlib.suppress(StateError):
            decode(data)
        with contextlib.suppress(PlanFileError):
            planfile.decode(data)
        Record.decode(data)  # a record or None


@FUZZ
@given(st.binary(max_size=300))
def test_decoders_reject_any_bytes_with_their_own_error(data: bytes) -> None:
    with contextlib.suppress(StateError):
        decode(data)
    with contextlib.suppress(PlanFileError):
        planfile.decode(data)
    Record.decode(data)


@FUZZ
@given(states(), st.data())
def test_damaged_states_are_state_errors(state: State, data: st.DataObject) -> None:
    """A stored state with any one value replaced by anything JSON can hold."""
    doc = json.loads(encode(state))
    target = data.draw(st.sampled_from(_paths(doc)))
    _set(doc, target, data.draw(json_values))
    with contextlib.suppress(StateError):
        decode(json.dumps(doc).encode())


def _shaped(value: Any, kind: str) -> dict[str, Any]:
    """``value`` dressed as a current-version document of ``kind`` (so that decoding goes
    past the format check)."""
    base = value if isinstance(value, dict) else {"jobs": value, "changes": value}
    return {**base, "format": kind, "version": 1}


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += _paths(v, (*prefix, i))
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


@FUZZ
@given(saved_plans, st.data())
def test_damaged_plans_are_plan_file_errors(saved: SavedPlan, data: st.DataObject) -> None:
    """A saved plan with any one value replaced by anything JSON can hold."""
    doc = json.loads(planfile.encode(saved))
    target = data.draw(st.sampled_from(_paths(doc)))
    _set(doc, target, data.draw(json_values))
    with contextlib.suppress(PlanFileError):
        planfile.decode(json.dumps(doc).encode())
