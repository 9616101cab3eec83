"""Screenshot object keys: build and parse names per the documented convention.

Reference §3.1 (SHOT; SEED-20; FILES; HA-FAQ):

- individual (v1): ``<sid>_<cname>__uid_s_<uid>__uid_e_video_<utc>.jpg``
- raw (v2 draft, UNCONFIRMED): ``<sid>_<cname>__uid_s_<uid>__uid_e_<utc>.jpg`` (no ``video_``)
- ``<utc>`` is the capture time in UTC+0 as ``YYYYMMDDHHMMSSmmm`` (17 digits)
- after the n-th high-availability failover (n counted from 0) names get a ``bak<n>_`` prefix
- the object key is ``storageConfig.fileNamePrefix`` joined with ``/``, then ``/``, then the name

``<uid>`` in a name is the UID of the *recorded* user (one screenshot series per subscribed
video UID), not the recording bot's own UID.

Public interface (used by the emulator, ``snaplint files`` and plan output)::

    build_name(sid, cname, uid, when, *, failover=None, variant="individual") -> str
    parse_name(name, *, variant=None) -> ScreenshotName        # ScreenshotNameError if no match
    object_key(file_name_prefix, name) -> str
    parse_key(key, *, variant=None) -> tuple[list[str], ScreenshotName]
    key_pattern(cname, uid="<uid>", file_name_prefix=None, *, sid="<sid>", variant=...) -> str
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Variant = Literal["individual", "raw"]
VARIANTS: tuple[Variant, ...] = ("individual", "raw")

UTC_DIGITS = 17
_NAME_RE = re.compile(
    r"^(?:bak(?P<bak>0|[1-9][0-9]*)_)?"
    r"(?P<sid>[0-9A-Fa-f]{32})_"
    # cname may itself contain "_" (and most punctuation): the fixed "__uid_s_<digits>__uid_e_"
    # anchor after it decides where it ends.
    r"(?P<cname>.+)"
    r"__uid_s_(?P<uid>[1-9][0-9]*)"
    r"__uid_e_(?P<video>video_)?"
    r"(?P<utc>[0-9]{17})\.jpg$"
)
# Every documented sid is 32 hex digits (API-26 start example); requiring it keeps
# "bak_…" or other stray prefixes from parsing as a sid.
_SID_RE = re.compile(r"^[0-9A-Fa-f]{32}$")
_PREFIX_ELEMENT_RE = re.compile(r"^[A-Za-z0-9]+$")
MAX_PREFIX_LENGTH = 128  # fileNamePrefix joined with "/" (reference §2.6)
MAX_UID = 2**32 - 1


class ScreenshotNameError(ValueError):
    """A name or key that does not follow the screenshot naming convention."""


@dataclass(frozen=True, slots=True)
class ScreenshotName:
    """The parts of one screenshot file name."""

    sid: str
    cname: str
    uid: str
    captured_at: datetime  # timezone-aware UTC, millisecond precision
    failover: int | None = None  # n of the ``bak<n>_`` prefix; None before any failover
    variant: Variant = "individual"

    @property
    def utc(self) -> str:
        return format_utc(self.captured_at)

    def __str__(self) -> str:
        return build_name(
            self.sid,
            self.cname,
            self.uid,
            self.captured_at,
            failover=self.failover,
            variant=self.variant,
        )


def format_utc(when: datetime | float) -> str:
    """``YYYYMMDDHHMMSSmmm`` in UTC; ``when`` is an aware datetime or Unix seconds."""
    if isinstance(when, int | float):
        when = datetime.fromtimestamp(when, tz=UTC)
    elif when.tzinfo is None:
        raise ValueError("capture time must be timezone-aware (UTC)")
    when = when.astimezone(UTC)
    return when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"


def parse_utc(text: str) -> datetime:
    """The inverse of :func:`format_utc`; raises ``ScreenshotNameError`` for impossible dates."""
    if len(text) != UTC_DIGITS or not text.isdigit():
        raise ScreenshotNameError(f"capture time must be {UTC_DIGITS} digits (got {text!r})")
    try:
        base = datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise ScreenshotNameError(f"capture time {text} is not a valid UTC date") from exc
    return base.replace(microsecond=int(text[14:]) * 1000)


def build_name(
    sid: str,
    cname: str,
    uid: str | int,
    when: datetime | float,
    *,
    failover: int | None = None,
    variant: Variant = "individual",
) -> str:
    """The file name of one screenshot (no prefix path)."""
    uid = str(uid)
    if not _SID_RE.match(sid):
        raise ScreenshotNameError(f"sid must be 32 hexadecimal characters (got {sid!r})")
    if not cname or "/" in cname:
        raise ScreenshotNameError(f"cname must be non-empty and contain no '/' (got {cname!r})")
    if not (uid.isdigit() and not uid.startswith("0") and 1 <= int(uid) <= MAX_UID):
        raise ScreenshotNameError(f"uid must be a decimal integer 1..{MAX_UID} (got {uid!r})")
    if failover is not None and failover < 0:
        raise ScreenshotNameError(f"failover index must be ≥ 0 (got {failover})")
    if variant not in VARIANTS:
        raise ScreenshotNameError(f"variant must be one of {', '.join(VARIANTS)} (got {variant!r})")
    bak = f"bak{failover}_" if failover is not None else ""
    video = "video_" if variant == "individual" else ""
    return f"{bak}{sid}_{cname}__uid_s_{uid}__uid_e_{video}{format_utc(when)}.jpg"


def parse_name(name: str, *, variant: Variant | None = None) -> ScreenshotName:
    """Split a screenshot file name into its parts.

    ``variant`` None accepts both conventions; otherwise only the given one.
    """
    m = _NAME_RE.match(name)
    if m is None:
        raise ScreenshotNameError(
            f"{name!r} does not match "
            "[bak<n>_]<32-hex sid>_<cname>__uid_s_<uid>__uid_e_video_<17-digit UTC>.jpg"
        )
    found: Variant = "individual" if m["video"] else "raw"
    if variant is not None and found != variant:
        expected = "with" if variant == "individual" else "without"
        raise ScreenshotNameError(
            f"{name!r} is not a {variant} screenshot name ({expected} 'video_')"
        )
    uid = m["uid"]
    if int(uid) > MAX_UID:
        raise ScreenshotNameError(f"uid {uid} in {name!r} is larger than {MAX_UID}")
    return ScreenshotName(
        sid=m["sid"],
        cname=m["cname"],
        uid=uid,
        captured_at=parse_utc(m["utc"]),
        failover=int(m["bak"]) if m["bak"] is not None else None,
        variant=found,
    )


def check_prefix(file_name_prefix: Sequence[str] | None) -> list[str]:
    """Validate ``fileNamePrefix`` (reference §2.6) and return it as a list."""
    parts = list(file_name_prefix or [])
    for part in parts:
        if not isinstance(part, str) or not _PREFIX_ELEMENT_RE.match(part):
            raise ScreenshotNameError(
                f"fileNamePrefix elements may contain only letters and digits (got {part!r})"
            )
    if len("/".join(parts)) > MAX_PREFIX_LENGTH:
        raise ScreenshotNameError(f"fileNamePrefix is longer than {MAX_PREFIX_LENGTH} characters")
    return parts


def object_key(file_name_prefix: Sequence[str] | None, name: str) -> str:
    """The object key in the bucket: prefix elements and the file name joined with ``/``."""
    return "/".join([*check_prefix(file_name_prefix), name])


def parse_key(key: str, *, variant: Variant | None = None) -> tuple[list[str], ScreenshotName]:
    """Split an object key (or a plain file name) into its prefix and its parsed name."""
    *prefix, name = key.split("/")
    try:
        check_prefix(prefix)
    except ScreenshotNameError as exc:
        raise ScreenshotNameError(f"{key!r}: {exc}") from None
    return prefix, parse_name(name, variant=variant)


def key_pattern(
    cname: str,
    uid: str | int = "<uid>",
    file_name_prefix: Sequence[str] | None = None,
    *,
    sid: str = "<sid>",
    variant: Variant = "individual",
) -> str:
    """A human-readable key pattern with placeholders, e.g. for plan output.

    ``lesson42/shots/<sid>_lesson42__uid_s_1001__uid_e_video_<utc>.jpg``; after a failover the
    name gains a ``bak<n>_`` prefix.
    """
    video = "video_" if variant == "individual" else ""
    name = f"{sid}_{cname}__uid_s_{uid}__uid_e_{video}<utc>.jpg"
    return "/".join([*(file_name_prefix or []), name])
