"""Which sessions wrote a channel's screenshots: sids read from object keys (pure).

A screenshot's name carries the sid of the session that took it, the channel and the uid of
the *publisher* it shows (not the recording bot's), so keys tell sessions apart by sid only;
which of them is a given job's is for ``query`` to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from snaplint.agora.filenames import ScreenshotNameError, parse_key


@dataclass(frozen=True)
class SeenSid:
    sid: str
    key: str  # its newest screenshot's object key
    captured: datetime


def sids_newest_first(keys: Iterable[str], cname: str) -> list[SeenSid]:
    """Every session with screenshots of channel ``cname``, the most recent first; keys that
    are not screenshot names are ignored."""
    newest: dict[str, SeenSid] = {}
    for key in keys:
        try:
            _prefix, name = parse_key(key)
        except ScreenshotNameError:
            continue
        if name.cname != cname:
            continue
        seen = newest.get(name.sid)
        if seen is None or name.captured_at > seen.captured:
            newest[name.sid] = SeenSid(name.sid, key, name.captured_at)
    return sorted(newest.values(), key=lambda s: s.captured, reverse=True)
