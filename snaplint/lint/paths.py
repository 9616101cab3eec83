"""Absolute and display paths of a run's files, cheaply: the working directory is read once per
run, and clean paths (the common case) skip normpath.
"""

from __future__ import annotations

import os

from snaplint.lint.manifest import display_path


class Absolute:
    """``os.path.abspath`` and ``display_path`` for the common case — a clean path — without
    normpath, and with the working directory read once per run, not once per file."""

    def __init__(self) -> None:
        cwd = os.getcwd()
        self._prefix = cwd if cwd.endswith("/") else cwd + "/"

    @staticmethod
    def _unclean(path: str) -> bool:
        return (
            path.startswith(".")
            or "/." in path
            or "//" in path
            or path.endswith("/")
            or not path
            or os.sep != "/"
        )

    def __call__(self, path: str) -> str:
        if self._unclean(path):
            return os.path.abspath(path)
        return path if path.startswith("/") else self._prefix + path

    def display(self, path: str) -> str:
        if self._unclean(path):
            return display_path(path)
        if not path.startswith("/"):
            return path
        prefix = self._prefix
        return path[len(prefix) :] if path.startswith(prefix) else display_path(path)
