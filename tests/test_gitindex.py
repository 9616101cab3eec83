"""Pre-commit context served from git's index (snaplint.lint.gitindex): never stale.

Each test makes a temporary git repository of a few jobs, runs a pre-commit style lint once
(which writes the snapshot), changes the tree the way git users do, and lints one file whose
job name collides — or no longer collides — with a context file. The answer must be the one
an uncached run gives, and the snapshot must have served the runs it could vouch for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import snaplint.lint.gitindex as gitindex
from tests._reports import CLEAN

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def job(name: str, uid: int) -> str:
    return CLEAN.format(name=name).replace('"910001"', f'"{uid}"')


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    for key, value in {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (tmp_path / ".gitignore").write_text(".snaplint_cache/\n")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for i in range(6):
        (jobs / f"job{i}.yaml").write_text(job(f"job{i}", 910000 + i))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "jobs")
    return tmp_path


@pytest.fixture
def contexts(monkeypatch) -> list[gitindex.GitContext]:
    """Every GitContext made, to tell served runs from walked ones."""
    made: list[gitindex.GitContext] = []
    original = gitindex.GitContext.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(gitindex.GitContext, "__init__", init)
    return made


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def duplicates(cli, repo: Path, *args: str) -> list[str]:
    code, out, err = cli("lint", "--format", "json", *args, "jobs/job0.yaml", cwd=repo)
    assert code in (0, 1), err
    return sorted(d["message"] for d in json.loads(out) if d["rule"] == "duplicate-job-name")


def check(cli, repo: Path, name: str, expected_file: str | None) -> list[str]:
    """job0 renamed to ``name``: the duplicate found (naming ``expected_file``), or none; the
    same answer as a run without cache or snapshot."""
    (repo / "jobs" / "job0.yaml").write_text(job(name, 910000))
    found = duplicates(cli, repo)
    assert found == duplicates(cli, repo, "--no-cache")
    if expected_file is None:
        assert found == []
    else:
        assert len(found) == 1 and f"{expected_file}:" in found[0], found
    return found


def snapshot_written(cli, repo: Path, contexts) -> None:
    duplicates(cli, repo)  # walks the tree, writes the snapshot
    assert list((repo / ".snaplint_cache").rglob("*.gitindex"))
    contexts.clear()


def test_an_unchanged_context_is_served_from_the_snapshot(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    check(cli, repo, "job3", "jobs/job3.yaml")
    assert contexts[0].fast and contexts[0].unserved == []
    check(cli, repo, "fresh", None)
    assert contexts[-1].fast


def test_another_file_asked_for_keeps_the_first_as_context(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)  # asked for job0: the snapshot's context is the rest
    (repo / "jobs" / "job1.yaml").write_text(job("job0", 910001))
    code, out, err = cli("lint", "--format", "json", "jobs/job1.yaml", cwd=repo)
    found = [d["message"] for d in json.loads(out) if d["rule"] == "duplicate-job-name"]
    assert len(found) == 1 and "jobs/job0.yaml:" in found[0], (found, err)
    assert contexts[-1].fast and contexts[-1].omitted  # job1 is not its own context
    (repo / "jobs" / "job1.yaml").write_text(job("job1", 910001))
    code, out, _ = cli("lint", "--format", "json", "jobs/job1.yaml", cwd=repo)
    assert code == 0 and json.loads(out) == []  # no duplicate of itself
    assert contexts[-1].fast


def test_unstaged_and_staged_edits_are_read_again(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    (repo / "jobs" / "job3.yaml").write_text(job("other3", 910003))  # unstaged
    check(cli, repo, "job3", None)
    check(cli, repo, "other3", "jobs/job3.yaml")
    assert contexts[-1].fast and len(contexts[-1].unserved) == 1
    git(repo, "add", "jobs/job3.yaml")  # staged: the index's blob moved too
    check(cli, repo, "job3", None)
    check(cli, repo, "other3", "jobs/job3.yaml")
    git(repo, "commit", "-qm", "rename job3")
    check(cli, repo, "other3", "jobs/job3.yaml")


def test_an_edit_back_to_the_indexed_content_is_served_again(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    text = (repo / "jobs" / "job4.yaml").read_text()
    (repo / "jobs" / "job4.yaml").write_text(job("edited4", 910004))
    check(cli, repo, "edited4", "jobs/job4.yaml")
    (repo / "jobs" / "job4.yaml").write_text(text)
    check(cli, repo, "edited4", None)
    check(cli, repo, "job4", "jobs/job4.yaml")


def test_untracked_and_deleted_files_count(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    (repo / "jobs" / "new.yaml").write_text(job("newjob", 910077))  # untracked manifest
    check(cli, repo, "newjob", "jobs/new.yaml")
    assert not contexts[-1].fast  # the walk decides: git's index does not know the file
    (repo / "jobs" / "new.yaml").unlink()
    (repo / "jobs" / "job2.yaml").unlink()  # deleted in the work tree only
    check(cli, repo, "job2", None)
    check(cli, repo, "job5", "jobs/job5.yaml")


def test_renames_are_followed(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    git(repo, "mv", "jobs/job3.yaml", "jobs/renamed.yaml")
    check(cli, repo, "job3", "jobs/renamed.yaml")
    git(repo, "commit", "-qm", "rename")
    check(cli, repo, "job3", "jobs/renamed.yaml")
    check(cli, repo, "job5", "jobs/job5.yaml")


def test_checkout_of_another_branch_and_rebase(cli, repo: Path, contexts) -> None:
    git(repo, "checkout", "-qb", "feature")
    (repo / "jobs" / "job4.yaml").write_text(job("feature4", 910004))
    git(repo, "commit", "-qam", "feature")
    git(repo, "checkout", "-q", "main")
    snapshot_written(cli, repo, contexts)
    git(repo, "checkout", "-q", "feature")
    check(cli, repo, "job4", None)
    check(cli, repo, "feature4", "jobs/job4.yaml")
    git(repo, "checkout", "-q", "jobs/job0.yaml")
    git(repo, "checkout", "-q", "main")
    (repo / "jobs" / "job5.yaml").write_text(job("main5", 910005))
    git(repo, "commit", "-qam", "main")
    check(cli, repo, "main5", "jobs/job5.yaml")  # the snapshot now knows main
    git(repo, "checkout", "-q", "jobs/job0.yaml")
    git(repo, "checkout", "-q", "feature")
    git(repo, "rebase", "-q", "main")
    check(cli, repo, "main5", "jobs/job5.yaml")
    check(cli, repo, "job5", None)
    check(cli, repo, "feature4", "jobs/job4.yaml")


def test_a_damaged_snapshot_means_a_walk(cli, repo: Path, contexts) -> None:
    snapshot_written(cli, repo, contexts)
    for snapshot in (repo / ".snaplint_cache").rglob("*.gitindex"):
        data = snapshot.read_bytes()
        snapshot.write_bytes(data[: len(data) // 2])
    check(cli, repo, "job3", "jobs/job3.yaml")
    assert not contexts[-1].fast


def test_outside_git_the_walk_runs(cli, tmp_path: Path, contexts) -> None:
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (tmp_path / "jobs").mkdir()
    for i in range(3):
        (tmp_path / "jobs" / f"job{i}.yaml").write_text(job(f"job{i}", 910000 + i))
    check(cli, tmp_path, "job2", "jobs/job2.yaml")
    check(cli, tmp_path, "job2", "jobs/job2.yaml")
    assert contexts and not any(c.fast for c in contexts)
    assert not list((tmp_path / ".snaplint_cache").rglob("*.gitindex"))
