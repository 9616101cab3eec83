"""Shared fixtures. Plugins from the environment are not autoloaded in tests (determinism);
tests that exercise plugin loading turn autoload back on explicitly."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("SNAPLINT_DISABLE_PLUGIN_AUTOLOAD", "1")
os.environ.pop("NO_COLOR", None)
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("GITHUB_ACTIONS", None)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``snaplint ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from snaplint.cli import main

    def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def rule_table():
    from snaplint.lint.plugins import load_rules

    return load_rules(autoload=False)


@pytest.fixture(scope="session")
def pg_server():
    """A real, throwaway PostgreSQL server for this test session (see tests/pg_server.py);
    its tests are skipped where the driver (the ``postgres`` extra) is not installed."""
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    from tests import pg_server as pg

    server = pg.start()
    yield server
    server.stop()
