"""Restart policies (snaplint.plan.restart) from a table, and metadata.restart on jobs."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from snaplint.plan.changes import (
    ENDED,
    REASON_ENDED,
    Action,
    Change,
    Live,
    Plan,
)
from snaplint.plan.changes import Desired as D
from snaplint.plan.changes import Recorded as R
from snaplint.plan.planner import make_plan
from snaplint.plan.restart import (
    FAILURE,
    NORMAL,
    REASON_NOT_RESTARTED,
    REPLACED,
    UNKNOWN_END,
    End,
    end_of,
    hold,
    not_restarted,
    restarts,
)

GONE = Live(ENDED, None, None, "session ended; query answered 404", 404, 404)


def ev(kind: int, **details: object) -> SimpleNamespace:
    return SimpleNamespace(event_type=kind, details=details)


@pytest.mark.parametrize(
    ("live", "events", "expired", "kind"),
    [
        (GONE, [], False, UNKNOWN_END),  # a 404 alone: most likely an idle-out, not proven
        (None, [], False, UNKNOWN_END),
        (Live(ENDED, 20), [], False, FAILURE),  # "exited abnormally"
        (Live(ENDED, 8), [], False, NORMAL),  # the normal exit path
        (GONE, [], True, FAILURE),  # the bot left because its token expired
        (GONE, [ev(11, exitStatus=1)], False, FAILURE),
        (GONE, [ev(11, exitStatus=0)], False, NORMAL),
        (GONE, [ev(41, leaveCode=4)], False, NORMAL),  # no users: idle
        (GONE, [ev(41, leaveCode=0)], False, FAILURE),  # init failed
        (GONE, [ev(1, errorLevel=5)], False, FAILURE),
        (GONE, [ev(1, errorLevel=2)], False, UNKNOWN_END),  # a non-fatal error says nothing
        (GONE, [ev(11, exitStatus=1), ev(41, leaveCode=4)], False, NORMAL),  # latest wins
        (GONE, [ev(45, fileName="x.jpg")], False, UNKNOWN_END),
        (GONE, [ev(11, exitStatus="1")], False, UNKNOWN_END),  # mistyped: no evidence
    ],
)
def test_end_of(live: Live | None, events: list, expired: bool, kind: str) -> None:
    end = end_of(live, events, token_expired=expired)
    assert end.kind == kind
    assert end.why


@pytest.mark.parametrize(
    ("policy", "kind", "expected"),
    [
        ("always", NORMAL, True),
        ("always", UNKNOWN_END, True),
        ("always", FAILURE, True),
        ("on-failure", FAILURE, True),
        ("on-failure", NORMAL, False),
        ("on-failure", UNKNOWN_END, False),
        ("never", FAILURE, False),
        ("never", NORMAL, False),
        ("never", REPLACED, True),  # snaplint's own interrupted replace is finished
        ("on-failure", REPLACED, True),
    ],
)
def test_restarts(policy: str, kind: str, expected: bool) -> None:
    assert restarts(policy, End(kind, "why")) is expected


def _plan() -> Plan:
    spec = {"cname": "c", "uid": "1"}
    desired = [D(n, spec, "d") for n in ("always", "fresh", "never", "onfail")]
    recorded = [R(n, spec, "running") for n in ("always", "never", "onfail")]
    live = {n: GONE for n in ("always", "never", "onfail")}
    return make_plan(desired, recorded, live)


def test_plan_restarts_every_ended_session_today() -> None:
    # what plan/apply by hand do, and keep doing: hold() is the loop's alone
    plan = _plan()
    assert {c.name: (c.action, c.reason) for c in plan.changes} == {
        "always": (Action.CREATE, REASON_ENDED),
        "never": (Action.CREATE, REASON_ENDED),
        "onfail": (Action.CREATE, REASON_ENDED),
        "fresh": (Action.CREATE, None),
    }


def test_hold_keeps_only_what_the_policies_allow() -> None:
    plan = _plan()
    policies = {"always": "always", "never": "never", "onfail": "on-failure"}
    ends = {n: End(UNKNOWN_END, "query answered 404") for n in ("always", "never", "onfail")}
    held = hold(plan, policies, ends)
    actions = {c.name: c.action for c in held.changes}
    assert actions == {
        "always": Action.CREATE,
        "fresh": Action.CREATE,  # never started: not an ended session
        "never": Action.NOOP,
        "onfail": Action.NOOP,
    }
    assert sorted(not_restarted(held)) == ["never", "onfail"]
    never = held.change("never")
    assert never is not None and never.reason == REASON_NOT_RESTARTED
    assert never.detail == "metadata.restart: never; query answered 404"
    assert held.summary()["start"] == 2
    assert [c.sort_key for c in held.changes] == sorted(c.sort_key for c in held.changes)
    assert plan.change("never").action == Action.CREATE  # the input plan is not changed

    failed = hold(plan, policies, {"onfail": End(FAILURE, "status 20")})
    assert failed.change("onfail").action == Action.CREATE
    assert failed.change("never").action == Action.NOOP  # no end given: unknown


def test_hold_leaves_other_creates_alone() -> None:
    change = Change("x", Action.CREATE, "verify_interrupted_start")
    plan = Plan([change])
    assert hold(plan, {"x": "never"}, {}).changes == [change]


def test_restart_is_read_from_metadata() -> None:
    from snaplint.lint.manifest import load_text
    from snaplint.plan.jobs import desired_jobs

    body = (
        "apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata:\n  name: {name}\n{extra}"
        'spec:\n  cname: c{name}\n  uid: "1"\n  clientRequest: {{}}\n'
    )
    docs = []
    for name, extra in (("a", "  restart: always\n"), ("b", "")):
        docs.extend(load_text(body.format(name=name, extra=extra), f"{name}.yaml").documents)
    jobs, problems = desired_jobs(docs, default_app_id="0" * 32)
    assert problems == []
    assert {j.name: j.restart for j in jobs} == {"a": "always", "b": "never"}


# --------------------------------------------------------------------------- the loop itself


class Lines:
    def __init__(self) -> None:
        self.rounds: list = []
        self.notes: list[str] = []

    def round(self, result) -> None:
        self.rounds.append(result)

    def note(self, message: str, level: str = "info") -> None:
        self.notes.append(message)


def test_a_failing_round_does_not_end_the_loop_and_rounds_start_an_interval_apart(
    tmp_path,
) -> None:
    import os

    from snaplint.config import find_config, load_config
    from snaplint.operations import shutdown
    from snaplint.operations.reconcile import reconcile
    from snaplint.operations.settings import Settings

    (tmp_path / ".snaplint.yaml").write_text("plan:\n  parallelism: 1\n")
    settings = Settings(
        config=load_config(find_config([str(tmp_path)])),
        root=tmp_path.resolve(),
        env=dict(os.environ),
        paths=(str(tmp_path / "missing.yaml"),),
    )
    shutdown.reset()
    view = Lines()
    result = reconcile(settings, view, interval=0.2, max_rounds=3)
    assert result.status == "ok"  # a loop's failed rounds are its lines, not its end
    assert [r.number for r in view.rounds] == [1, 2, 3]
    assert all(r.status == "error" and r.error_count == 1 for r in view.rounds)
    assert "missing.yaml" in view.rounds[0].errors[0]
    assert [r.next_round is not None for r in view.rounds] == [True, True, False]
    starts = [r.started_at for r in view.rounds]
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(starts))
    for r in view.rounds[:2]:  # an interval after its start, or at once after a long round
        assert r.next_round == pytest.approx(max(r.finished_at, r.started_at + 0.2), abs=0.01)

    once = reconcile(settings, Lines(), once=True)
    assert once.status == "error"  # --once: the round's outcome is the exit code

    shutdown.request()
    try:
        stopped = Lines()
        assert reconcile(settings, stopped, interval=0.2).rounds == []
        assert any("Stop requested" in n for n in stopped.notes)
    finally:
        shutdown.reset()
