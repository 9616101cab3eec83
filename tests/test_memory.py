"""Peak memory of a lint run does not grow with the number of files beyond the file list the
report names (issue 4). Measured with tracemalloc (allocations, not time: deterministic), in
one process, cold and warm, on clean manifests: what a large tree would hold per file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from snaplint.lint.plugins import load_rules
from snaplint.lint.runner import Runner
from tests._reports import CLEAN
from tests.cases import linter_for

TABLE = load_rules(autoload=False)
# per manifest (its path string is the caller's, shared with the report): the report's list slot
# and the project stage's index (8 bytes per rule key, order, offset) come to ~90 bytes; before
# the streaming runner this was ~2,700. A warm run keeps the cached key hashes as bytes instead
# (48 bytes) and indexes them only when the project stage must run again.
BUDGET_PER_FILE = 256


def _project(folder: Path, n: int) -> list[str]:
    """``n`` clean manifests, as relative paths (what ``snaplint lint jobs`` walks)."""
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"job-{i:05d}.yaml"
        path.write_text(CLEAN.format(name=f"job-{i}").replace('"910001"', f'"9{i:06d}"'))
        paths.append(f"{folder.name}/{path.name}")
    return paths


def _peak(paths: list[str], cache: Path) -> int:
    linter = linter_for({"mode": "individual"}, TABLE)
    runner = Runner(cache, jobs=1)
    tracemalloc.start()
    try:
        result = runner.run(linter, paths)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.diagnostics == [] and len(result.files) == len(paths)
    return peak


def test_peak_memory_per_file_stays_within_the_file_list(tmp_path: Path, monkeypatch) -> None:
    import snaplint.lint.cache

    # entries waiting to be written are a constant (a batch), not a share of the tree: keep
    # the batch small so that the constant is reached in both runs
    monkeypatch.setattr(snaplint.lint.cache, "BATCH", 20)
    monkeypatch.chdir(tmp_path)
    small, large = 150, 900
    few = _project(tmp_path / "few", small)
    many = _project(tmp_path / "many", large)
    # imports, compiled validators and the parser's bounded memos (blockyaml._SCALARS), once
    _peak(_project(tmp_path / "warm-up", 600), tmp_path / "warm-up-cache")
    for kind in ("cold", "warm", "one file edited"):
        if kind == "one file edited":
            # the set of files changed, so the project stage runs again over the cached files'
            # stored key hashes (what pre-commit does after an edit)
            for paths in (few, many):
                with open(paths[0], "a") as fh:
                    fh.write("# edited\n")
        a = _peak(few, tmp_path / "cache-few")
        b = _peak(many, tmp_path / "cache-many")
        per_file = (b - a) / (large - small)
        assert per_file < BUDGET_PER_FILE, f"{kind}: {per_file:.0f} bytes per file"
