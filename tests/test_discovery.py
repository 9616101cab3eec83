"""Which files are linted: include globs, excludes by name and by path, explicit paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from snaplint.config import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from snaplint.lint.discovery import Excluder, MissingPath, discover


@pytest.mark.parametrize(
    ("patterns", "rel", "excluded"),
    [
        (["node_modules"], "a/node_modules/x.yaml", True),
        (["node_modules"], "node_modules", True),
        (["*.tmp.yaml"], "jobs/a.tmp.yaml", True),
        (["examples/broken"], "examples/broken/x.yaml", True),
        (["examples/broken/"], "examples/broken", True),
        (["./examples/broken"], "examples/broken/deep/x.yaml", True),
        (["examples/broken"], "other/examples/broken/x.yaml", False),
        (["broken"], "examples/broken/x.yaml", True),
        (["jobs/*.json"], "jobs/a.json", True),
        (["jobs/*.json"], "jobs/a.yaml", False),
        ([], "anything.yaml", False),
    ],
)
def test_excluder(patterns: list[str], rel: str, excluded: bool) -> None:
    assert Excluder(patterns)(rel) is excluded


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: 1\n")


def files(root: Path, paths: list[str], exclude=DEFAULT_EXCLUDE, force: bool = False) -> list[str]:
    found = discover(
        [str(root / p) for p in paths],
        root=root,
        include=DEFAULT_INCLUDE,
        exclude=list(exclude),
        force_exclude=force,
    )
    return [Path(f).relative_to(root).as_posix() for f in found]


def test_walks_in_stable_order_with_default_excludes(tmp_path: Path) -> None:
    make(
        tmp_path,
        "b.yaml",
        "a.yml",
        "c.json",
        "notes.txt",
        "sub/d.yaml",
        ".git/x.yaml",
        "node_modules/y.yaml",
        ".snaplint.yaml",
        ".github/workflows/ci.yml",
    )
    assert files(tmp_path, ["."]) == ["a.yml", "b.yaml", "c.json", "sub/d.yaml"]


def test_explicit_files_and_force_exclude(tmp_path: Path) -> None:
    make(tmp_path, "gen/x.yaml")
    exclude = [*DEFAULT_EXCLUDE, "gen"]
    assert files(tmp_path, ["."], exclude) == []
    assert files(tmp_path, ["gen/x.yaml"], exclude) == ["gen/x.yaml"]
    assert files(tmp_path, ["gen"], exclude) == [
        "gen/x.yaml"
    ]  # an excluded folder named explicitly
    assert files(tmp_path, ["gen/x.yaml"], exclude, force=True) == []
    assert files(tmp_path, ["gen"], exclude, force=True) == []


def test_each_file_once(tmp_path: Path) -> None:
    make(tmp_path, "a.yaml")
    assert files(tmp_path, ["a.yaml", ".", "a.yaml"]) == ["a.yaml"]


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(MissingPath):
        files(tmp_path, ["nope"])
