"""The reconcile loop's /metrics (parsed with prometheus-client's own text-format parser) and
/healthz, in process and through `snaplint reconcile --metrics-port`."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from snaplint.operations.metrics import Metrics, MetricsServer
from snaplint.operations.reconcile import Round, token_expires_in
from tests.e2e_project import REPO, Project, make_project


@pytest.fixture
def project(tmp_path, monkeypatch):
    yield from make_project(tmp_path, monkeypatch)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def test_metrics_parse_and_follow_the_rounds() -> None:
    now = [1_000_000.0]
    metrics = Metrics(60.0, clock=lambda: now[0])
    server = MetricsServer(metrics, "127.0.0.1", 0).start()
    try:
        first = Round(1, "ok", now[0], now[0] + 2, changes={"start": 2, "update": 0})
        first.sessions = {"running": 2, "ended": 1, "pending": 0, "untracked": 0}
        first.token_expires_in = 3600.0
        first.next_round = now[0] + 60
        metrics.observe(first)
        second = Round(2, "error", now[0] + 60, now[0] + 61, changes={"start": 1})
        second.error_count = 3
        second.sessions = {"running": 3, "ended": 0, "pending": 0, "untracked": 0}
        metrics.observe(second)
        resp = requests.get(f"{server.url}/metrics", timeout=5)
        assert resp.status_code == 200
        got = samples(resp.text)
        assert got[("snaplint_reconcile_rounds_total", (("status", "ok"),))] == 1
        assert got[("snaplint_reconcile_rounds_total", (("status", "error"),))] == 1
        assert got[("snaplint_reconcile_changes_total", (("kind", "start"),))] == 3
        assert ("snaplint_reconcile_changes_total", (("kind", "update"),)) not in got
        assert got[("snaplint_reconcile_errors_total", ())] == 3
        assert got[("snaplint_sessions", (("state", "running"),))] == 3
        assert got[("snaplint_sessions", (("state", "ended"),))] == 0
        token = got[("snaplint_token_expiry_seconds", ())]
        assert token != token  # NaN: the last round saw no recorded token expiry
        assert got[("snaplint_reconcile_last_round_timestamp_seconds", ())] == now[0] + 61

        health = requests.get(f"{server.url}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        now[0] += 61 + 2 * 60 + 61  # no round finished for two intervals and a minute
        health = requests.get(f"{server.url}/healthz", timeout=5)
        assert health.status_code == 503 and health.json()["status"] == "stale"
        assert requests.get(f"{server.url}/other", timeout=5).status_code == 404
    finally:
        server.stop()


def test_seconds_until_the_next_token_expiry_when_the_state_records_one() -> None:
    state = [
        SimpleNamespace(status="running", token_expires_at="1970-01-01T01:00:00Z"),
        SimpleNamespace(status="running", token_expires_at=7200.0),
        SimpleNamespace(status="ended", token_expires_at=10.0),  # no session: not counted
        SimpleNamespace(status="running"),  # nothing recorded
    ]
    assert token_expires_in(state, 600.0) == 3000.0  # type: ignore[arg-type]
    assert token_expires_in(state[3:], 0.0) is None  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_metrics_port_serves_the_loop(project: Project):
    for name, cname, uid in (("alpha", "chan-a", "910001"), ("beta", "chan-b", "910002")):
        project.job(name, cname, uid)
    port = _free_port()
    proc = project.spawn("reconcile", "--interval", "1s", "--metrics-port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        got: dict[Any, float] = {}
        while time.monotonic() < deadline:
            try:
                got = samples(requests.get(f"{url}/metrics", timeout=2).text)
            except requests.ConnectionError:
                got = {}
            if got.get(("snaplint_reconcile_rounds_total", (("status", "ok"),)), 0) >= 2:
                break
            time.sleep(0.1)
        assert got[("snaplint_reconcile_changes_total", (("kind", "start"),))] == 2
        assert got[("snaplint_sessions", (("state", "running"),))] == 2
        assert requests.get(f"{url}/healthz", timeout=2).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"metrics at {url}/metrics" in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) >= 2 and lines[0]["changes"]["start"] == 2


def test_metrics_port_in_use_is_a_clear_error(project: Project):
    project.job("alpha", "chan-a", "910001")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = project.run("reconcile", "--once", "--metrics-port", str(port))
    assert code == 2
    assert f"cannot serve metrics on 127.0.0.1:{port}" in err and "Traceback" not in err
    assert out == ""


def test_lint_does_not_import_the_loop_or_prometheus(tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text(
        (REPO / "rules" / "restart-policy-invalid" / "ok-on-failure.yaml").read_text()
    )
    probe = (
        "import sys; from snaplint.cli import main; code = main(['lint', '-q', 'job.yaml']); "
        "print(code, [m for m in ('prometheus_client', 'snaplint.operations.reconcile', "
        "'snaplint.operations.metrics', 'wsgiref.simple_server') if m in sys.modules])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "SNAPLINT_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert proc.stdout.strip() == "0 []", proc.stdout + proc.stderr
