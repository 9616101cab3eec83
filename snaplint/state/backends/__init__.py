"""State backends: where the state's bytes live and who may write them.

A backend knows nothing about what it stores: it reads and writes opaque bytes (the state
document, encoded by :mod:`snaplint.state.codec`), keeps the previous version as a backup, holds an
append-only journal of opaque records (:mod:`snaplint.operations.journal`), and provides an exclusive
lock with information about its holder. Lineage, serial and the journal's meaning are handled
one layer up (:class:`snaplint.state.codec.StateStore`), so every backend gets them right by
construction and one conformance suite (``tests/test_state_backends.py``) covers them all.

Backends: ``file`` (:mod:`snaplint.state.backends.file`, the default) and ``postgres``
(:mod:`snaplint.state.backends.postgres`, one row per workspace, advisory locks).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from snaplint.state.backends.base import DEFAULT_STATE_PATH as DEFAULT_STATE_PATH
from snaplint.state.backends.base import DEFAULT_WORKSPACE as DEFAULT_WORKSPACE
from snaplint.state.backends.base import ENV_BACKEND as ENV_BACKEND
from snaplint.state.backends.base import ENV_STATE_PATH as ENV_STATE_PATH
from snaplint.state.backends.base import ENV_WORKSPACE as ENV_WORKSPACE
from snaplint.state.backends.base import WORKSPACE_NAME as WORKSPACE_NAME
from snaplint.state.backends.base import Backend as Backend
from snaplint.state.backends.base import BackendError as BackendError
from snaplint.state.backends.base import LockError as LockError
from snaplint.state.backends.base import LockInfo as LockInfo
from snaplint.state.backends.base import check_workspace as check_workspace

POSTGRES_EXTRA = "pip install 'agora-snaplint[postgres]'"


def backend_kind(config_state: Mapping[str, Any], env: Mapping[str, str]) -> str:
    """The backend the project asks for: ``SNAPLINT_STATE_BACKEND``, else ``state.backend``,
    else ``file``. The one place that decides it (``open_backend``, workspaces, migration)."""
    return str(env.get(ENV_BACKEND) or config_state.get("backend") or "file")


def file_state_path(
    config_state: Mapping[str, Any],
    *,
    project_root: Path,
    env: Mapping[str, str],
    workspace: str | None = None,
) -> Path:
    """The file backend's state file: ``SNAPLINT_STATE_PATH``, else ``state.path``, else
    ``.snaplint/state.json``, relative to the project root; workspace ``NAME`` (other than
    ``default``) lives in ``workspaces/NAME/`` next to it."""
    path = Path(env.get(ENV_STATE_PATH) or config_state.get("path") or DEFAULT_STATE_PATH)
    if not path.is_absolute():
        path = project_root / path
    if workspace and workspace != DEFAULT_WORKSPACE:
        path = path.parent / "workspaces" / workspace / path.name
    return path


def open_backend(
    config_state: Mapping[str, Any],
    *,
    project_root: Path,
    env: Mapping[str, str],
    workspace: str | None = None,
) -> Backend:
    """The backend the project config (``state`` section) and environment ask for.

    ``SNAPLINT_STATE_BACKEND`` overrides ``state.backend``; ``SNAPLINT_STATE_PATH`` overrides
    ``state.path`` (file backend; relative paths are relative to the project root).
    """
    kind = backend_kind(config_state, env)
    workspace = workspace or env.get(ENV_WORKSPACE) or config_state.get("workspace")
    if workspace:
        check_workspace(workspace)
    if kind == "file":
        from snaplint.state.backends.file import FileBackend

        return FileBackend(
            file_state_path(config_state, project_root=project_root, env=env, workspace=workspace)
        )
    if kind == "postgres":
        try:
            import psycopg  # noqa: F401  (the backend's driver, an extra: say so if it is missing)
        except ImportError as exc:
            raise BackendError(
                "the postgres state backend needs the PostgreSQL driver (psycopg), which is not "
                f"installed ({exc}); install it with: {POSTGRES_EXTRA}"
            ) from exc
        from snaplint.state.backends import postgres

        return postgres.open_from_env(env, workspace=workspace or DEFAULT_WORKSPACE)
    raise BackendError(f"unknown state backend {kind!r} (file or postgres)")
