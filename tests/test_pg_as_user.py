"""The PostgreSQL tests also pass when run as a normal (non-root) user.

CI runs as root, where the throwaway server runs under an unprivileged account through
runuser. This test runs the PostgreSQL test modules themselves as an unprivileged user,
with a virtualenv built from the system Python, so the non-root path is exercised too.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SYSTEM_PYTHON = "/usr/bin/python3"
MODULES = ["tests/test_pg_server.py", "tests/test_state_backends.py"]


@pytest.mark.skipif(os.geteuid() != 0, reason="already running as a normal user")
def test_postgres_tests_pass_as_a_normal_user(repo: Path) -> None:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.skip("no world-readable system Python to build the user's virtualenv from")
    from tests.pg_server import SERVICE_USER, _ensure_user

    _ensure_user()
    entry = pwd.getpwnam(SERVICE_USER)
    work = Path(tempfile.mkdtemp(prefix="snaplint-as-user-"))
    try:
        shutil.copytree(
            repo,
            work / "repo",
            ignore=shutil.ignore_patterns(".venv*", ".git", "__pycache__", ".snaplint*"),
        )
        for path in [work, *work.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
        env = {
            "HOME": str(work),
            "PATH": os.environ["PATH"],
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "SNAPLINT_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT", "SSL_CERT_FILE"):
            if key in os.environ:
                env[key] = os.environ[key]

        def as_user(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                ["runuser", "-u", SERVICE_USER, "--", *args],
                cwd=work / "repo",
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )

        made = as_user(SYSTEM_PYTHON, "-m", "venv", str(work / "venv"))
        if made.returncode != 0:
            pytest.skip(f"system Python cannot create a virtualenv: {made.stderr.strip()[-300:]}")
        py = str(work / "venv" / "bin" / "python")
        install = as_user(py, "-m", "pip", "install", "-q", "-e", ".[test,postgres]")
        assert install.returncode == 0, install.stderr[-2000:]
        modules = [m for m in MODULES if (work / "repo" / m).exists()]
        run = as_user(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *modules)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
        assert " passed" in run.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
