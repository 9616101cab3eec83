"""Renames without restarts (issue 17, point 2): kind: Moved documents and state mv."""

from __future__ import annotations

import json

import pytest

from snaplint.plan.changes import RUNNING, Action, Desired, Live, Recorded
from snaplint.plan.moves import Move
from snaplint.plan.planner import make_plan
from snaplint.plan.render import render_plan
from tests.e2e_project import Project, make_project
from tests.test_plan import BASE, SUBS


def plan_with(moves, recorded_names=("a",), want=("b",), spec=BASE):
    desired = [Desired(n, spec, "d") for n in want]
    recorded = [Recorded(n, BASE, RUNNING) for n in recorded_names]
    live = {n: Live(RUNNING) for n in recorded_names}
    return make_plan(desired, recorded, live, moves=moves)


def test_a_move_is_planned_without_stop_or_start():
    plan = plan_with([Move("a", "b")])
    assert not plan.errors
    (change,) = plan.changes
    assert (change.name, change.action, change.moved_from) == ("b", Action.NOOP, "a")
    assert plan.has_changes
    text = render_plan(plan)
    assert "# job.a has moved to job.b" in text
    assert "Plan: 0 to start, 0 to update, 0 to replace, 0 to stop, 1 to move." in text


def test_without_the_move_the_rename_restarts():
    plan = plan_with([])
    assert sorted((c.name, c.action) for c in plan.changes) == [
        ("a", Action.DELETE),
        ("b", Action.CREATE),
    ]


def test_a_moved_job_that_also_changed_is_updated_under_its_new_name():
    plan = plan_with([Move("a", "b")], spec=SUBS)
    (change,) = plan.changes
    assert (change.name, change.action, change.moved_from) == ("b", Action.UPDATE, "a")
    assert "# job.a has moved to job.b" in render_plan(plan)


def test_a_move_already_recorded_is_a_no_op():
    plan = plan_with([Move("a", "b")], recorded_names=("b",))
    assert not plan.errors and not plan.has_changes
    assert plan.changes[0].moved_from is None


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        (("a", "b"), "both job a and job b are recorded in the state"),
        ((), "neither job a nor job b is recorded in the state"),
    ],
)
def test_both_or_neither_in_state_is_an_error(recorded, message):
    plan = plan_with([Move("a", "b", "moves.yaml")], recorded_names=recorded, want=("b", "a"))
    assert [d.summary for d in plan.errors] == [f"Moved: {message}"]
    assert plan.errors[0].source == "moves.yaml"


MOVED = """apiVersion: snaplint/v1
kind: Moved
spec:
  from: alpha
  to: {to}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def test_rename_with_a_moved_document_keeps_the_session(project: Project):
    project.job("alpha", "chan-a", "910001")
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    before = project.one_running("chan-a")
    project.remove("alpha")
    project.job("alpha-renamed", "chan-a", "910001")
    (project.root / "jobs" / "moved.yaml").write_text(MOVED.format(to="alpha-renamed"))
    code, out, err = project.run("lint", "jobs")
    assert code == 0, out + err
    code, out, err = project.run("plan", "--json")
    events = [json.loads(line) for line in out.splitlines()]
    change = next(e for e in events if e["type"] == "planned_change")["change"]
    assert change["action"] == "no-op" and change["previous_resource"]["addr"] == "job.alpha"
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    assert "# job.alpha has moved to job.alpha-renamed" in out
    assert "1 to move" in out
    after = project.one_running("chan-a")
    assert after["sid"] == before["sid"] and len(project.running()) == 1
    assert set(project.state()["jobs"]) == {"alpha-renamed"}
    assert project.recorded("alpha-renamed")["sid"] == before["sid"]
    # the document may stay: the move is recorded, the plan has nothing to do
    code, out, err = project.run("plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out


def test_state_mv(project: Project):
    project.job("alpha", "chan-a", "910001")
    code, out, err = project.run("apply", "--auto-approve")
    sid = project.one_running("chan-a")["sid"]
    code, out, err = project.run("state", "mv", "alpha", "job.beta")
    assert code == 0, out + err
    assert "Moved job.alpha to job.beta" in out
    assert project.recorded("beta")["sid"] == sid
    code, out, err = project.run("state", "mv", "alpha", "gamma")
    assert code == 1 and "no job alpha in the state" in out + err
    project.job("gamma", "chan-g", "910007")
    project.run("apply", "--auto-approve", "--target", "gamma")
    code, out, err = project.run("state", "mv", "beta", "gamma")
    assert code == 1 and "job gamma is already recorded" in out + err


def test_the_moved_schema_is_exported(project: Project):
    code, out, err = project.run("schema", "--kind", "moved")
    assert code == 0, out + err
    schema = json.loads(out)
    assert schema["title"] == "snaplint Moved document"
    assert schema["properties"]["spec"]["required"] == ["from", "to"]
