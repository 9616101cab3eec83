"""Which files to lint: explicit files, directories walked recursively, excludes.

Excludes are globs: a pattern without ``/`` matches any path component
(``node_modules``, ``*.tmp.yaml``); a pattern with ``/`` matches the path
relative to the project root and everything under it (``examples/broken``).
Explicit files are linted even when excluded, unless ``force_exclude`` — the
behaviour pre-commit hooks need (ruff's ``--force-exclude``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from fnmatch import fnmatch
from pathlib import Path


class MissingPath(Exception):
    """A path given on the command line does not exist."""


def is_excluded(rel: str, patterns: Iterable[str]) -> bool:
    parts = rel.split("/")
    for pattern in patterns:
        p = pattern.strip().rstrip("/")
        if not p:
            continue
        if p.startswith("./"):
            p = p[2:]
        if "/" in p:
            if fnmatch(rel, p) or fnmatch(rel, p + "/*"):
                return True
        elif any(fnmatch(part, p) for part in parts):
            return True
    return False


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


def discover(
    paths: Sequence[str],
    *,
    root: Path,
    include: Sequence[str],
    exclude: Sequence[str],
    force_exclude: bool = False,
) -> list[str]:
    """Files to lint, in a stable order, each once (``-`` stays as stdin)."""
    out: list[str] = []
    seen: set[str] = set()
    root = root.resolve()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)

    for given in paths:
        if given == "-":
            add("-")
            continue
        p = Path(given)
        if not p.exists():
            raise MissingPath(given)
        absolute = p.resolve()
        if p.is_file():
            if force_exclude and is_excluded(_rel(absolute, root), exclude):
                continue
            add(given)
            continue
        base = root
        if absolute != root and is_excluded(_rel(absolute, root), exclude):
            if force_exclude:
                continue
            base = absolute  # asked for explicitly: exclude only what lies below it
        for dirpath, dirnames, filenames in os.walk(given):
            current = Path(dirpath).resolve()
            dirnames[:] = sorted(
                d for d in dirnames if not is_excluded(_rel(current / d, base), exclude)
            )
            for name in sorted(filenames):
                if not any(fnmatch(name, pat) for pat in include):
                    continue
                if is_excluded(_rel(current / name, base), exclude):
                    continue
                add(os.path.join(dirpath, name))
    return out
