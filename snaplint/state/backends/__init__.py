"""State backends: where the state's bytes live and who may write them.

A backend knows nothing about what it stores: it reads and writes opaque bytes (the state
document, encoded by :mod:`snaplint.state.codec`), keeps the previous version as a backup, holds an
append-only journal of opaque records (:mod:`snaplint.state.journal`), and provides an exclusive
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

from snaplint.state.backends.base import (  # re-exported: callers know them from here
    DEFAULT_STATE_PATH as DEFAULT_STATE_PATH,
)
from snaplint.state.backends.base import (
    DEFAULT_WORKSPACE as DEFAULT_WORKSPACE,
)
from snaplint.state.backends.base import (
    ENV_BACKEND as ENV_BACKEND,
)
from snaplint.state.backends.base import (
    ENV_STATE_PATH as ENV_STATE_PATH,
)
from snaplint.state.backends.base import (
    ENV_WORKSPACE as ENV_WORKSPACE,
)
from snaplint.state.backends.base import (
    WORKSPACE_NAME as WORKSPACE_NAME,
)
from snaplint.state.backends.base import (
    Backend as Backend,
)
from snaplint.state.backends.base import (
    BackendError as BackendError,
)
from snaplint.state.backends.base import (
    LockError as LockError,
)
from snaplint.state.backends.base import (
    LockInfo as LockInfo,
)
from snaplint.state.backends.base import (
    check_workspace as check_workspace,
)


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
    kind = env.get(ENV_BACKEND) or config_state.get("backend") or "file"
    workspace = workspace or env.get(ENV_WORKSPACE) or config_state.get("workspace")
    if workspace:
        check_workspace(workspace)
    if kind == "file":
        from snaplint.state.backends.file import FileBackend

        path = Path(env.get(ENV_STATE_PATH) or config_state.get("path") or DEFAULT_STATE_PATH)
        if not path.is_absolute():
            path = project_root / path
        if workspace and workspace != DEFAULT_WORKSPACE:
            # workspaces of the file backend live next to the default state
            path = path.parent / "workspaces" / workspace / path.name
        return FileBackend(path)
    if kind == "postgres":
        try:
            import psycopg  # noqa: F401  (the backend's driver: say so if it is missing)

            from snaplint.state.backends import postgres
        except ImportError as exc:
            raise BackendError(
                "the postgres state backend needs its driver, an optional extra: "
                f"pip install 'agora-snaplint[postgres]' ({exc})"
            ) from exc
        return postgres.open_from_env(env, workspace=workspace or DEFAULT_WORKSPACE)
    raise BackendError(f"unknown state backend {kind!r} (file or postgres)")
