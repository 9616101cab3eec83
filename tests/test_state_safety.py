"""A state that is missing, damaged or partial is an error that says what to do, never a
silent fresh start that forgets running sessions (issue: no silent orphan)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snaplint.operations import apply as apply_op
from snaplint.operations import plan as plan_op
from snaplint.operations.settings import OK, OperationError
from snaplint.plan.changes import Action
from tests.test_operations import RecordingView, root_fixture, settings  # noqa: F401 (fixture)


def applied(root: Path) -> Path:
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    # a second write leaves a backup of the first
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    return root / ".snaplint" / "state.json"


def test_a_deleted_state_with_a_backup_is_not_a_fresh_start(root: Path) -> None:
    state = applied(root)
    assert state.with_name("state.json.backup").exists()
    state.unlink()
    with pytest.raises(OperationError) as info:
        plan_op.plan(settings(root), RecordingView())
    message = str(info.value)
    assert "no state at" in message and "backup" in message
    assert f"cp {state}.backup {state}" in message


def test_a_deleted_state_with_a_journal_is_not_a_fresh_start(root: Path) -> None:
    state = root / ".snaplint" / "state.json"
    state.parent.mkdir(parents=True)
    state.with_name("state.json.journal").write_text('{"v": 1, "job": "alpha"}\n')
    with pytest.raises(OperationError, match="journal of an interrupted apply"):
        apply_op.apply(settings(root), RecordingView())


def test_an_unreadable_state_names_its_backup(root: Path) -> None:
    state = applied(root)
    state.write_text("{not json")
    with pytest.raises(OperationError) as info:
        plan_op.plan(settings(root), RecordingView())
    assert "cannot read the state" in str(info.value)
    assert f"{state}.backup" in str(info.value) and "cp " in str(info.value)


def test_a_damaged_journal_is_an_error_with_its_record_number(root: Path) -> None:
    state = applied(root)
    good = json.dumps({"v": 1, "job": "alpha"})  # an unknown step: not a record either
    state.with_name("state.json.journal").write_text(f"garbage\n{good}\n")
    with pytest.raises(OperationError, match=r"damaged: record 1 cannot be read"):
        plan_op.plan(settings(root), RecordingView())


@pytest.mark.parametrize("missing", [None, "absent"])
def test_an_unknown_last_applied_spec_is_refreshed_not_replaced(root: Path, missing) -> None:
    state = applied(root)
    doc = json.loads(state.read_text())
    if missing is None:
        doc["jobs"]["alpha"]["lastApplied"] = None
    else:
        del doc["jobs"]["alpha"]["lastApplied"]
    state.write_text(json.dumps(doc))
    view = RecordingView()
    result = plan_op.plan(settings(root), view)
    assert result.status == OK
    [alpha] = [c for c in result.plan.changes if c.name == "alpha"]
    assert alpha.action == Action.NOOP and alpha.reason == "last_applied_unknown"
    assert any("does not record" in d.summary for d in result.plan.diagnostics)
    assert "alpha" in [args[0] for args in view.named("refreshed")]  # refreshed, not guessed
    # apply records the manifest's spec; the warning is gone afterwards
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    assert json.loads(state.read_text())["jobs"]["alpha"]["lastApplied"]
    again = plan_op.plan(settings(root), RecordingView())
    assert again.status == OK and not again.plan.diagnostics


def test_an_empty_default_workspace_beside_recorded_ones_is_not_a_fresh_start(
    root: Path,
) -> None:
    # sessions recorded in workspace "staging"; the default workspace never applied
    assert apply_op.apply(settings(root, workspace="staging"), RecordingView()).status == OK
    assert (root / ".snaplint" / "workspaces" / "staging" / "state.json").exists()
    for operation in (plan_op.plan, apply_op.apply):
        with pytest.raises(OperationError) as info:
            operation(settings(root), RecordingView())
        message = str(info.value)
        assert "these workspaces record sessions: staging" in message
        assert "--workspace default" in message
    assert not (root / ".snaplint" / "state.json").exists()  # nothing was started or written
    # naming the workspace goes ahead, as Terraform's does
    result = plan_op.plan(settings(root, workspace="default"), RecordingView())
    assert sorted(c.name for c in result.plan.changes if c.action == Action.CREATE) == [
        "alpha",
        "beta",
    ]
