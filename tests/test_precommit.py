"""The published hooks, run by the real pre-commit tool from a temporary git repository.

pre-commit clones this repository at HEAD and installs snaplint into its own virtualenv
(from the package registry), so this is slow and tests what is committed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests._reports import CLEAN, bad

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit"
)


def git(
    cwd: Path, *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(home),  # hook environments built for this test only
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    )
    env.pop("SNAPLINT_DISABLE_PLUGIN_AUTOLOAD", None)
    return env


def make_repo(tmp_path: Path, env: dict[str, str], hook: str) -> Path:
    if PRE_COMMIT is None:
        pytest.skip("pre-commit is not installed")
    rev = git(REPO, "rev-parse", "HEAD", env=env).stdout.strip()
    shown = git(REPO, "show", f"{rev}:.pre-commit-hooks.yaml", env=env, check=False)
    if shown.returncode != 0:
        pytest.skip("HEAD has no .pre-commit-hooks.yaml yet (commit it first)")
    work = tmp_path / "work"
    (work / "recordings").mkdir(parents=True)
    git(work, "init", "-q", "-b", "main", env=env)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n"
        f"      - id: {hook}\n        files: ^recordings/\n"
    )
    (work / "recordings" / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (work / "recordings" / "a.yaml").write_text(CLEAN.format(name="lesson-a"))
    git(work, "add", ".", env=env)
    git(work, "commit", "-q", "-m", "initial (no hook yet)", env=env)
    installed = subprocess.run(
        [PRE_COMMIT, "install"], cwd=work, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return work


def commit(work: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess:
    git(work, "add", "-A", env=env)
    return git(work, "commit", "-m", message, env=env, check=False)


def test_bad_commit_is_refused_and_good_commit_accepted(tmp_path: Path, hook_env) -> None:
    work = make_repo(tmp_path, hook_env, "snaplint")
    rec = work / "recordings"
    # a broken manifest: refused, with the finding printed
    (rec / "b.yaml").write_text(bad("lesson-b").replace('"910001"', '"910002"'))
    refused = commit(work, hook_env, "add b")
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "recordings/b.yaml:16:24: error capture-interval-out-of-range" in out
    assert git(work, "rev-list", "--count", "HEAD", env=hook_env).stdout.strip() == "1"

    # a project-level conflict with a file the commit does not touch: still seen
    (rec / "b.yaml").write_text(CLEAN.format(name="lesson-a").replace('"910001"', '"910002"'))
    refused = commit(work, hook_env, "add b again")
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "recordings/b.yaml" in out and "lesson-a" in out
    # findings only for the files being committed (a.yaml is named in the message only)
    assert not re.search(r"^recordings/a\.yaml:\d+:\d+:", out, re.M), out

    # fixed: accepted
    (rec / "b.yaml").write_text(CLEAN.format(name="lesson-b").replace('"910001"', '"910002"'))
    accepted = commit(work, hook_env, "add b fixed")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(work, "rev-list", "--count", "HEAD", env=hook_env).stdout.strip() == "2"


def test_fix_hook_fixes_and_stops_the_commit(tmp_path: Path, hook_env) -> None:
    work = make_repo(tmp_path, hook_env, "snaplint-fix")
    rec = work / "recordings"
    (rec / "c.yaml").write_text(
        CLEAN.format(name="lesson-c").replace('uid: "910001"', "uid: 910003")
    )
    first = commit(work, hook_env, "add c")
    assert first.returncode != 0  # pre-commit fails a hook that modified files
    assert 'uid: "910003"' in (rec / "c.yaml").read_text()
    second = commit(work, hook_env, "add c (fixed)")
    assert second.returncode == 0, second.stdout + second.stderr
