"""The operation layer, driven in-process with a recording view: no argv, no subprocess, no
printing. Against the embedded emulator (no Agora account configured)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from snaplint.config import find_config, load_config
from snaplint.operations import apply as apply_op
from snaplint.operations import plan as plan_op
from snaplint.operations import state_commands as state_op
from snaplint.operations.settings import CHANGES, ERROR, OK, OperationError, Settings
from snaplint.plan.changes import Action, PlanOptions
from tests.e2e_project import ACCESS_KEY, SECRET_KEY, job_yaml

ENV = {"E2E_ACCESS_KEY": ACCESS_KEY, "E2E_SECRET_KEY": SECRET_KEY}


class RecordingView:
    """Records every call; answers confirmations with ``answer``."""

    def __init__(self, answer: bool | None = True) -> None:
        self.answer = answer
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args))
            return None

        return record

    def confirm(self, operation: str, detail: str = "") -> bool | None:
        self.calls.append(("confirm", (operation, detail)))
        return self.answer

    def progress(self, total: int) -> Any:
        self.calls.append(("progress", (total,)))
        view = self

        class P:
            def __enter__(self) -> Any:
                return self

            def __exit__(self, *exc: object) -> None:
                pass

            def started(self, name: str, action: Action) -> None:
                view.calls.append(("started", (name, action)))

            def step(self, name: str, action: Action, step: str) -> None:
                view.calls.append(("step", (name, action, step)))

            def finished(self, outcome: Any) -> None:
                view.calls.append(("finished", (outcome.name, outcome.result)))

        return P()

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.calls if n == name]

    def printed(self) -> str:
        return "\n".join(str(a) for _, args in self.calls for a in args)


@pytest.fixture(name="root")
def root_fixture(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    (tmp_path / ".snaplint.yaml").write_text("plan:\n  parallelism: 2\n")
    for i, name in enumerate(("alpha", "beta")):
        (tmp_path / "jobs" / f"{name}.yaml").write_text(job_yaml(name, f"room-{name}", f"90{i}"))
    return tmp_path


def settings(root: Path, **kw: Any) -> Settings:
    return Settings(
        config=load_config(find_config([str(root)])), root=root.resolve(), env=ENV, **kw
    )


def test_plan_returns_the_plan_and_tells_the_view(root: Path) -> None:
    view = RecordingView()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        result = plan_op.plan(settings(root), view)
    assert out.getvalue() == ""  # the layer never prints
    assert result.status == CHANGES
    assert sorted(c.name for c in result.plan.changes if c.action == Action.CREATE) == [
        "alpha",
        "beta",
    ]
    [(shown, operation)] = view.named("plan")
    assert shown is result.plan and operation == "plan"
    assert any("Planning for local emulator" in args[0] for args in view.named("note"))
    assert not view.named("confirm")


def test_plan_saves_a_plan_file_without_secrets(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.json"
    result = plan_op.plan(settings(root), RecordingView(), out=out)
    assert result.saved_to == out
    data = out.read_text()
    assert ACCESS_KEY not in data and SECRET_KEY not in data
    saved = plan_op.read_saved_plan(out)
    assert saved is not None and {c.name for c in saved.plan.changes} == {"alpha", "beta"}


def test_apply_asks_then_starts_and_records_state(root: Path) -> None:
    no = RecordingView(answer=False)
    refused = apply_op.apply(settings(root), no)
    assert refused.status == ERROR and not refused.outcomes
    assert ("Apply cancelled.",) in no.named("note")
    assert not (root / ".snaplint" / "state.json").exists()

    view = RecordingView(answer=True)
    result = apply_op.apply(settings(root), view)
    assert result.status == OK
    assert {o.name: o.result for o in result.outcomes} == {
        "alpha": "succeeded",
        "beta": "succeeded",
    }
    assert view.named("confirm") == [("apply", "")]
    assert {args[0] for args in view.named("started")} == {"alpha", "beta"}
    [(_plan, operation, counts, failed)] = view.named("summary")
    assert operation == "apply" and counts["start"] == 2 and failed == 0
    listing = state_op.read(settings(root), RecordingView())
    assert {j.name: j.status for j in listing.state} == {"alpha": "running", "beta": "running"}
    assert ACCESS_KEY not in view.printed() and SECRET_KEY not in view.printed()

    again = plan_op.plan(settings(root), RecordingView())
    assert again.status == OK  # converged: nothing to do


def test_apply_without_an_answer_changes_nothing(root: Path) -> None:
    result = apply_op.apply(settings(root), RecordingView(answer=None))
    assert result.status == ERROR
    assert not (root / ".snaplint" / "state.json").exists()


def test_destroy_stops_what_state_records_and_refresh_sees_ended(root: Path) -> None:
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    view = RecordingView()
    result = apply_op.destroy(settings(root, options=PlanOptions(destroy=True)), view)
    assert result.status == OK
    assert {o.action for o in result.outcomes} == {Action.DELETE}
    assert view.named("confirm") == [("destroy", "")]
    listing = state_op.read(settings(root), RecordingView())
    assert [j.name for j in listing.state] == []


def test_targets_limit_the_operation(root: Path) -> None:
    result = apply_op.apply(settings(root, options=PlanOptions(targets=("beta",))), RecordingView())
    assert [o.name for o in result.outcomes] == ["beta"]


def test_refresh_only_records_an_ended_session(root: Path) -> None:
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    client = _embedded_client(root)
    state = state_op.read(settings(root), RecordingView()).state
    alpha = state.jobs["alpha"]
    from snaplint.agora.exceptions import NoRecordedDataError

    with contextlib.suppress(NoRecordedDataError):  # 435: stopped, nothing was recorded yet
        client.stop(alpha.app_id, alpha.resource_id, alpha.sid, alpha.mode, alpha.cname, alpha.uid)
    view = RecordingView()
    result = apply_op.refresh(settings(root), view)
    assert result.status == OK
    assert [d.name for d in result.plan.drift] == ["alpha"]
    after = state_op.read(settings(root), RecordingView()).state
    assert after.jobs["alpha"].status == "ended" and after.jobs["beta"].status == "running"


def _embedded_client(root: Path) -> Any:
    from snaplint.agora.connection import open_client

    client, _ = open_client(project_root=root, endpoint=None, app_id=None, env={}, qps=1000)
    return client


def test_import_adopts_a_session_started_elsewhere(root: Path) -> None:
    client = _embedded_client(root)
    from snaplint.emulator.app import DEFAULT_APP_ID

    acquired = client.acquire(DEFAULT_APP_ID, "room-alpha", "900", {})
    body = {
        "recordingConfig": {
            "channelType": 1,
            "streamTypes": 1,
            "subscribeVideoUids": ["1001"],
            "subscribeUidGroup": 0,
        },
        "snapshotConfig": {"captureInterval": 15, "fileType": ["jpg"]},
        "storageConfig": {
            "vendor": 1,
            "region": 0,
            "bucket": "shots",
            "accessKey": ACCESS_KEY,
            "secretKey": SECRET_KEY,
        },
    }
    started = client.start(
        DEFAULT_APP_ID, acquired.resource_id, "individual", "room-alpha", "900", body
    )
    view = RecordingView()
    result = apply_op.adopt(settings(root), view, "alpha", acquired.resource_id, started.sid)
    assert result.status == OK and result.sid == started.sid
    recorded = state_op.read(settings(root), RecordingView()).state.jobs["alpha"]
    assert recorded.sid == started.sid and recorded.imported

    twice = RecordingView()
    assert (
        apply_op.adopt(settings(root), twice, "alpha", acquired.resource_id, started.sid).status
        == ERROR
    )
    assert "already has a session" in twice.named("error")[0][0]

    missing = RecordingView()
    assert apply_op.adopt(settings(root), missing, "nope", "r", "s").status == ERROR
    assert "no job nope in the manifests" in missing.named("error")[0][0]


def test_state_commands(root: Path) -> None:
    assert apply_op.apply(settings(root), RecordingView()).status == OK
    shown = state_op.show(settings(root), RecordingView(), "alpha")
    assert shown.status == OK and shown.job.cname == "room-alpha"
    nothing = RecordingView()
    assert state_op.show(settings(root), nothing, "zeta").status == ERROR
    assert "recorded jobs: alpha, beta" in nothing.named("error")[0][1]

    dry = RecordingView()
    assert state_op.forget(settings(root), dry, ["beta"], dry_run=True) == OK
    assert "Would remove job.beta" in dry.named("text")[0][0]
    assert "beta" in state_op.read(settings(root), RecordingView()).state.jobs
    assert state_op.forget(settings(root), RecordingView(), ["beta"], dry_run=False) == OK
    assert "beta" not in state_op.read(settings(root), RecordingView()).state.jobs

    view = RecordingView()
    assert state_op.unprotect(settings(root), view, "alpha") == OK
    assert "not protected" in view.named("text")[0][0]


def test_a_held_lock_is_reported_and_nothing_written(root: Path) -> None:
    from snaplint.operations.planning import open_store
    from snaplint.state.backends import LockInfo

    store = open_store(settings(root))
    held = store.backend.lock(LockInfo.new("test"), 0)
    try:
        view = RecordingView()
        assert apply_op.apply(settings(root), view).status == ERROR
        assert "Error acquiring the state lock" in view.named("error")[0][0]
        assert held.id in view.named("error")[0][1]
        wrong = RecordingView()
        assert state_op.force_unlock(settings(root), wrong, "not-the-id") == ERROR
        refused = RecordingView(answer=False)
        assert state_op.force_unlock(settings(root), refused, held.id) == ERROR
        assert store.backend.lock_holder() is not None
        assert state_op.force_unlock(settings(root), RecordingView(), held.id) == OK
        assert open_store(settings(root)).backend.lock_holder() is None
    finally:
        with contextlib.suppress(Exception):
            store.backend.unlock(held.id)


def test_configuration_problems_are_operation_errors(root: Path) -> None:
    with pytest.raises(OperationError, match="no such file"):
        plan_op.plan(settings(root, paths=(str(root / "missing.yaml"),)), RecordingView())
    bad = Settings(
        config=load_config(find_config([str(root)])),
        root=root.resolve(),
        env={**ENV, "SNAPLINT_API_ENDPOINT": "http://evil.example\\@127.0.0.1"},
    )
    with pytest.raises(OperationError, match="backslash"):
        plan_op.plan(bad, RecordingView())


def test_lint_errors_refuse_the_plan(root: Path) -> None:
    (root / "jobs" / "alpha.yaml").write_text(
        job_yaml("alpha", "room-alpha", "900").replace("captureInterval: 15", "captureInterval: 1")
    )
    view = RecordingView()
    assert plan_op.plan(settings(root), view).status == ERROR
    [(_result, errors, _rules)] = view.named("lint_errors")
    assert errors and all(d.severity == "error" for d in errors)
