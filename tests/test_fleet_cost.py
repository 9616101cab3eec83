"""Cost in the plan (issue 17, point 3): figures of a small fleet against a hand calculation,
and a price from the config's pricing section."""

from __future__ import annotations

import json

import pytest

from snaplint.plan.changes import RUNNING, Desired, Live, Recorded
from snaplint.plan.cost import Price, job_cost, plan_cost
from snaplint.plan.planner import make_plan
from snaplint.plan.render import render_plan
from tests.e2e_project import Project, make_project
from tests.test_plan import BASE, spec

RECORDING = spec(clientRequest__recordingFileConfig={"avFileType": ["hls"]})


def small_fleet():
    desired = [
        Desired("new1", spec(cname="n1"), "d1"),
        Desired("new2", spec(cname="n2"), "d2"),
        Desired("rec", RECORDING, "d3"),  # screenshots in a recording task: free
        Desired("kept", BASE, "d4"),
    ]
    recorded = [Recorded("kept", BASE, RUNNING), Recorded("gone", spec(cname="g"), RUNNING)]
    live = {"kept": Live(RUNNING), "gone": Live(RUNNING)}
    return make_plan(desired, recorded, live)


def test_a_small_fleet_matches_the_hand_calculation():
    plan = small_fleet()
    # a running screenshot task bills its minutes: 60 per hour, 43,200 per 30 days, at
    # US$2.49 per 1,000 minutes: 0.1494 per hour and 107.568 per 30 days
    one = job_cost(BASE)
    assert (one.minutes_per_hour, one.per_hour, one.per_30_days) == pytest.approx(
        (60, 0.1494, 107.568)
    )
    assert job_cost(RECORDING).free and job_cost(RECORDING).per_30_days == 0
    cost = plan_cost(plan)
    assert cost.before_30_days == pytest.approx(2 * 107.568)  # kept + gone run now
    assert cost.after_30_days == pytest.approx(3 * 107.568)  # new1, new2, kept
    assert cost.after_per_hour == pytest.approx(3 * 0.1494)
    assert cost.change_30_days == pytest.approx(107.568)
    text = render_plan(plan)
    assert "to stop. Cost: +US$107.57/30 days." in text
    assert "Cost once applied: US$0.45/hour, US$322.70/30 days for 3 screenshot tasks" in text
    assert "# cost:        free: screenshots of a recording task bill only the recording" in text


def test_a_price_override_changes_the_figures():
    plan = small_fleet()
    plan.price = Price.from_config({"screenshot-upload-per-1000-minutes": 1.5, "currency": "€"})
    cost = plan_cost(plan)
    assert cost.change_30_days == pytest.approx(43200 * 1.5 / 1000)
    text = render_plan(plan)
    assert "Cost: +€64.80/30 days." in text and "the config's pricing section" in text


def test_a_fleet_shrinking_costs_less():
    recorded = [Recorded(f"j{i}", spec(cname=f"c{i}"), RUNNING) for i in range(3)]
    plan = make_plan([], recorded, {r.name: Live(RUNNING) for r in recorded})
    assert "Cost: -US$322.70/30 days." in render_plan(plan)


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def test_plan_json_carries_the_figures_and_the_config_price(project: Project):
    project.job("alpha", "chan-a", "910001")
    project.job("beta", "chan-b", "910002")
    config = project.root / ".snaplint.yaml"
    config.write_text(config.read_text() + "pricing:\n  screenshot-upload-per-1000-minutes: 1\n")
    code, out, err = project.run("plan")
    assert code == 0, out + err
    assert "Plan: 2 to start, 0 to update, 0 to replace, 0 to stop. Cost: +US$86.40/30 days." in out
    code, out, err = project.run("plan", "--json")
    events = [json.loads(line) for line in out.splitlines()]
    summary = next(e for e in events if e["type"] == "change_summary")["changes"]["cost"]
    assert summary["change_per_30_days"] == 86.4 and summary["price_per_1000_minutes"] == 1.0
    change = next(e for e in events if e["type"] == "planned_change")["change"]["cost"]
    assert change["screenshot_minutes_per_30_days"] == 43200 and change["per_30_days"] == 43.2
    config.write_text(config.read_text() + "  typo: 1\n")
    code, out, err = project.run("plan")
    assert code == 2 and "typo" in out + err
