"""Where the emulator writes screenshots: the :class:`Storage` protocol, files or memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    def write(self, path: str, data: bytes) -> None:
        """Store ``data`` at ``<vendor>/<bucket>/<object key>``."""


class FileStorage:
    """Screenshots as files under ``root`` (``<root>/<vendor>/<bucket>/<key>``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def write(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # readers never see half a JPEG


class MemoryStorage:
    """Screenshots in a dict (unit tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, path: str, data: bytes) -> None:
        self.files[path] = data
