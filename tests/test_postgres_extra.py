"""The PostgreSQL driver is an extra (``agora-snaplint[postgres]``): choosing the postgres
backend without it fails with a message that says how to install it (issue 13, point 9)."""

from __future__ import annotations

import sys

import pytest

from snaplint.state.backends import BackendError, open_backend

INSTALL = "pip install 'agora-snaplint[postgres]'"
ENV = {"SNAPLINT_STATE_BACKEND": "postgres", "SNAPLINT_PG_DSN": "host=127.0.0.1 dbname=x"}


@pytest.fixture
def without_psycopg(monkeypatch):
    """The driver is not installed: ``import psycopg`` raises ImportError."""
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)


def test_open_backend_names_the_extra(without_psycopg, tmp_path):
    with pytest.raises(BackendError) as info:
        open_backend({}, project_root=tmp_path, env=ENV)
    message = str(info.value)
    assert INSTALL in message and "psycopg" in message
    with pytest.raises(BackendError, match=r"agora-snaplint\[postgres\]"):
        open_backend({"backend": "postgres"}, project_root=tmp_path, env={})


def test_the_file_backend_needs_no_driver(without_psycopg, tmp_path):
    backend = open_backend({}, project_root=tmp_path, env={})
    assert backend.name == "file"
    backend.close()


def test_the_cli_says_it_and_fails(without_psycopg, cli, tmp_path, monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    (tmp_path / ".snaplint.yaml").write_text("api-revision: '2020-10'\n")
    code, _, err = cli("state", "list", cwd=tmp_path)
    assert code != 0  # the exit code of any state backend error
    assert INSTALL in err
