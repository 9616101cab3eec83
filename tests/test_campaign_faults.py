"""Fault campaign: apply many jobs while the API fails in every way the emulator can fail.

The emulator (over HTTP) answers 20 % of the requests to *every* endpoint with its documented
5xx error, drops connections, answers bursts of 429s (fresh bursts arrive all through the
run, with a ``Retry-After``), enforces a QPS limit, and adds 50 ms of latency to everything.
Faults strike before the service acts (a 5xx or a dropped connection that the service never
processed) — lost *answers* to processed calls are the crash campaign's subject.

Through three applies under those faults — create every job; then update, replace and stop
some; then apply again — after each one:

- the state matches the emulator exactly: every running session is recorded, with its sid and
  resourceId, as the job it belongs to, and no recorded running job lacks its session;
- every job the apply touched either runs exactly once, as the manifest says, or was
  reported failed with its HTTP status, code and reason (and then has no session, or its
  previous one);
- no job ever had two sessions.

Finally, with the outage over, a plan shows changes only for jobs the last apply reported
failed (normally none: "No changes.").

Size: ``SNAPLINT_CAMPAIGN_JOBS`` (default 200), ``SNAPLINT_CAMPAIGN_SEED``.
"""

from __future__ import annotations

import collections
import json
import os
import random
import threading
from typing import Any

import pytest

from tests.e2e_project import Project, make_project
from tests.emulator_fixtures import APP

pytestmark = pytest.mark.campaign

JOBS = int(os.environ.get("SNAPLINT_CAMPAIGN_JOBS", "200"))
SEED = int(os.environ.get("SNAPLINT_CAMPAIGN_SEED", str(random.SystemRandom().randrange(10**6))))
QPS = 100  # the emulator's limit; the client paces itself at the same rate (api.qps)
PARALLELISM = 32  # backoff waits (3 s, 6 s …) dominate: more workers keep the run short
FAULTS = {
    "latency_ms": 50,
    "errors": {"*": {"rate": 0.2}},  # the endpoint's documented 5xx (acquire 500/504 …)
    "drops": {"*": {"rate": 0.03}},
    "retry_after": 1,
}
BURST_EVERY, BURST_SIZE = 3.0, 5  # seconds between 429 bursts, 429s per burst


def name_of(i: int) -> str:
    return f"job-{i:03d}"


def cname_of(i: int) -> str:
    return f"chan-{i:03d}"


@pytest.fixture
def project(tmp_path, monkeypatch):
    for p in make_project(tmp_path, monkeypatch):
        (p.root / ".snaplint.yaml").write_text(
            f"api:\n  app-id: {APP}\n  qps: {QPS}\nplan:\n  parallelism: {PARALLELISM}\n"
        )
        p.emu.control("PATCH", "config", {"qps": QPS})
        yield p


class Bursts:
    """A thread that keeps sending bursts of 429s while an apply runs."""

    def __init__(self, p: Project) -> None:
        self.p = p
        self.stop = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(BURST_EVERY):
            self.p.emu.control("PATCH", "faults", {"burst_429": BURST_SIZE})
            self.sent += 1

    def __enter__(self) -> Bursts:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def apply_under_faults(p: Project) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any]]:
    """One ``apply --json`` with every fault on: (exit code, failures by job, statistics)."""
    p.emu.control("DELETE", "requests")
    p.emu.faults(**FAULTS, seed=SEED)
    with Bursts(p) as bursts:
        code, events = p.events("apply", "--auto-approve")
    p.emu.control("DELETE", "faults")
    # failed: an API call failed (HTTP status, code, reason); untouched: refresh could not
    # read the session's status (the plan's warning says why) — both are reported
    failures = {
        e["hook"]["resource"]["resource_name"]: {
            "http_status": e["hook"].get("http_status"),
            "code": e["hook"].get("code"),
            "reason": e["hook"].get("reason"),
            "detail": e["@message"],
        }
        for e in events
        if e["type"] == "apply_errored"
    }
    for e in events:
        d = e.get("diagnostic") or {}
        summary = d.get("summary", "")
        if e["type"] == "diagnostic" and (
            "session status unknown" in summary or "its sid is unknown" in summary
        ):
            # refresh could not read the status; or a start whose outcome is unknown, of a
            # job no longer in the manifests (without its secrets it cannot be verified)
            name = d["address"].removeprefix("job.")
            kind = "unknown" if "status unknown" in summary else "sid unknown"
            failures.setdefault(name, {"reason": summary, "detail": d["detail"], "kind": kind})
    log = p.emu.request_log()
    stats = {
        "requests": len(log),
        "injected_5xx": sum(1 for r in log if (r["status"] or 0) >= 500),
        "dropped": sum(1 for r in log if r["dropped"]),
        "429": sum(1 for r in log if r["status"] == 429),
        "bursts": bursts.sent,
        "failed_calls": sum(1 for e in events if e["type"] == "apply_errored"),
        "reported_jobs": len(failures),
    }
    return code, failures, stats


def expected_exit(failures: dict[str, dict[str, Any]]) -> int:
    """1 when a call failed or a status could not be read; a start of unknown outcome whose
    job left the manifests is only a warning."""
    return 1 if any(f.get("kind") != "sid unknown" for f in failures.values()) else 0


def check(
    p: Project,
    desired: dict[str, dict[str, Any]],
    failures: dict[str, dict[str, Any]],
    replaced: frozenset[str] = frozenset(),
) -> None:
    """The state matches the emulator exactly; every job runs once as desired, or failed
    with its reason; no job ever got a second session (but by a replace)."""
    sessions = p.emu.sessions()
    ever = collections.Counter(s["cname"] for s in sessions)
    running = {s["cname"]: s for s in sessions if s["state"] == "running"}
    assert len(running) == sum(1 for s in sessions if s["state"] == "running"), "two at once"
    for cname, count in ever.items():
        assert count <= (2 if cname in replaced else 1), f"{cname}: {count} sessions"
    state = p.state()["jobs"]
    by_cname = {rec["cname"]: (name, rec) for name, rec in state.items()}

    # every running session is a recorded job's, sid and resourceId included
    for cname, session in running.items():
        assert cname in by_cname, f"session {session['sid']} on {cname} is not in the state"
        name, rec = by_cname[cname]
        assert rec["status"] == "running", (name, rec)
        assert (rec["sid"], rec["resourceId"], rec["uid"]) == (
            session["sid"],
            session["resourceId"],
            session["uid"],
        )
    # every recorded running job has its session
    for name, rec in state.items():
        if rec["status"] == "running":
            assert rec["cname"] in running, f"{name}: recorded running, no session"
        else:  # a failed start leaves no session and says so
            assert rec["status"] in ("ended", "pending"), (name, rec)
            assert name in failures, (name, rec)
            assert rec["cname"] not in running

    for report in failures.values():
        assert report["reason"] and report["detail"], report
        if report.get("kind") == "sid unknown":  # the last answer its start got, in brackets
            assert "its outcome is unknown (" in report["detail"], report
        else:  # a reason the API gave (HTTP status, code) or the network's
            assert (
                report.get("http_status") or "HTTP " in report["detail"] or "network" in str(report)
            ), report

    for name, want in desired.items():
        session = running.get(want["cname"])
        if name in failures:
            continue  # reported with its reason; checked above
        assert session is not None, f"{name}: not running and not reported failed"
        assert session["captureInterval"] == want["interval"], name
        assert session["video"] == {"kind": "include", "uids": list(want["subs"])}, name
    for cname in running:
        name, _ = by_cname[cname]
        assert name in desired or name in failures, f"{name} should have been stopped"


def test_apply_converges_under_5xx_drops_429_bursts_and_latency(project: Project):
    print(f"\nfault campaign: {JOBS} jobs, seed {SEED}")
    rng = random.Random(SEED)
    desired: dict[str, dict[str, Any]] = {}
    for i in range(JOBS):
        want = {"cname": cname_of(i), "uid": str(900000 + i), "subs": ("1001",), "interval": 15}
        project.job(name_of(i), want["cname"], want["uid"], subs=want["subs"])
        desired[name_of(i)] = want

    # 1: create everything
    code, failures, stats = apply_under_faults(project)
    print("apply 1 (create):", json.dumps(stats))
    assert stats["injected_5xx"] > 0 and stats["dropped"] > 0 and stats["429"] > 0
    assert code == expected_exit(failures)
    check(project, desired, failures)

    # 2: update, replace and stop a tenth of them each
    picked = rng.sample(sorted(desired), 3 * max(1, JOBS // 10))
    third = len(picked) // 3
    for name in picked[:third]:
        desired[name]["subs"] = ("1001", "1002")
    for name in picked[third : 2 * third]:
        desired[name]["interval"] = 60
    for name in [*picked[:third], *picked[third : 2 * third]]:
        want = desired[name]
        project.job(name, want["cname"], want["uid"], subs=want["subs"], interval=want["interval"])
    for name in picked[2 * third :]:
        project.remove(name)
        del desired[name]
    code, failures, stats = apply_under_faults(project)
    print("apply 2 (update/replace/stop):", json.dumps(stats))
    assert code == expected_exit(failures)
    replaced = frozenset(desired[n]["cname"] for n in picked[third : 2 * third])
    check(project, desired, failures, replaced)

    # 3: apply again: what failed is done now (or reported once more)
    code, failures, stats = apply_under_faults(project)
    print("apply 3 (converge):", json.dumps(stats))
    assert code == expected_exit(failures)
    check(project, desired, failures, replaced)

    # the outage is over: nothing left to do but what the last apply reported failed
    code, events = project.events("plan", "--detailed-exitcode")
    changes = {
        e["change"]["resource"]["resource_name"]
        for e in events
        if e["type"] == "planned_change" and e["change"]["action"] != "no-op"
    }
    assert changes <= set(failures), (changes, failures)
    assert code == (2 if changes else 0)
    print(f"after the outage: {len(changes)} changes left, {len(failures)} jobs reported")
    check(project, desired, failures, replaced)
    project.assert_no_secret_leaked()
