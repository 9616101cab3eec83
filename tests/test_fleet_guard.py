"""Guard rails (issue 17, point 4): apply refuses to stop or replace too many running sessions
at once unless --allow-mass-change; the refusal counts the jobs per forcing field."""

from __future__ import annotations

import pytest

from snaplint.plan import guard
from snaplint.plan.changes import RUNNING, Desired, Live, Recorded
from snaplint.plan.planner import make_plan
from tests.e2e_project import Project, make_project
from tests.test_plan import BASE, INTERVAL, spec


def fleet(n: int, changed: int, new_spec: dict) -> tuple[list, list]:
    desired, recorded = [], []
    for i in range(n):
        s = spec(cname=f"c{i}", uid=str(900000 + i))
        want = dict(s, clientRequest=new_spec["clientRequest"]) if i < changed else s
        desired.append(Desired(f"j{i:02d}", want, f"d{i}"))
        recorded.append(Recorded(f"j{i:02d}", s, RUNNING))
    return desired, recorded


@pytest.mark.parametrize(
    ("n", "changed", "refused"),
    [(40, 10, False), (40, 11, True), (20, 9, False), (20, 10, True), (8, 8, False)],
)
def test_the_limit_is_a_share_and_a_minimum(n, changed, refused):
    desired, recorded = fleet(n, changed, INTERVAL)
    plan = make_plan(desired, recorded, {r.name: Live(RUNNING) for r in recorded})
    found = guard.check(plan, n, guard.Limits())
    assert (found is not None) is refused
    if found:
        assert found.disrupted == changed
        assert found.causes == (("clientRequest.snapshotConfig.captureInterval", changed),)


def test_configured_limits_and_removed_manifests():
    desired, recorded = fleet(20, 0, BASE)
    plan = make_plan(desired[:15], recorded, {r.name: Live(RUNNING) for r in recorded})
    assert guard.check(plan, 20, guard.Limits()) is None  # 5 < 10
    found = guard.check(plan, 20, guard.Limits.from_config({"share": 0.1, "minimum": 3}))
    assert found is not None and found.causes == (("(manifest removed)", 5),)
    summary, detail = found.message()
    assert "5 of 20 running sessions (25%" in summary
    assert "(manifest removed)  5 jobs" in detail and "--allow-mass-change" in detail


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def test_apply_refuses_a_mass_replace_without_the_flag(project: Project):
    for i in range(12):
        project.job(f"job{i:02d}", f"chan-{i}", str(910000 + i))
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
    sids = {s["sid"] for s in project.running()}
    for i in range(10):  # the "typo" in a shared value: 10 of 12 replaced
        project.job(f"job{i:02d}", f"chan-{i}", str(910000 + i), interval=20)
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 1
    assert "refusing to stop or replace 10 of 12 running sessions" in out + err
    assert "clientRequest.snapshotConfig.captureInterval  10 jobs" in out + err
    assert {s["sid"] for s in project.running()} == sids  # nothing was stopped
    code, out, err = project.run("apply", "--auto-approve", "--allow-mass-change")
    assert code == 0, out + err
    assert "10 replaced" in out
    (project.root / ".snaplint.yaml").write_text(
        (project.root / ".snaplint.yaml").read_text() + "apply:\n  mass-change:\n    share: 0.9\n"
    )
    for i in range(10):
        project.job(f"job{i:02d}", f"chan-{i}", str(910000 + i), interval=25)
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err
