"""What the receiver's status page shows: ``status`` read afresh on each request, and the last
screenshots themselves when the storage is the emulator's local folder.

Thumbnails are served only from the emulator's folder (embedded, or the one named by
``SNAPLINT_EMULATOR_STORAGE``): a real bucket is written with write-only keys and is not read
here. The file served is the one the capture view names as the uid's last screenshot, never a
path from the request, and it must resolve inside the folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import Settings

if TYPE_CHECKING:
    from snaplint.notifications.capture import JobCapture, UidCapture

MAX_THUMBNAIL = 8 * 1024 * 1024  # the emulator writes a few KiB; anything larger is not ours


class ProjectStatus:
    """A :class:`~snaplint.notifications.app.StatusSource` over the project's state and
    event store."""

    def __init__(
        self, settings: Settings, *, video_gap: float = 60.0, shot_gap: float | None = None
    ) -> None:
        self.settings = settings
        self.video_gap = video_gap
        self.shot_gap = shot_gap
        self._folder = _emulator_folder(settings)
        self._last: dict[tuple[str, str], Path] = {}

    def views(self) -> list[JobCapture]:
        from snaplint.operations.status import status

        views = status(self.settings, video_gap=self.video_gap, shot_gap=self.shot_gap)
        self._last = self._shots(views)
        return views

    def has_thumbnail(self, job: JobCapture, uid: UidCapture) -> bool:
        return (job.name, uid.uid) in self._last

    def thumbnail(self, job: str, uid: str) -> bytes | None:
        path = self._last.get((job, uid))
        if path is None:  # a page not loaded since the receiver started: look again
            self.views()
            path = self._last.get((job, uid))
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_THUMBNAIL + 1)
        except OSError:
            return None
        return data if len(data) <= MAX_THUMBNAIL else None

    def _shots(self, views: list[JobCapture]) -> dict[tuple[str, str], Path]:
        if self._folder is None:
            return {}
        storage = self._storage_of_jobs()
        out: dict[tuple[str, str], Path] = {}
        for job in views:
            where = storage.get(job.name)
            if where is None:
                continue
            for uid in job.uids:
                if uid.last_shot_key:
                    path = _inside(self._folder, [*where, uid.last_shot_key])
                    if path is not None:
                        out[(job.name, uid.uid)] = path
        return out

    def _storage_of_jobs(self) -> dict[str, list[str]]:
        """Per job, its storage folder under the emulator's: ``<vendor>/<bucket>``."""
        from snaplint.operations.planning import open_store, read_state

        state, _, _ = read_state(open_store(self.settings))
        out: dict[str, list[str]] = {}
        for job in state:
            cr: Any = (job.spec or {}).get("clientRequest") or {}
            sc = cr.get("storageConfig") or {} if isinstance(cr, dict) else {}
            vendor, bucket = sc.get("vendor"), sc.get("bucket")
            if isinstance(vendor, int) and isinstance(bucket, str) and bucket:
                out[job.name] = [str(vendor), bucket]
        return out


def _emulator_folder(settings: Settings) -> Path | None:
    from snaplint.agora.connection import EMBEDDED_DIR
    from snaplint.storage.listing import ENV_EMULATOR_STORAGE

    named = settings.env.get(ENV_EMULATOR_STORAGE)
    if named:
        return Path(named)
    embedded = settings.root / EMBEDDED_DIR / "storage"  # the embedded emulator's own
    return embedded if embedded.is_dir() else None


def _inside(folder: Path, parts: list[str]) -> Path | None:
    """``folder/parts…`` when it is a regular file that resolves inside ``folder``."""
    try:
        root = folder.resolve()
        path = root.joinpath(*parts).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        if not os.access(path, os.R_OK):
            return None
    except (OSError, ValueError):
        return None
    return path
