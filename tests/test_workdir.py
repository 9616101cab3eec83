"""``.snaplint/`` stays out of ``git status``: whoever creates it leaves a ``.gitignore``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from snaplint.workdir import GITIGNORE, make_dirs
from tests.test_job_address import root  # noqa: F401 (fixture)


def test_make_dirs_writes_the_gitignore_only_in_a_folder_it_creates(tmp_path: Path) -> None:
    make_dirs(tmp_path / ".snaplint" / "workspaces" / "prod")
    assert (tmp_path / ".snaplint" / ".gitignore").read_text() == GITIGNORE
    assert not (tmp_path / ".snaplint" / "workspaces" / ".gitignore").exists()
    mine = tmp_path / "other" / ".snaplint"
    mine.mkdir(parents=True)  # made by someone else: left as it is
    make_dirs(mine / "emulator")
    assert not (mine / ".gitignore").exists()
    make_dirs(tmp_path / "state")  # not the working folder: no .gitignore
    assert not (tmp_path / "state" / ".gitignore").exists()


def test_apply_leaves_git_status_clean_of_its_working_folder(cli, root: Path) -> None:  # noqa: F811
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    code, out, err = cli("apply", "--auto-approve")
    assert code == 0, out + err
    assert (root / ".snaplint" / "state.json").is_file()
    assert (root / ".snaplint" / "emulator").is_dir()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".snaplint/" not in status and "jobs/alpha.yaml" in status


def test_the_notification_store_creates_it_the_same_way(tmp_path: Path) -> None:
    from snaplint.notifications import SQLiteEventStore

    store = SQLiteEventStore(tmp_path / ".snaplint")
    try:
        assert store.count() == 0  # the first use creates the folder
    finally:
        store.close()
    assert (tmp_path / ".snaplint" / ".gitignore").read_text() == GITIGNORE


def test_the_embedded_emulator_creates_it_the_same_way(tmp_path: Path) -> None:
    from snaplint.emulator.app import DEFAULT_APP_ID
    from tests.test_operations import _embedded_client

    client = _embedded_client(tmp_path)  # what plan and apply use without an Agora account
    assert not (tmp_path / ".snaplint").exists()
    client.acquire(DEFAULT_APP_ID, "room", "900", {})  # the first request writes its world
    assert (tmp_path / ".snaplint" / "emulator" / "state.json").is_file()
    assert (tmp_path / ".snaplint" / ".gitignore").read_text() == GITIGNORE
