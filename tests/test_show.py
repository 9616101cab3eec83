"""Rendering plans: Terraform-style text, the JSON event stream and the JSON document."""

from __future__ import annotations

import io
import json

import pytest

from snaplint.plan.changes import Action, Change, Diagnostic, Drift, Live, Plan, PlanOptions
from snaplint.plan.diff import MISSING, FieldChange
from snaplint.plan.difftext import value_text
from snaplint.plan.document import plan_document
from snaplint.plan.events import Events
from snaplint.plan.jobs import sensitive
from snaplint.plan.render import headline, render_plan
from tests.test_plan import INTERVAL, KEY, SUBS, desired, recorded


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("x", '"x"'),
        (15, "15"),
        (True, "true"),
        (None, "null"),
        (MISSING, "null"),
        (["1", 2], '["1", 2]'),
        ({"a": 1}, "{ a = 1 }"),
        ({}, "{}"),
        (sensitive("hmac-sha256:abc", "SK"), "(sensitive value)"),
    ],
)
def test_value_text(value, text):
    assert value_text(value) == text


def plan_of(want, have, live=None, options=None):
    from snaplint.plan.planner import make_plan

    return make_plan(want, have, live or {}, options)


def test_update_block():
    text = render_plan(plan_of([desired("a", SUBS)], [recorded("a")]))
    assert text == (
        "snaplint will perform the following actions:\n"
        "\n"
        "  # job.a will be updated in place\n"
        '  ~ job "a" {\n'
        "      ~ clientRequest {\n"
        "          ~ recordingConfig {\n"
        '              ~ subscribeVideoUids = ["1001", "1002"] -> ["1001"]\n'
        "                # (4 unchanged attributes hidden)\n"
        "            }\n"
        "            # (2 unchanged attributes hidden)\n"
        "        }\n"
        "        # (5 unchanged attributes hidden)\n"
        "    }\n"
        "    # screenshots: lesson42/<sid>_lesson42__uid_s_<uid>__uid_e_video_<utc>.jpg (<uid> ∈ 1001)\n"
        "    # per hour:    240 (1 video stream × 3600 / 15 s)\n"
        "    # cost:        60 screenshot-minutes/hour: US$0.15/hour, US$107.57/30 days\n"
        "\n"
        "Plan: 0 to start, 1 to update, 0 to replace, 0 to stop. Cost: ±US$0.00/30 days.\n"
        "Cost once applied: US$0.15/hour, US$107.57/30 days for 1 screenshot task "
        "(Cloud-Based Screenshot Upload, US$2.49 per 1,000 minutes: "
        "https://docs.agora.io/en/cloud-recording/overview/pricing (2026-07-01)).\n"
    )


def test_replace_marks_the_forcing_field_only():
    text = render_plan(plan_of([desired("a", INTERVAL)], [recorded("a")]))
    assert '-/+ job "a" {' in text
    assert "~ captureInterval = 15 -> 30 # forces replacement" in text
    assert "# job.a must be replaced: stopped, then started again" in text


def test_secret_change_shows_no_value():
    text = render_plan(plan_of([desired("a", KEY)], [recorded("a")]))
    assert "~ secretKey = (sensitive value) -> (sensitive value)" in text
    assert "sk1" not in text and "sk2" not in text and "hmac" not in text


def test_create_shows_every_field_and_secrets_hidden():
    text = render_plan(plan_of([desired("a")], []))
    assert '  + job "a" {' in text
    assert '+ cname = "lesson42"' in text
    assert "+ accessKey      = (sensitive value)" in text
    assert "hmac" not in text


def test_delete_forget_and_ended():
    text = render_plan(
        plan_of(
            [desired("b")],
            [recorded("a"), recorded("b"), recorded("c", status="ended")],
            {
                "b": Live(
                    "ended", detail="session ended; query answered 404 (failed to find worker)"
                )
            },
        )
    )
    assert "# job.a will be stopped (its manifest was removed)" in text
    assert '  - job "a" {' in text and '- cname = "lesson42"' in text
    assert "# job.c will be removed from state: its session has ended" in text
    assert (
        "# job.b will be started: session ended; will be started again "
        "(last seen running 2026-01-01T00:00:00Z)" in text
    )
    assert text.startswith(
        "Note: Objects have changed outside of snaplint\n\n  # job.b: session ended"
    )
    assert (
        "Plan: 1 to start, 0 to update, 0 to replace, 1 to stop. Cost: ±US$0.00/30 days.\n1 ended job to forget"
        in text
    )


def test_no_changes_and_diagnostics():
    assert render_plan(plan_of([desired("a")], [recorded("a")])) == (
        "No changes. The live sessions match the manifests.\n"
    )
    plan = Plan(
        [], diagnostics=[Diagnostic("error", "boom", "line one\nline two", source="x.yaml")]
    )
    text = render_plan(plan)
    assert "│ Error: boom\n│   on x.yaml\n│\n│ line one\n│ line two\n╵" in text
    assert "No changes" not in text


def test_refresh_only_text():
    plan = plan_of(
        [desired("a")], [recorded("a")], {"a": Live("ended")}, PlanOptions(refresh_only=True)
    )
    text = render_plan(plan)
    assert "refresh-only plan" in text and "Plan:" not in text


def test_color_codes_only_when_asked():
    plan = plan_of([desired("a", SUBS)], [recorded("a")])
    assert "\x1b[" not in render_plan(plan)
    assert "\x1b[33m~\x1b[0m" in render_plan(plan, color=True)


@pytest.mark.parametrize(
    ("action", "reason", "status", "expected"),
    [
        (Action.CREATE, "verify_interrupted_start", None, "adopts that session if it runs"),
        (Action.CREATE, "sid_unknown", None, "a running one answers code 53"),
        (
            Action.DELETE,
            "delete_because_destroy",
            "unknown",
            "stopped (destroy); its status is unknown",
        ),
        (Action.NOOP, "status_unknown", "unknown", "session status unknown"),
        (Action.NOOP, None, "running", "is up to date"),
    ],
)
def test_headlines(action, reason, status, expected):
    assert expected in headline(Change("a", action, reason, status=status))


# --------------------------------------------------------------------------- JSON


def stream(plan, operation="plan"):
    buf = io.StringIO()
    events = Events(buf, clock=lambda: "2026-01-01T00:00:00.000000+00:00")
    events.version()
    events.plan(plan, operation)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_event_stream_shape():
    plan = plan_of(
        [desired("a", SUBS), desired("n")],
        [recorded("a"), recorded("gone"), recorded("e")],
        {"e": Live("ended", detail="ended")},
    )
    plan.diagnostics.append(
        Diagnostic("warning", "careful", job="a", source="a.yaml", line=3, column=5)
    )
    events = stream(plan)
    assert [e["type"] for e in events] == [
        "version",
        "resource_drift",
        "planned_change",
        "planned_change",
        "planned_change",
        "planned_change",
        "diagnostic",
        "change_summary",
    ]
    for e in events:
        assert e["@module"] == "snaplint.ui" and e["@timestamp"].startswith("2026")
    changes = [e["change"] for e in events if e["type"] == "planned_change"]
    assert [(c["resource"]["addr"], c["action"]) for c in changes] == [
        ("job.gone", "delete"),
        ("job.a", "update"),
        ("job.n", "create"),
        ("job.e", "forget"),
    ]
    assert changes[0]["reason"] == "delete_because_no_resource_config"
    diag = events[-2]["diagnostic"]
    assert diag["severity"] == "warning" and diag["address"] == "job.a"
    assert diag["range"]["start"] == {"line": 3, "column": 5}
    assert events[-1]["changes"]["cost"]["change_per_30_days"] == 0.0  # one start, one stop
    assert {k: v for k, v in events[-1]["changes"].items() if k != "cost"} == {
        "add": 1,
        "change": 1,
        "import": 0,
        "remove": 1,
        "operation": "plan",
        "start": 1,
        "update": 1,
        "replace": 0,
        "stop": 1,
        "forget": 1,
        "move": 0,
    }
    assert events[-1]["@message"].startswith(
        "Plan: 1 to start, 1 to update, 0 to replace, 1 to stop. Cost: "
    )


def test_replace_paths_in_events_and_document():
    plan = plan_of([desired("a", INTERVAL)], [recorded("a")])
    change = stream(plan)[1]["change"]
    assert change["replace_paths"] == [["clientRequest", "snapshotConfig", "captureInterval"]]
    doc = plan_document(plan)
    rc = doc["resource_changes"][0]
    assert rc["change"]["actions"] == ["delete", "create"]
    assert rc["action_reason"] == "cannot_update"
    storage = rc["change"]["after"]["clientRequest"]["storageConfig"]
    assert storage["secretKey"] is None
    assert rc["change"]["after_sensitive"]["clientRequest"]["storageConfig"] == {
        "accessKey": True,
        "secretKey": True,
    }
    assert "hmac" not in json.dumps(doc)


def test_document_has_drift_and_prior_state():
    plan = Plan(
        [Change("a", Action.NOOP)],
        drift=[Drift("a", "ended", "gone", "2026-01-01T00:00:00Z")],
        lineage="L",
        serial=3,
    )
    doc = plan_document(plan, {"timestamp": "t"})
    assert doc["prior_state"] == {"lineage": "L", "serial": 3}
    assert doc["resource_drift"][0]["last_seen_running"] == "2026-01-01T00:00:00Z"
    assert doc["timestamp"] == "t" and doc["format_version"] == "1.0"


def test_fields_are_used_as_given():
    change = Change(
        "a",
        Action.UPDATE,
        fields=(FieldChange(("clientRequest", "x"), MISSING, 1),),
        before={"clientRequest": {}},
        after={"clientRequest": {"x": 1}},
    )
    text = render_plan(Plan([change]))
    assert "+ x = 1" in text
