"""Build the sdist, build a wheel from it, install that wheel into a fresh virtualenv and
lint the examples with the installed copy: catches packaging mistakes an editable
install hides (schemas/ missing from the wheel, modules left out of the sdist)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode in (0, 1), f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_built_from_sdist_lints_examples(repo: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--sdist", "--outdir", dist, repo)
    [sdist] = dist.glob("agora_snaplint-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "src", filter="data")
    assert any(n.endswith("schemas/snapshot-job.schema.json") for n in names)
    [unpacked] = (tmp_path / "src").iterdir()
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, unpacked)
    [wheel] = dist.glob("agora_snaplint-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run(py, "-m", "pip", "install", "-q", wheel)

    # run from a folder outside the repository so the installed copy is used
    work = tmp_path / "work"
    shutil.copytree(repo / "examples", work / "examples")
    where = run(
        py, "-c", "import snaplint.lint.schema as s; print(s.schema_dir())", cwd=work
    ).stdout.strip()
    assert str(env_dir) in where and where.endswith("snaplint/schemas")
    clean = run(env_dir / "bin" / "snaplint", "lint", "examples", cwd=work)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "All checks passed" in clean.stdout
    broken = run(env_dir / "bin" / "snaplint", "lint", "examples/broken", cwd=work)
    assert broken.returncode == 1 and "capture-interval-out-of-range" in broken.stdout
    schema = run(env_dir / "bin" / "snaplint", "schema", cwd=work)
    assert '"SnapshotJob"' in schema.stdout
