"""Issue 12, point 5: a cache row is checked when read, never trusted. A row whose columns were
altered (NULL diagnostics, junk JSON, wrong types, a stale checksum) is a miss, reported once on
stderr and rewritten; the run reports exactly what a cold run does, and other files' rows stay
hits."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests import test_cache
from tests.test_cache import databases, lint_json

project = test_cache.project  # the fixtures of the cache tests: a project of seven jobs
stats = test_cache.stats

CORRUPTIONS = {
    "null diagnostics": "diagnostics = NULL",
    "junk json": "diagnostics = '[[1, 2, {'",
    "wrong row types": """diagnostics = '[["1", 1, 1, 1, "r", "c", "error", "m", [], 0, null]]'""",
    "not a list": "diagnostics = '{\"a\": 1}'",
    "checked junk": "checked = 'junk'",
    "documents as text": "documents = 'many'",
    "checksum gone": "checksum = NULL",
    "hash swapped": "hash = 'feedface'",
}


def _alter(project: Path, assignment: str, like: str = "%bad.yaml") -> None:
    (db,) = databases(project / ".snaplint_cache")
    con = sqlite3.connect(db)
    with con:
        changed = con.execute(f"UPDATE files SET {assignment} WHERE path LIKE ?", (like,))
        assert changed.rowcount == 1
    con.close()


@pytest.mark.parametrize("assignment", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_damaged_row_is_a_miss_reported_once_and_rewritten(
    cli, project: Path, stats, assignment: str
) -> None:
    cold = lint_json(cli, project, "--no-cache", "jobs")
    assert any(d["file"].endswith("bad.yaml") for d in cold)
    assert lint_json(cli, project, "jobs") == cold  # fills the cache
    _alter(project, assignment)
    code, out, err = cli("lint", "--format", "json", "jobs", cwd=project)
    assert code == 1 and json.loads(out) == cold
    assert err.count("damaged lint cache entry") == 1, err
    assert stats[-1]["misses"] == 1 and stats[-1]["hits"] == 6, stats[-1]  # others unaffected
    # rewritten: the next run is all hits, without a warning
    code, out, err = cli("lint", "--format", "json", "jobs", cwd=project)
    assert json.loads(out) == cold and "damaged" not in err
    assert stats[-1]["hits"] == 7 and stats[-1]["misses"] == 0, stats[-1]


def test_several_damaged_rows_warn_once(cli, project: Path, stats) -> None:
    cold = lint_json(cli, project, "--no-cache", "jobs")
    lint_json(cli, project, "jobs")
    _alter(project, "diagnostics = NULL")
    _alter(project, "checked = '[[\"x\"]]'", "%job3.yaml")
    _code, out, err = cli("lint", "--format", "json", "jobs", cwd=project)
    assert json.loads(out) == cold and err.count("damaged lint cache entry") == 1, err
    assert stats[-1]["misses"] == 2


def test_a_damaged_project_row_is_a_miss(cli, project: Path, stats) -> None:
    cold = lint_json(cli, project, "--no-cache", "jobs")
    lint_json(cli, project, "jobs")
    (db,) = databases(project / ".snaplint_cache")
    con = sqlite3.connect(db)
    with con:
        con.execute("""UPDATE project SET diagnostics = '[["a", 1]]'""")
    con.close()
    assert lint_json(cli, project, "jobs") == cold


@pytest.mark.parametrize("cached", [False, True])
def test_a_broken_context_file_is_reported_on_its_path_and_does_not_stop_the_lint(
    cli, project: Path, cached: bool
) -> None:
    """Issue 12, point 2: lint of a clean file loads the project's other files as context for
    project rules; a broken one among them is a warning on its own path, not an exit 2."""
    jobs = project / "jobs"
    (jobs / "bad.yaml").unlink()
    (jobs / "tagged.yaml").write_text("kind: SnapshotJob\nspec:\n  uid: !!int x\n")
    (jobs / "syntax.yaml").write_text("a: [1,\n")
    flags = [] if cached else ["--no-cache"]
    if cached:
        cli("lint", "jobs", cwd=project)
    code, out, err = cli("lint", *flags, "--format", "concise", "jobs/job1.yaml", cwd=project)
    assert code == 0 and "All checks passed (1 file, 1 document checked)" in out, out + err
    assert "snaplint: warning: jobs/syntax.yaml:2:1: yaml-syntax" in err, err
    assert "snaplint: warning: jobs/tagged.yaml:3:8: yaml-syntax" in err, err
    assert "internal error" not in err
