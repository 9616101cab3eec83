"""A snaplint project in a temporary folder, wired to an emulator over HTTP on 127.0.0.1.

Used by the ``test_e2e_*`` modules: ``project.run("plan", ...)`` runs the CLI in-process,
``project.spawn(...)`` in a subprocess (for SIGKILL and lock tests); ``project.emu`` is the
emulator and its control API (``tests.emulator_fixtures``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tests.emulator_fixtures import APP, Emu, running_emulator

ACCESS_KEY = "AKIA-E2E-ACCESS-93b1f"
SECRET_KEY = "sk-E2E-SECRET-4c7a0d"
REPO = Path(__file__).resolve().parent.parent


def job_yaml(
    name: str,
    cname: str,
    uid: str,
    *,
    subs: tuple[str, ...] = ("1001", "1002"),
    interval: int = 15,
    protect: bool = False,
    max_idle: int = 300,
) -> str:
    uids = ", ".join(f'"{u}"' for u in subs)
    group = 0 if len(subs) <= 2 else 1
    return f"""apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
  protect: {"true" if protect else "false"}
spec:
  cname: {cname}
  uid: "{uid}"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: {max_idle}
      subscribeVideoUids: [{uids}]
      subscribeUidGroup: {group}
    snapshotConfig:
      captureInterval: {interval}
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${{env:E2E_ACCESS_KEY}}
      secretKey: ${{env:E2E_SECRET_KEY}}
      fileNamePrefix: ["e2e", "{cname.replace("-", "")}"]
"""


class Project:
    def __init__(self, root: Path, emu: Emu, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.emu = emu
        self.monkeypatch = monkeypatch
        (root / "jobs").mkdir(parents=True, exist_ok=True)
        (root / ".snaplint.yaml").write_text(
            f"api:\n  app-id: {APP}\n  qps: 1000\nplan:\n  parallelism: 4\n"
        )
        self.env = {
            "SNAPLINT_API_ENDPOINT": emu.url,
            "E2E_ACCESS_KEY": ACCESS_KEY,
            "E2E_SECRET_KEY": SECRET_KEY,
        }
        for key in (
            "AGORA_APP_ID",
            "AGORA_CUSTOMER_ID",
            "AGORA_CUSTOMER_SECRET",
            "SNAPLINT_STATE_PATH",
            "SNAPLINT_STATE_BACKEND",
            "SNAPLINT_TEST_CRASH_AT",
            "SNAPLINT_PLAN_MAX_AGE",
            "NO_COLOR",
        ):
            monkeypatch.delenv(key, raising=False)
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)
        self.outputs: list[str] = []

    # -- manifests ----------------------------------------------------------------------------

    def job(self, name: str, cname: str, uid: str, **kw: Any) -> Path:
        path = self.root / "jobs" / f"{name}.yaml"
        path.write_text(job_yaml(name, cname, uid, **kw))
        return path

    def remove(self, name: str) -> None:
        (self.root / "jobs" / f"{name}.yaml").unlink()

    # -- running snaplint ---------------------------------------------------------------------

    def run(self, *args: str) -> tuple[int, str, str]:
        """The CLI in-process, from the project root."""
        from snaplint.cli import main

        self.monkeypatch.chdir(self.root)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
        self.outputs += [out.getvalue(), err.getvalue()]
        return code, out.getvalue(), err.getvalue()

    def spawn(self, *args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.Popen:
        full = {**os.environ, **self.env, **(env or {})}
        full["PYTHONPATH"] = str(REPO)
        return subprocess.Popen(
            [sys.executable, "-m", "snaplint", *args],
            cwd=self.root,
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kw,
        )

    def run_process(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 60
    ) -> tuple[int, str, str]:
        proc = self.spawn(*args, env=env)
        out, err = proc.communicate(timeout=timeout)
        self.outputs += [out, err]
        return proc.returncode, out, err

    def events(self, *args: str) -> tuple[int, list[dict[str, Any]]]:
        code, out, _ = self.run(*args, "--json")
        return code, [json.loads(line) for line in out.splitlines() if line.strip()]

    # -- what is true -------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        return self.root / ".snaplint" / "state.json"

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_path.read_text())

    def recorded(self, name: str) -> dict[str, Any]:
        return self.state()["jobs"][name]

    def running(self, cname: str | None = None) -> list[dict[str, Any]]:
        return [s for s in self.emu.sessions("running") if cname is None or s["cname"] == cname]

    def one_running(self, cname: str) -> dict[str, Any]:
        sessions = self.running(cname)
        assert len(sessions) == 1, sessions
        return sessions[0]

    def assert_no_secret_leaked(self) -> None:
        """The secret values never appear in any output, the state, the journal or a plan."""
        texts = list(self.outputs)
        for path in self.root.rglob("*"):
            if path.is_file() and "emulator" not in path.parts:
                texts.append(path.read_text(errors="replace"))
        for text in texts:
            assert ACCESS_KEY not in text and SECRET_KEY not in text


def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    with running_emulator(tmp_path / "storage") as emu:
        yield Project(tmp_path / "project", emu, monkeypatch)
