"""``.snaplint/``, the project's working folder: the file state, the embedded emulator's world,
the notification events. Never committed: whoever creates it leaves a ``.gitignore`` in it
(``*``), as the results cache does in ``.snaplint_cache/``, so it stays out of ``git status``.
"""

from __future__ import annotations

from pathlib import Path

NAME = ".snaplint"
GITIGNORE = "# created by snaplint\n*\n"


def make_dirs(path: str | Path) -> None:
    """``mkdir -p path``; a ``.snaplint`` folder it creates gets its ``.gitignore``.

    Only folders created here get one: a ``.snaplint/`` someone made (or committed on
    purpose) is left as it is. Raises OSError like ``Path.mkdir``.
    """
    path = Path(path)
    created = [p for p in (path, *path.parents) if p.name == NAME and not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in created:
        try:
            with open(folder / ".gitignore", "x", encoding="utf-8") as fh:
                fh.write(GITIGNORE)
        except FileExistsError:
            pass  # a concurrent run created the folder and wrote it first
