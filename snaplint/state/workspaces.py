"""Workspaces: independent states (and locks) of one project, e.g. ``staging`` and ``production``.

The workspace is chosen by ``--workspace NAME``, else ``SNAPLINT_WORKSPACE``, else the config's
``state.workspace``, else ``default``. Each backend keeps workspaces apart:

- file: the default workspace is ``state.path`` (``.snaplint/state.json``); workspace ``NAME``
  is ``workspaces/NAME/state.json`` next to it, with its own backup, journal and lock file;
- postgres: one row per workspace, and the workspace's own advisory lock.

A workspace exists once a state was written to it; ``default`` always exists (as in
Terraform), even before its first apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from snaplint.state.backends import (
    DEFAULT_WORKSPACE,
    ENV_WORKSPACE,
    WORKSPACE_NAME,
    file_state_path,
    open_backend,
)
from snaplint.state.backends import backend_kind as backend_kind


def current(config_state: Mapping[str, Any], env: Mapping[str, str], flag: str | None) -> str:
    """The selected workspace: the flag, the environment, the config, or ``default``."""
    return flag or env.get(ENV_WORKSPACE) or config_state.get("workspace") or DEFAULT_WORKSPACE


def list_workspaces(
    config_state: Mapping[str, Any], *, project_root: Path, env: Mapping[str, str]
) -> list[str]:
    """Every workspace with a stored state, and ``default``, sorted (``default`` first)."""
    kind = backend_kind(config_state, env)
    if kind == "file":
        found = _file_workspaces(config_state, project_root, env)
    else:
        backend: Any = open_backend(
            config_state, project_root=project_root, env=env, workspace=DEFAULT_WORKSPACE
        )
        try:
            found = set(backend.workspaces())
        finally:
            backend.close()
    found.add(DEFAULT_WORKSPACE)
    return sorted(found, key=lambda name: (name != DEFAULT_WORKSPACE, name))


def _file_workspaces(
    config_state: Mapping[str, Any], project_root: Path, env: Mapping[str, str]
) -> set[str]:
    path = file_state_path(config_state, project_root=project_root, env=env)
    found = set()
    folder = path.parent / "workspaces"
    if folder.is_dir():
        for child in folder.iterdir():
            if WORKSPACE_NAME.match(child.name) and (child / path.name).is_file():
                found.add(child.name)
    return found
