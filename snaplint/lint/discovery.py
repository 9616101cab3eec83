"""Which files to lint: explicit files, directories walked recursively, excludes.

Excludes are globs: a pattern without ``/`` matches any path component
(``node_modules``, ``*.tmp.yaml``); a pattern with ``/`` matches the path
relative to the project root and everything under it (``examples/broken``).
Explicit files are linted even when excluded, unless ``force_exclude`` — the
behaviour pre-commit hooks need (ruff's ``--force-exclude``).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path


class MissingPath(Exception):
    """A path given on the command line does not exist."""


class Excluder:
    """Exclude globs compiled once: one regex for name patterns, one for path patterns."""

    def __init__(self, patterns: Iterable[str]) -> None:
        names: list[str] = []
        paths: list[str] = []
        for pattern in patterns:
            p = pattern.strip().rstrip("/")
            if p.startswith("./"):
                p = p[2:]
            if not p:
                continue
            if "/" in p:
                paths.append(fnmatch.translate(p))
                paths.append(fnmatch.translate(p + "/*"))
            else:
                names.append(fnmatch.translate(p))
        self._name = re.compile("|".join(names)) if names else None
        self._path = re.compile("|".join(paths)) if paths else None

    def __call__(self, rel: str) -> bool:
        if self._path is not None and self._path.match(rel):
            return True
        if self._name is not None:
            match = self._name.match
            return any(match(part) for part in rel.split("/"))
        return False


def is_excluded(rel: str, patterns: Iterable[str]) -> bool:
    return Excluder(patterns)(rel)


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
    # one folder walked: no file comes twice (the walk does not follow links), so no need to
    # remember every path
    single = len(paths) == 1
    root = Path(os.path.realpath(root))
    excluded = Excluder(exclude)
    included = re.compile("|".join(fnmatch.translate(p) for p in include) or "(?!)").match

    def add(path: str, key: str | None = None) -> None:
        # the walk does not follow symlinks, so a walked file's absolute path identifies it;
        # only paths given explicitly may be links to the same file
        if key is None:
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
            if not os.path.lexists(given):
                raise MissingPath(given)
            add(given)  # a dangling link or a link loop: reading it reports why, on its path
            continue
        absolute = Path(os.path.realpath(given))  # Path.resolve raises on a loop further up
        if not p.is_dir():
            # files, and FIFOs, devices and sockets: the reader reports those as not files
            # instead of walking them as empty folders ("0 files, all checks passed")
            if force_exclude and excluded(_rel(absolute, root)):
                continue
            add(given)
            continue
        base = (
            root if absolute.is_relative_to(root) else absolute
        )  # outside the project: relative to itself
        if absolute != root and base == root and excluded(_rel(absolute, root)):
            if force_exclude:
                continue
            base = absolute  # asked for explicitly: exclude only what lies below it

        def unreadable(error: OSError) -> None:
            # a folder the walk cannot list is reported on its path by the reader
            if error.filename is not None:
                out.append(os.fsdecode(error.filename))

        for dirpath, dirnames, filenames in os.walk(given, onerror=unreadable):
            current = Path(dirpath).resolve()
            prefix = _rel(current, base)
            prefix = "" if prefix in ("", ".") else prefix + "/"
            dirnames[:] = sorted(d for d in dirnames if not excluded(prefix + d))
            # (joined by hand: os.path.join per file shows on a large tree)
            folder = dirpath if dirpath.endswith(os.sep) else dirpath + os.sep
            absolute_dir = os.path.join(str(current), "")
            for name in sorted(filenames):
                if not included(name) or excluded(prefix + name):
                    continue
                if single:
                    out.append(folder + name)
                else:
                    add(folder + name, absolute_dir + name)
    return out
