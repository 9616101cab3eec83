"""Taking screenshots: which capture instants fall in a catch-up, and writing their JPEGs.

One JPEG per subscribed, video-publishing UID at start and then every ``captureInterval``
seconds, named per reference §3.1 and written to ``<vendor>/<bucket>/<fileNamePrefix…>/<name>``;
``on_file(time, object key)`` hears of each one (event 45's ``fileName`` is the object key:
the prefix path and the name, without vendor and bucket).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from snaplint.agora.filenames import build_name
from snaplint.emulator.jpeg import screenshot_jpeg
from snaplint.emulator.sessions import DEFAULT_CAPTURE_INTERVAL, Session
from snaplint.emulator.storage import Storage

MAX_LISTED_FILES = 1000  # per session; older paths drop out of the list (files stay on disk)


def capture(
    s: Session,
    uids: list[str],
    horizon: float,
    storage: Storage,
    cap: int,
    on_file: Callable[[float, str], None] | None = None,
) -> None:
    """Take the captures due up to ``horizon``: at most ``cap`` per UID, the rest skipped."""
    interval = float(s.capture_interval or DEFAULT_CAPTURE_INTERVAL)
    last = math.floor((horizon - s.started_at) / interval + 1e-9)
    if last < s.next_capture:
        return
    ks = range(s.next_capture, last + 1)
    s.next_capture = last + 1
    # no screenshots while a failover is migrating the task (reference §7.3)
    times = [s.started_at + k * interval for k in ks]
    times = [t for t in times if t >= s.recovering_until]
    if not uids or not times:
        return
    if len(times) > cap:
        s.files_skipped += (len(times) - cap) * len(uids)
        times = times[-cap:]
    vendor = s.storage["vendor"]
    bucket = s.storage["bucket"]
    prefix = s.storage.get("fileNamePrefix") or []
    failover = s.failovers - 1 if s.failovers else None
    variant = "raw" if s.mode == "raw" else "individual"
    for t in times:
        ms = round(t * 1000)
        for uid in uids:
            name = build_name(s.sid, s.cname, uid, ms / 1000, failover=failover, variant=variant)
            key = "/".join([*prefix, name])
            path = f"{vendor}/{bucket}/{key}"
            storage.write(path, screenshot_jpeg(uid, ms))
            s.files.append(path)
            s.files_total += 1
            if on_file is not None:
                on_file(t, key)
    if len(s.files) > MAX_LISTED_FILES:
        del s.files[: len(s.files) - MAX_LISTED_FILES]
