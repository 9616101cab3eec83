"""Saved plans: codec, no secrets or resourceIds, staleness and deviations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from snaplint.plan.changes import Live, PlanOptions
from snaplint.plan.planner import make_plan
from snaplint.plan.saved import (
    PlanFileError,
    SavedPlan,
    decode,
    deviations,
    encode,
    format_duration,
    looks_like_plan,
    parse_duration,
    stale_reasons,
)
from tests.test_plan import INTERVAL, KEY, desired, recorded


def saved_plan(plan, **kw):
    kw.setdefault("created_at", "2026-01-01T00:00:00Z")
    kw.setdefault("manifests", {"jobs/a.yaml": "d1", "jobs/b.yaml": "d2"})
    kw.setdefault("config", "c1")
    kw.setdefault("salt", "s")
    kw.setdefault("digests", {"a": "x"})
    return SavedPlan(plan, **kw)


def sample():
    plan = make_plan(
        [desired("a", INTERVAL), desired("b", KEY), desired("n")],
        [recorded("a"), recorded("b"), recorded("gone")],
        {"a": Live("running", 5)},
        PlanOptions(targets=("a", "b", "n", "gone")),
        lineage="L",
        serial=4,
    )
    return plan


def test_round_trip_keeps_what_show_needs():
    plan = sample()
    data = encode(saved_plan(plan, extra={"root": "/p", "paths": ["."]}))
    assert looks_like_plan(data)
    back = decode(data)
    assert [(c.name, c.action, c.reason, c.forces) for c in back.plan.changes] == [
        (c.name, c.action, c.reason, c.forces) for c in plan.changes
    ]
    assert (back.plan.lineage, back.plan.serial) == ("L", 4)
    assert back.plan.options == plan.options
    assert back.extra == {"root": "/p", "paths": ["."]}
    assert back.plan.summary() == plan.summary()


def test_no_secret_hashes_and_no_resource_ids():
    data = encode(saved_plan(sample()))
    assert b"hmac-sha256" not in data
    assert b"resourceId" not in data and b"resource_id" not in data
    doc = json.loads(data)
    after = next(c for c in doc["changes"] if c["name"] == "b")["after"]
    assert after["clientRequest"]["storageConfig"]["secretKey"] == {
        "$sensitive": None,
        "$ref": "SK",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "invalid JSON"),
        (b"{}", "format is not snaplint-plan"),
        (b'{"format": "snaplint-plan", "version": 9}', "version 9 is not supported"),
        (b'{"format": "snaplint-plan", "version": 1}', "damaged"),
    ],
)
def test_decode_errors(data, message):
    with pytest.raises(PlanFileError, match=message):
        decode(data)


NOW = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)


def reasons(saved, **kw):
    kw.setdefault("lineage", "L")
    kw.setdefault("serial", 4)
    kw.setdefault("manifests", {"jobs/a.yaml": "d1", "jobs/b.yaml": "d2"})
    kw.setdefault("config", "c1")
    kw.setdefault("now", NOW)
    kw.setdefault("max_age", 3600)
    return stale_reasons(saved, **kw)


def test_fresh_plan_is_not_stale():
    assert reasons(saved_plan(sample())) == []


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"serial": 5}, "the state changed since the plan was made (serial 4 then, 5 now)"),
        ({"lineage": "M"}, "the state is a different one (lineage M"),
        ({"lineage": None}, "no longer exists"),
        (
            {"manifests": {"jobs/a.yaml": "XX", "jobs/b.yaml": "d2"}},
            "manifests changed since the plan: jobs/a.yaml",
        ),
        (
            {"manifests": {"jobs/a.yaml": "d1", "jobs/b.yaml": "d2", "jobs/c.yaml": "d3"}},
            "manifests added since the plan: jobs/c.yaml",
        ),
        ({"manifests": {"jobs/a.yaml": "d1"}}, "manifests removed since the plan: jobs/b.yaml"),
        ({"config": "c2"}, "the project configuration changed"),
        (
            {"now": NOW + timedelta(hours=1)},
            "the plan is 90m old, older than the maximum age of 60m",
        ),
    ],
)
def test_stale_reasons(kw, expected):
    found = reasons(saved_plan(sample()), **kw)
    assert len(found) == 1 and expected in found[0], found


def test_plan_without_state_is_stale_once_a_state_exists():
    plan = make_plan([desired("n")], [], {})
    assert reasons(saved_plan(plan), lineage=None, serial=0) == []
    assert "a state was created" in reasons(saved_plan(plan), lineage="L", serial=1)[0]


def test_deviations_job_by_job():
    saved = saved_plan(sample(), digests={"a": "x", "b": "y", "n": "z"})
    same = sample()
    assert deviations(saved, same, {"a": "x", "b": "y", "n": "z"}) == []
    # a's session ended since the plan; b's secret changed; n's digest too
    moved = make_plan(
        [desired("a", INTERVAL), desired("b", KEY), desired("n")],
        [recorded("a"), recorded("b"), recorded("gone")],
        {"a": Live("ended")},
        PlanOptions(targets=("a", "b", "n", "gone")),
    )
    found = deviations(saved, moved, {"a": "x", "b": "other", "n": "z"})
    assert found == [
        "job a: planned replace (cannot_update), now create (session_ended)",
        "job b: its desired spec differs from the plan's (an environment variable it "
        "references changed?)",
    ]


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("4h", 14400), ("1d", 86400)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_duration_errors_and_format():
    with pytest.raises(ValueError):
        parse_duration("soon")
    assert [format_duration(s) for s in (5, 119, 3599, 7200, 7260 + 60)] == [
        "5s",
        "119s",
        "59m",
        "2h00m",
        "2h02m",
    ]
