"""The README quickstart's first command, run as written in a copy of the repository: install
into a fresh virtual environment, lint, plan and apply ``examples/`` against the embedded
emulator, plan again — which must report no changes — and show each job's status: which uids
send video and their last screenshots, from the embedded emulator's notifications."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def first_command(readme: str) -> str:
    block = re.search(r"## Quickstart.*?```sh\n(.*?)```", readme, re.S)
    assert block, "no sh block under ## Quickstart"
    # the first command: everything up to the first blank line
    return block.group(1).split("\n\n")[0]


def test_readme_quickstart_from_a_fresh_venv(repo: Path, tmp_path: Path) -> None:
    command = first_command((repo / "README.md").read_text())
    assert "snaplint apply" in command and command.rstrip().endswith("status examples")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    work = tmp_path / "snaplint"
    for name in listed:
        src = repo / name
        if src.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / name)
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "All checks passed" in out
    assert "Plan: 4 to start, 0 to update, 0 to replace, 0 to stop." in out
    assert "local emulator" in out
    assert "Apply complete! 4 started" in out
    assert "No changes. The live sessions match the manifests." in out
    assert "job.classroom-math-101: running, sid " in out  # status, last
    # with real content: the embedded emulator's notifications went into the event store
    status = out[out.index("job.classroom-math-101: running") :]
    shown = re.findall(r"uid (\d+): receiving video, last screenshot (\S+Z), (\d+)/(\d+)", status)
    uids = {uid: (when, int(count), int(expected)) for uid, when, count, expected in shown}
    assert {"1001", "1002", "2001", "2002", "2003", "3001"} <= set(uids), status
    assert all(count >= 1 for _, count, _ in uids.values())
    assert uids["1001"][2] == 240  # captureInterval 15: 240 an hour
    assert "NOT sending video" not in status and "no screenshot" not in status
    shots = list((work / "examples" / ".snaplint" / "emulator" / "storage").rglob("*.jpg"))
    assert any(p.name.endswith(".jpg") and "_math101__uid_s_1001__" in p.name for p in shots)
    assert (work / "examples" / ".snaplint" / "state.json").is_file()
    # the demo keys are not in the state: only their salted hashes and variable names
    state = (work / "examples" / ".snaplint" / "state.json").read_text()
    assert '"demo"' not in state and "AWS_SECRET_ACCESS_KEY" in state
