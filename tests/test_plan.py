"""The planner: ``decide`` from a table, ``make_plan`` ordering, protection, targeting, drift."""

from __future__ import annotations

import copy

import pytest

from snaplint.plan.changes import (
    ENDED,
    PENDING,
    RUNNING,
    UNKNOWN,
    UNTRACKED,
    Action,
    Desired,
    Live,
    PlanOptions,
    Recorded,
)
from snaplint.plan.decision import decide
from snaplint.plan.jobs import sensitive
from snaplint.plan.planner import make_plan


def spec(**changes):
    base = {
        "appId": "0123456789abcdef0123456789abcdef",
        "mode": "individual",
        "cname": "lesson42",
        "uid": "910001",
        "acquire": {"region": "NA"},
        "clientRequest": {
            "recordingConfig": {
                "channelType": 1,
                "streamTypes": 1,
                "maxIdleTime": 300,
                "subscribeVideoUids": ["1001", "1002"],
                "subscribeUidGroup": 0,
            },
            "snapshotConfig": {"captureInterval": 15, "fileType": ["jpg"]},
            "storageConfig": {
                "vendor": 1,
                "region": 0,
                "bucket": "shots",
                "accessKey": sensitive("hmac-sha256:ak1", "AK"),
                "secretKey": sensitive("hmac-sha256:sk1", "SK"),
                "fileNamePrefix": ["lesson42"],
            },
        },
    }
    out = copy.deepcopy(base)
    for dotted, value in changes.items():
        node = out
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return out


BASE = spec()
SUBS = spec(clientRequest__recordingConfig__subscribeVideoUids=["1001"])
UNSUB = spec(clientRequest__recordingConfig__subscribeVideoUids=["1001", "1003"])
KEY = spec(clientRequest__storageConfig__secretKey=sensitive("hmac-sha256:sk2", "SK"))
INTERVAL = spec(clientRequest__snapshotConfig__captureInterval=30)
BUCKET = spec(clientRequest__storageConfig__bucket="other")
UID = spec(uid="910002")
REGION = spec(acquire={"region": "EU"})
SUBS_AND_INTERVAL = spec(
    clientRequest__recordingConfig__subscribeVideoUids=["1001"],
    clientRequest__snapshotConfig__captureInterval=30,
)

CI = ("clientRequest", "snapshotConfig", "captureInterval")


@pytest.mark.parametrize(
    ("desired", "recorded", "status", "flags", "action", "reason", "forces"),
    [
        # new job
        (BASE, None, None, {}, Action.CREATE, None, set()),
        # recorded and running
        (BASE, BASE, RUNNING, {}, Action.NOOP, None, set()),
        (SUBS, BASE, RUNNING, {}, Action.UPDATE, None, set()),
        (UNSUB, BASE, RUNNING, {}, Action.UPDATE, None, set()),
        (KEY, BASE, RUNNING, {}, Action.UPDATE, None, set()),
        (INTERVAL, BASE, RUNNING, {}, Action.REPLACE, "cannot_update", {CI}),
        (
            BUCKET,
            BASE,
            RUNNING,
            {},
            Action.REPLACE,
            "cannot_update",
            {("clientRequest", "storageConfig", "bucket")},
        ),
        (UID, BASE, RUNNING, {}, Action.REPLACE, "cannot_update", {("uid",)}),
        (REGION, BASE, RUNNING, {}, Action.REPLACE, "cannot_update", {("acquire", "region")}),
        # one replace field is enough; in-place fields do not force it
        (SUBS_AND_INTERVAL, BASE, RUNNING, {}, Action.REPLACE, "cannot_update", {CI}),
        # --replace forces it even without changes
        (BASE, BASE, RUNNING, {"replace": True}, Action.REPLACE, "requested", set()),
        # the recorded session ended (404): start again, whatever changed
        (BASE, BASE, ENDED, {}, Action.CREATE, "session_ended", set()),
        (INTERVAL, BASE, ENDED, {}, Action.CREATE, "session_ended", set()),
        (BASE, BASE, ENDED, {"replace": True}, Action.CREATE, "session_ended", set()),
        # status unknown: shown, never guessed
        (INTERVAL, BASE, UNKNOWN, {}, Action.NOOP, "status_unknown", set()),
        (BASE, BASE, UNKNOWN, {"replace": True}, Action.NOOP, "status_unknown", set()),
        # an interrupted start: apply verifies with start (same resourceId: code 7 proves it)
        (BASE, BASE, PENDING, {}, Action.CREATE, "verify_interrupted_start", set()),
        # a session with an unknown sid may run: no second start unless asked for
        (BASE, BASE, UNTRACKED, {}, Action.NOOP, "sid_unknown", set()),
        (BASE, BASE, UNTRACKED, {"replace": True}, Action.CREATE, "sid_unknown", set()),
        # no longer in the manifests
        (None, BASE, RUNNING, {}, Action.DELETE, "delete_because_no_resource_config", set()),
        (None, BASE, UNKNOWN, {}, Action.DELETE, "delete_because_no_resource_config", set()),
        (None, BASE, ENDED, {}, Action.FORGET, "delete_because_no_resource_config", set()),
        (None, BASE, PENDING, {}, Action.NOOP, "sid_unknown", set()),
        (None, BASE, UNTRACKED, {}, Action.NOOP, "sid_unknown", set()),
        (None, None, None, {}, Action.NOOP, None, set()),
        # destroy stops even desired jobs
        (BASE, BASE, RUNNING, {"destroy": True}, Action.DELETE, "delete_because_destroy", set()),
        (BASE, BASE, ENDED, {"destroy": True}, Action.FORGET, "delete_because_destroy", set()),
        (BASE, None, None, {"destroy": True}, Action.NOOP, None, set()),
    ],
)
def test_decide(desired, recorded, status, flags, action, reason, forces):
    d = decide(desired, recorded, status, **flags)
    assert (d.action, d.reason) == (action, reason)
    assert set(d.forces) == forces


def test_update_lists_the_changed_fields():
    d = decide(SUBS, BASE, RUNNING)
    assert [(f.path, f.before, f.after) for f in d.fields] == [
        (
            ("clientRequest", "recordingConfig", "subscribeVideoUids"),
            ["1001", "1002"],
            ["1001"],
        )
    ]


def test_create_lists_every_leaf_as_added():
    d = decide(BASE, None, None)
    paths = {f.path for f in d.fields}
    assert ("cname",) in paths and CI in paths
    assert all(f.kind == "add" for f in d.fields)


# --------------------------------------------------------------------------- make_plan


def desired(name, s=BASE, protect=False):
    return Desired(name, s, f"digest-{name}", protect, f"{name}.yaml")


def recorded(name, s=BASE, status=RUNNING, protect=False, seen="2026-01-01T00:00:00Z"):
    return Recorded(name, s, status, protect, seen)


def test_order_is_stops_and_replaces_before_creates():
    plan = make_plan(
        [
            desired("a-new"),
            desired("b-update", SUBS),
            desired("c-replace", INTERVAL),
            desired("d-same"),
        ],
        [
            recorded("b-update"),
            recorded("c-replace"),
            recorded("d-same"),
            recorded("e-removed"),
            recorded("f-removed-ended", status=ENDED),
        ],
        {},
    )
    assert [(c.name, c.action) for c in plan.changes] == [
        ("e-removed", Action.DELETE),
        ("c-replace", Action.REPLACE),
        ("b-update", Action.UPDATE),
        ("a-new", Action.CREATE),
        ("f-removed-ended", Action.FORGET),
        ("d-same", Action.NOOP),
    ]
    assert plan.summary() == {"start": 1, "update": 1, "replace": 1, "stop": 1, "forget": 1}
    assert plan.has_changes
    assert not plan.errors


def test_no_changes():
    plan = make_plan([desired("a")], [recorded("a")], {"a": Live(RUNNING, 5)})
    assert not plan.has_changes
    assert [c.action for c in plan.changes] == [Action.NOOP]


def test_refresh_ended_is_drift_and_a_start():
    plan = make_plan(
        [desired("a")],
        [recorded("a")],
        {"a": Live(ENDED, detail="session ended; query answered 404")},
    )
    assert [(c.name, c.action, c.reason) for c in plan.changes] == [
        ("a", Action.CREATE, "session_ended")
    ]
    assert plan.changes[0].last_seen_running == "2026-01-01T00:00:00Z"
    assert [(d.name, d.kind) for d in plan.drift] == [("a", "ended")]


def test_unknown_status_is_a_warning_and_no_action():
    plan = make_plan(
        [desired("a", INTERVAL)], [recorded("a")], {"a": Live(UNKNOWN, detail="HTTP 503")}
    )
    assert plan.changes[0].action == Action.NOOP
    assert plan.unknown and not plan.has_changes
    assert [d.severity for d in plan.diagnostics] == ["warning"]
    assert "HTTP 503" in plan.diagnostics[0].detail


def test_refresh_only_records_drift_without_changes():
    plan = make_plan(
        [desired("a", INTERVAL)],
        [recorded("a")],
        {"a": Live(ENDED)},
        PlanOptions(refresh_only=True),
    )
    assert plan.changes == []
    assert [d.name for d in plan.drift] == ["a"]
    assert plan.has_changes  # the state changes


def test_targets_and_excludes():
    want = [desired("a"), desired("b"), desired("c")]
    plan = make_plan(want, [], {}, PlanOptions(targets=("a", "b"), excludes=("b",)))
    assert [c.name for c in plan.changes] == ["a"]


def test_unknown_target_is_an_error():
    plan = make_plan([desired("a")], [], {}, PlanOptions(targets=("nope",)))
    assert plan.errors and "--target nope" in plan.errors[0].summary


def test_replace_of_unknown_or_excluded_job_is_an_error():
    plan = make_plan(
        [desired("a"), desired("b")],
        [recorded("a"), recorded("b")],
        {},
        PlanOptions(replace=("zzz", "b"), excludes=("b",)),
    )
    assert len(plan.errors) == 2


def test_replace_requested():
    plan = make_plan([desired("a")], [recorded("a")], {}, PlanOptions(replace=("a",)))
    assert (plan.changes[0].action, plan.changes[0].reason) == (Action.REPLACE, "requested")


@pytest.mark.parametrize(
    ("want", "have", "options", "error"),
    [
        # replace of a protected job
        ([desired("a", INTERVAL, protect=True)], [recorded("a")], PlanOptions(), "replace"),
        ([desired("a", protect=True)], [recorded("a")], PlanOptions(replace=("a",)), "replace"),
        # manifest removed: the protection recorded in state holds
        ([], [recorded("a", protect=True)], PlanOptions(), "remove"),
        ([], [recorded("a", status=ENDED, protect=True)], PlanOptions(), "remove"),
        # destroy
        ([desired("a")], [recorded("a", protect=True)], PlanOptions(destroy=True), "destroy"),
    ],
)
def test_protection(want, have, options, error):
    plan = make_plan(want, have, {}, options)
    assert plan.errors, plan.changes
    assert f"refusing to {error}" in plan.errors[0].summary
    assert "protected" in plan.errors[0].summary


def test_protection_allows_updates_and_lifting_in_the_manifest():
    plan = make_plan([desired("a", SUBS, protect=True)], [recorded("a", protect=True)], {})
    assert not plan.errors and plan.changes[0].action == Action.UPDATE
    # the manifest itself lifts it: replace allowed
    plan = make_plan([desired("a", INTERVAL, protect=False)], [recorded("a", protect=True)], {})
    assert not plan.errors and plan.changes[0].action == Action.REPLACE


def test_untargeted_protected_job_is_not_an_error():
    plan = make_plan([desired("b")], [recorded("a", protect=True)], {}, PlanOptions(targets=("b",)))
    assert not plan.errors


def test_sid_unknown_pending_job_not_desired_warns():
    plan = make_plan([], [recorded("a", status=PENDING)], {})
    assert plan.changes[0].action == Action.NOOP
    assert plan.diagnostics[0].severity == "warning"
    assert "sid is unknown" in plan.diagnostics[0].summary


@pytest.mark.parametrize("wanted", [True, False])
def test_untracked_jobs_are_a_category_of_their_own(wanted):
    from snaplint.plan.render import render_plan

    plan = make_plan([desired("a")] if wanted else [], [recorded("a", status=UNTRACKED)], {})
    assert [c.name for c in plan.untracked] == ["a"]
    assert plan.changes[0].action == Action.NOOP and not plan.has_changes
    text = render_plan(plan)
    assert "Untracked sessions" in text and "# job.a (cname" in text
    assert "maxIdleTime" in text and "snaplint import" in text
    assert "will be started" not in text


def test_a_learned_sid_adopts_an_untracked_job():
    info = Live(RUNNING, 5, None, "sid learned from screenshot x.jpg", sid="s" * 32)
    plan = make_plan([desired("a")], [recorded("a", status=UNTRACKED)], {"a": info})
    assert [c.name for c in plan.adopted] == ["a"] and not plan.untracked
    assert plan.has_changes and plan.changes[0].action == Action.NOOP
    refresh_only = make_plan(
        [desired("a")],
        [recorded("a", status=UNTRACKED)],
        {"a": info},
        PlanOptions(refresh_only=True),
    )
    assert [c.name for c in refresh_only.adopted] == ["a"]


def test_unset_secret_warns_when_nothing_else_changes():
    d = Desired(
        "a", BASE, "x", unset_secrets=((("clientRequest", "storageConfig", "secretKey"), "SK"),)
    )
    plan = make_plan([d], [recorded("a")], {})
    assert any("SK not set" in x.summary for x in plan.diagnostics)


def test_lineage_and_serial_are_carried():
    plan = make_plan([], [], {}, lineage="L", serial=7)
    assert (plan.lineage, plan.serial) == ("L", 7)


def test_action_symbols():
    assert [a.symbol for a in Action] == [" ", "+", "~", "-/+", "-", "-"]
    assert [a for a in Action if a.remote] == [
        Action.CREATE,
        Action.UPDATE,
        Action.REPLACE,
        Action.DELETE,
    ]
