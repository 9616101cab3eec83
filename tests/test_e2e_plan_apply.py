"""Plan and apply end to end: the CLI against the emulator over HTTP on 127.0.0.1.

One test per lifecycle story of issue 6's "Done when"; the emulator's session list
(``/_emulator/sessions``) is the ground truth for what runs.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e_project import Project, make_project


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def three_jobs(p: Project) -> None:
    p.job("alpha", "chan-a", "910001")
    p.job("beta", "chan-b", "910002", subs=("2001",))
    p.job("gamma", "chan-c", "910003", interval=30)


def applied(p: Project, *args: str) -> str:
    code, out, err = p.run("apply", "--auto-approve", *args)
    assert code == 0, out + err
    return out


def test_create_several_jobs_then_no_changes(project: Project):
    three_jobs(project)
    code, out, err = project.run("plan", "--detailed-exitcode")
    assert code == 2, out + err
    assert "Plan: 3 to start, 0 to update, 0 to replace, 0 to stop." in out
    assert out.count("(sensitive value)") == 6
    assert "# screenshots: e2e/chana/<sid>_chan-a__uid_s_<uid>__uid_e_video_<utc>.jpg" in out
    assert "# per hour:    480 (2 video streams × 3600 / 15 s)" in out
    assert "# per hour:    240 (1 video stream × 3600 / 15 s)" in out
    assert "# per hour:    240 (2 video streams × 3600 / 30 s)" in out

    out = applied(project)
    assert "Apply complete! 3 started" in out
    for name, cname in (("alpha", "chan-a"), ("beta", "chan-b"), ("gamma", "chan-c")):
        session = project.one_running(cname)
        rec = project.recorded(name)
        assert (rec["sid"], rec["resourceId"], rec["status"]) == (
            session["sid"],
            session["resourceId"],
            "running",
        )
        assert rec["startedAt"] and rec["lastSeenRunning"]
    assert len(project.running()) == 3

    code, out, err = project.run("plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out
    # the state holds salted hashes of the secrets, and the references, never the values
    key = project.recorded("alpha")["lastApplied"]["clientRequest"]["storageConfig"]["secretKey"]
    assert key["$ref"] == "E2E_SECRET_KEY" and key["$sensitive"].startswith("hmac-sha256:")
    project.assert_no_secret_leaked()


def test_subscription_change_is_an_update_in_place(project: Project):
    three_jobs(project)
    applied(project)
    before = project.one_running("chan-a")
    project.job("alpha", "chan-a", "910001", subs=("1001", "1003"))
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2
    assert "# job.alpha will be updated in place" in out
    assert '~ subscribeVideoUids = ["1001", "1002"] -> ["1001", "1003"]' in out
    assert "forces replacement" not in out
    assert "Plan: 0 to start, 1 to update, 0 to replace, 0 to stop." in out

    out = applied(project)
    after = project.one_running("chan-a")
    assert after["sid"] == before["sid"]  # the same session, updated
    assert after["updates"] == 1
    assert after["video"]["uids"] == ["1001", "1003"]
    rec = project.recorded("alpha")
    assert rec["lastApplied"]["clientRequest"]["recordingConfig"]["subscribeVideoUids"] == [
        "1001",
        "1003",
    ]
    assert project.run("plan", "--detailed-exitcode")[0] == 0


def test_storage_credential_change_is_an_update(project: Project, monkeypatch):
    project.job("alpha", "chan-a", "910001")
    applied(project)
    monkeypatch.setenv("E2E_SECRET_KEY", "sk-E2E-ROTATED-88aa")
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2
    assert "~ secretKey = (sensitive value) -> (sensitive value)" in out
    assert "sk-E2E-ROTATED-88aa" not in out
    applied(project)
    assert project.one_running("chan-a")["updates"] == 1
    assert project.run("plan", "--detailed-exitcode")[0] == 0


def test_capture_interval_change_is_a_replace(project: Project):
    three_jobs(project)
    applied(project)
    old = project.one_running("chan-c")
    project.job("gamma", "chan-c", "910003", interval=60)
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2
    assert '-/+ job "gamma"' in out
    assert "~ captureInterval = 30 -> 60 # forces replacement" in out
    assert "Plan: 0 to start, 0 to update, 1 to replace, 0 to stop." in out

    applied(project)
    new = project.one_running("chan-c")
    assert new["sid"] != old["sid"] and new["captureInterval"] == 60
    assert project.emu.session(old["sid"])["state"] in ("exiting", "gone")
    assert project.recorded("gamma")["sid"] == new["sid"]
    assert project.run("plan", "--detailed-exitcode")[0] == 0


def test_removed_manifest_is_stopped(project: Project):
    three_jobs(project)
    applied(project)
    sid = project.recorded("beta")["sid"]
    project.remove("beta")
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2
    assert "# job.beta will be stopped (its manifest was removed)" in out
    assert "Plan: 0 to start, 0 to update, 0 to replace, 1 to stop." in out
    applied(project)
    assert project.running("chan-b") == []
    assert project.emu.session(sid)["endReason"] == "stopped"
    assert "beta" not in project.state()["jobs"]
    assert len(project.running()) == 2
    assert project.run("plan", "--detailed-exitcode")[0] == 0


def test_idled_out_session_is_planned_as_a_start(project: Project):
    project.job("alpha", "chan-a", "910001", max_idle=300)
    applied(project)
    old = project.recorded("alpha")["sid"]
    # nobody publishes in chan-a: after maxIdleTime the emulator ends the session
    project.emu.advance(310)
    assert project.running("chan-a") == []
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2
    assert "Objects have changed outside of snaplint" in out
    assert "session ended; will be started again (last seen running 20" in out
    assert "Plan: 1 to start, 0 to update, 0 to replace, 0 to stop." in out
    code, events = project.events("plan")
    drift = [e for e in events if e["type"] == "resource_drift"]
    assert drift and drift[0]["change"]["resource"]["addr"] == "job.alpha"

    applied(project)
    new = project.one_running("chan-a")
    assert new["sid"] != old and project.recorded("alpha")["sid"] == new["sid"]


def test_refresh_only_records_the_ended_session(project: Project):
    project.job("alpha", "chan-a", "910001")
    applied(project)
    project.emu.advance(310)
    code, out, _ = project.run("apply", "--refresh-only", "--auto-approve")
    assert code == 0, out
    assert "refresh-only" in out
    assert project.recorded("alpha")["status"] == "ended"
    assert project.running() == []  # nothing was started


def test_import_a_session_started_outside(project: Project):
    rid, sid = _start_outside(project, "chan-x", "910009")
    project.job("outsider", "chan-x", "910009")
    code, out, err = project.run("import", "outsider", "--resource-id", rid, "--sid", sid)
    assert code == 0, out + err
    assert "Import successful" in out
    rec = project.recorded("outsider")
    assert (rec["sid"], rec["resourceId"], rec["imported"]) == (sid, rid, True)
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 0, out
    assert len(project.running("chan-x")) == 1

    # importing again, or a session that is not there, is refused
    code, _, err = project.run("import", "outsider", "--resource-id", rid, "--sid", sid)
    assert code == 1 and "already has a session" in err
    project.job("other", "chan-y", "910010")
    code, _, err = project.run("import", "other", "--resource-id", rid, "--sid", "0" * 32)
    assert code == 1 and "not found" in err


def _start_outside(p: Project, cname: str, uid: str) -> tuple[str, str]:
    from tests.emulator_fixtures import APP, snapshot_request

    client = p.emu.client()
    rid = client.acquire(APP, cname, uid, {}).resource_id
    request = snapshot_request(
        ("1001", "1002"), interval=15, prefix=("e2e", cname.replace("-", ""))
    )
    request["recordingConfig"]["maxIdleTime"] = 300
    sid = client.start(APP, rid, "individual", cname, uid, request).sid
    return rid, sid


def test_target_exclude_and_replace(project: Project):
    three_jobs(project)
    code, out, _ = project.run("plan", "--target", "alpha")
    assert "job.alpha will be started" in out and "job.beta" not in out
    assert "Plan: 1 to start" in out
    applied(project, "--target", "alpha")
    assert [s["cname"] for s in project.running()] == ["chan-a"]

    applied(project, "--exclude", "gamma")
    assert sorted(s["cname"] for s in project.running()) == ["chan-a", "chan-b"]
    applied(project)

    old = project.recorded("beta")["sid"]
    code, out, _ = project.run("plan", "--replace", "beta")
    assert "must be replaced: stopped, then started again (--replace)" in out
    assert "Plan: 0 to start, 0 to update, 1 to replace, 0 to stop." in out
    applied(project, "--replace", "beta")
    new = project.one_running("chan-b")["sid"]
    assert new != old and project.recorded("beta")["sid"] == new
    assert len(project.running()) == 3

    code, _, err = project.run("plan", "--target", "nope")
    assert code == 1 and "--target nope" in err + _


def test_destroy_and_protection(project: Project):
    three_jobs(project)
    project.job("alpha", "chan-a", "910001", protect=True)
    applied(project)
    assert project.recorded("alpha")["protect"] is True

    # destroy refuses while a protected job is recorded
    code, out, err = project.run("destroy", "--auto-approve")
    assert code == 1
    assert "job alpha is protected: refusing to destroy it" in out + err
    assert len(project.running()) == 3

    # removing the manifest does not lift the protection recorded in state
    project.remove("alpha")
    code, out, err = project.run("plan")
    assert code == 1 and "snaplint state unprotect alpha" in out + err
    code, out, _ = project.run("state", "unprotect", "alpha")
    assert code == 0 and "no longer protected" in out
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2 and "job.alpha will be stopped" in out

    # a protected job cannot be replaced either
    project.job("beta", "chan-b", "910002", subs=("2001",), protect=True)
    applied(project, "--target", "beta")
    project.job("beta", "chan-b", "910002", subs=("2001",), interval=60, protect=True)
    code, out, err = project.run("plan")
    assert code == 1 and "refusing to replace it" in out + err

    project.job("beta", "chan-b", "910002", subs=("2001",), protect=False)
    applied(project, "--target", "beta")
    code, out, _ = project.run("destroy", "--auto-approve")
    assert code == 0, out
    assert "Destroy complete!" in out
    assert project.running() == []
    assert project.state()["jobs"] == {}


def test_saved_plan_applies_and_stale_plans_are_refused(project: Project):
    three_jobs(project)
    code, out, _ = project.run("plan", "--out", "p1.json")
    assert code == 0 and "snaplint apply p1.json" in out
    saved = json.loads((project.root / "p1.json").read_text())
    assert saved["format"] == "snaplint-plan" and saved["state"]["lineage"] is None
    assert "resourceId" not in json.dumps(saved)
    code, out, _ = project.run("show", "p1.json")
    assert code == 0 and "Plan: 3 to start" in out
    code, out, _ = project.run("show", "--json", "p1.json")
    doc = json.loads(out)
    assert [c["change"]["actions"] for c in doc["resource_changes"]] == [["create"]] * 3
    key = doc["resource_changes"][0]["change"]
    assert key["after"]["clientRequest"]["storageConfig"]["secretKey"] is None
    assert key["after_sensitive"]["clientRequest"]["storageConfig"]["secretKey"] is True

    code, out, err = project.run("apply", "p1.json")  # a saved plan is the approval
    assert code == 0, out + err
    assert len(project.running()) == 3

    # the same plan again: the state has moved on
    code, out, err = project.run("apply", "p1.json")
    assert code == 1
    assert "Saved plan is stale" in err
    assert "a state was created since the plan was made" in err

    # a manifest changed since the plan
    project.run("plan", "--out", "p2.json")
    project.job("beta", "chan-b", "910002", subs=("2001", "2002"))
    code, _, err = project.run("apply", "p2.json")
    assert code == 1 and "manifests changed since the plan: jobs/beta.yaml" in err

    # another apply wrote the state since the plan
    project.run("plan", "--out", "p3.json")
    applied(project)
    code, _, err = project.run("apply", "p3.json")
    assert code == 1 and "the state changed since the plan was made (serial" in err

    # the live sessions changed since the plan (one idled out): refused, job by job
    project.run("plan", "--out", "p4.json")
    project.emu.advance(310)
    code, _, err = project.run("apply", "p4.json")
    assert code == 1 and "job alpha: planned no change, now create (session_ended)" in err

    # too old
    (project.root / ".snaplint.yaml").write_text(
        (project.root / ".snaplint.yaml").read_text() + "  max-age: 1s\n"
    )
    project.run("plan", "--out", "p5.json")
    data = json.loads((project.root / "p5.json").read_text())
    data["created_at"] = "2020-01-01T00:00:00Z"
    (project.root / "p5.json").write_text(json.dumps(data))
    code, _, err = project.run("apply", "p5.json")
    assert code == 1 and "older than the maximum age of 1s" in err
    assert "planning flags" in project.run("apply", "p5.json", "--target", "alpha")[2]
    project.assert_no_secret_leaked()


def test_json_event_stream(project: Project):
    three_jobs(project)
    code, events = project.events("plan")
    assert code == 0
    assert events[0]["type"] == "version" and events[0]["ui"] == "1.0"
    types = [e["type"] for e in events]
    assert types.count("planned_change") == 3 and types[-1] == "change_summary"
    assert events[-1]["changes"]["add"] == 3 and events[-1]["changes"]["operation"] == "plan"
    for e in events:
        assert {"@level", "@message", "@module", "@timestamp", "type"} <= set(e)
    change = next(e for e in events if e["type"] == "planned_change")["change"]
    assert change["action"] == "create" and change["resource"]["addr"].startswith("job.")

    code, events = project.events("apply", "--auto-approve")
    assert code == 0
    types = [e["type"] for e in events]
    assert types[0] == "version"
    assert types.count("apply_start") == 3 and types.count("apply_complete") == 3
    done = next(e for e in events if e["type"] == "apply_complete")["hook"]
    assert done["id_key"] == "sid" and len(done["id_value"]) == 32

    project.emu.advance(310)
    code, events = project.events("plan", "--detailed-exitcode")
    assert code == 2
    assert any(e["type"] == "refresh_complete" for e in events)
    project.assert_no_secret_leaked()


def test_apply_refuses_to_prompt_without_a_terminal(project: Project):
    project.job("alpha", "chan-a", "910001")
    code, _out, err = project.run("apply")
    assert code == 1
    assert "stdin is not a terminal" in err and "--auto-approve" in err
    assert project.running() == []
    code, _, err = project.run("apply", "--json")
    assert code == 1 and project.running() == []


def test_lint_errors_refuse_the_plan(project: Project):
    project.job("alpha", "chan-a", "910001")
    path = project.root / "jobs" / "alpha.yaml"
    path.write_text(path.read_text().replace("captureInterval: 15", "captureInterval: 0"))
    code, out, err = project.run("plan", "--detailed-exitcode")
    assert code == 1
    assert "captureInterval" in out and "lint errors" in err
    code, _, _ = project.run("apply", "--auto-approve")
    assert code == 1 and project.running() == []


def test_unset_secret_fails_apply_before_any_call(project: Project, monkeypatch):
    project.job("alpha", "chan-a", "910001")
    monkeypatch.delenv("E2E_SECRET_KEY")
    code, _out, err = project.run("apply", "--auto-approve")
    assert code == 1
    assert "E2E_SECRET_KEY" in err and "Nothing was changed" in err
    assert project.emu.request_log() == []


def test_unknown_status_is_shown_not_guessed(project: Project, monkeypatch):
    import snaplint.agora.transport as transport
    from snaplint.agora.clientconfig import RetryPolicy

    fast = RetryPolicy(total=1, backoff_factor=0.01, backoff_jitter=0, failover_backoff=(0,))
    monkeypatch.setattr(transport, "RetryPolicy", lambda: fast)
    project.job("alpha", "chan-a", "910001")
    project.job("beta", "chan-b", "910002")
    applied(project)
    project.job("alpha", "chan-a", "910001", interval=60)  # would be a replace
    project.emu.faults(errors={"query": {"rate": 1.0, "status": 503}})
    code, out, err = project.run("plan", "--detailed-exitcode")
    assert code == 1
    assert "session status unknown" in out + err
    assert "-/+" not in out
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 1
    assert "untouched" in out and "status unknown" in out
    assert len(project.running()) == 2
    project.emu.control("DELETE", "faults")
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2 and "Plan: 0 to start, 0 to update, 1 to replace, 0 to stop." in out


def test_failed_start_is_reported_with_code_and_reason(project: Project):
    project.job("alpha", "chan-a", "910001")
    project.job("beta", "chan-b", "910002")
    # a session nobody recorded holds beta's cname+uid: start answers 53
    _start_outside(project, "chan-b", "910002")
    code, out, err = project.run("apply", "--auto-approve")
    assert code == 0, out + err  # 53 is evidence that beta's session runs, not a failure
    assert "code 53" in out
    assert project.recorded("beta")["status"] == "untracked"
    assert len(project.running("chan-b")) == 1

    project.emu.faults(errors={"acquire": {"rate": 1.0, "status": 400, "code": 2, "reason": "bad"}})
    project.job("gamma", "chan-c", "910003")
    code, out, err = project.run("apply", "--auto-approve", "--target", "gamma")
    assert code == 1
    assert "failed" in out and "code 2" in out
    assert "Apply finished with errors" in out


def test_state_commands(project: Project):
    three_jobs(project)
    applied(project)
    code, out, _ = project.run("state", "list")
    assert out.split() == ["alpha", "beta", "gamma"]
    code, out, _ = project.run("state", "list", "--long")
    assert "STATUS" in out and "running" in out
    code, out, _ = project.run("state", "show", "alpha")
    assert code == 0
    assert 'status            = "running"' in out
    assert "secretKey" in out and "(sensitive value)" in out and "E2E_SECRET_KEY" in out
    assert project.recorded("alpha")["sid"] in out
    code, out, _ = project.run("state", "rm", "gamma", "--dry-run")
    assert "Would remove job.gamma" in out and "gamma" in project.state()["jobs"]
    code, out, _ = project.run("state", "rm", "gamma")
    assert code == 0 and "keeps running" in out
    assert "gamma" not in project.state()["jobs"] and len(project.running("chan-c")) == 1
    code, _, err = project.run("state", "show", "nope")
    assert code == 1 and "no job nope" in err
    code, out, _ = project.run("show")
    assert "job.alpha: running" in out
    project.assert_no_secret_leaked()


def test_refresh_false_plans_without_the_api(project: Project):
    project.job("alpha", "chan-a", "910001")
    applied(project)
    project.emu.control("DELETE", "requests")
    project.emu.advance(310)  # the session ended, but a plan without refresh cannot know
    code, out, _ = project.run("plan", "--refresh=false", "--detailed-exitcode")
    assert code == 0 and "No changes." in out
    assert project.emu.request_log() == []
    code, out, _ = project.run("plan", "--detailed-exitcode")
    assert code == 2 and "session ended" in out


def test_plan_warns_while_the_state_is_locked(project: Project):
    from snaplint.state.backends import LockInfo
    from snaplint.state.backends.file import FileBackend

    project.job("alpha", "chan-a", "910001")
    applied(project)
    holder = FileBackend(project.state_path)
    info = holder.lock(LockInfo.new("apply"))
    try:
        code, _out, err = project.run("plan")
        assert code == 0 and "the state is locked by apply" in err
    finally:
        holder.unlock(info.id)
