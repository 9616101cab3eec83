"""When does an Agora RTC token expire, and for which channel and uid was it minted? (not a rule)

Decodes the two token formats Agora's token builders produce, without the App Certificate (the
expiry is not encrypted, only signed):

* ``006`` AccessToken: ``"006" + appId(32) + base64(content)``, content = signature string, two
  CRC32s, then a string holding salt, ``ts`` (the token's own expiry, Unix seconds) and a map of
  privilege → absolute expiry (``1`` = join channel; 0 means no expiry).
* ``007`` AccessToken2: ``"007" + base64(zlib(...))`` = signature string, app id string, issue time,
  ``expire`` (seconds after issue), salt, then services, each a type and a map of privilege →
  seconds after issue (RTC service 1, privilege 1 = join channel).

All integers are little-endian; strings are a uint16 length and bytes. Anything that does not
parse is "unknown" (None): a linter must not guess.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from typing import Any

_RTC_SERVICE = 1
_JOIN_CHANNEL = 1


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ValueError("truncated")
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return int(value)

    def string(self) -> bytes:
        length = self.take("<H")
        if self.pos + length > len(self.data):
            raise ValueError("truncated")
        value = self.data[self.pos : self.pos + length]
        self.pos += length
        return value

    def map_u32(self) -> dict[int, int]:
        return {self.take("<H"): self.take("<I") for _ in range(self.take("<H"))}


def _b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def token_expiry(token: str) -> int | None:
    """The Unix time at which the token stops letting the bot join, or None if unknown."""
    try:
        if token.startswith("006") and len(token) > 35:
            return _expiry_006(token)
        if token.startswith("007"):
            return _expiry_007(token)
    except (ValueError, binascii.Error, zlib.error, struct.error):
        return None
    return None


def _expiry_006(token: str) -> int | None:
    content = _Reader(_b64(token[35:]))
    content.string()  # signature
    content.take("<I")  # crc of the channel name
    content.take("<I")  # crc of the uid
    message = _Reader(content.string())
    message.take("<I")  # salt
    ts = message.take("<I")
    privileges = message.map_u32()
    candidates = [t for t in (ts, privileges.get(_JOIN_CHANNEL, 0)) if t]
    return min(candidates) if candidates else None


def _expiry_007(token: str) -> int | None:
    reader = _Reader(zlib.decompress(_b64(token[3:])))
    reader.string()  # signature
    reader.string()  # app id
    issued = reader.take("<I")
    expire = reader.take("<I")
    reader.take("<I")  # salt
    candidates = [issued + expire] if expire else []
    for _ in range(reader.take("<H")):
        service = reader.take("<H")
        privileges = reader.map_u32()
        if service != _RTC_SERVICE:
            return min(candidates) if candidates else None  # other services' layouts differ
        join = privileges.get(_JOIN_CHANNEL, 0)
        if join:
            candidates.append(issued + join)
        reader.string()  # channel name
        reader.string()  # uid
    return min(candidates) if candidates else None


# A token's binding: ("crc", crc32(channel), crc32(uid)) for 006, which keeps only checksums, or
# ("names", ((channel, uid), ...)) for 007, uid "" meaning any uid (minted for uid 0).
Binding = tuple[str, Any, Any]


def token_binding(token: str) -> Binding | None:
    """For which channel and uid the token was minted, or None if unknown."""
    try:
        if token.startswith("006") and len(token) > 35:
            content = _Reader(_b64(token[35:]))
            content.string()  # signature
            return ("crc", content.take("<I"), content.take("<I"))
        if token.startswith("007"):
            return ("names", _names_007(token), None)
    except (ValueError, binascii.Error, zlib.error, struct.error, UnicodeDecodeError):
        return None
    return None


def _names_007(token: str) -> tuple[tuple[str, str], ...]:
    reader = _Reader(zlib.decompress(_b64(token[3:])))
    reader.string()  # signature
    reader.string()  # app id
    reader.take("<I")  # issue time
    reader.take("<I")  # expire
    reader.take("<I")  # salt
    names = []
    for _ in range(reader.take("<H")):
        service = reader.take("<H")
        reader.map_u32()
        if service != _RTC_SERVICE:
            break  # other services' layouts differ; what was read stands
        names.append((reader.string().decode(), reader.string().decode()))
    return tuple(names)


def minted_for(binding: Binding, cname: str, uid: str) -> bool | None:
    """Whether a token of ``binding`` admits ``uid`` to ``cname`` (None: the token says nothing)."""
    kind, first, second = binding
    if kind == "crc":
        # 006 signs crc32 of the channel and of the uid as text; uid 0 is written as ""
        uid_text = "" if uid == "0" else uid
        channel_ok = first == zlib.crc32(cname.encode())
        return channel_ok and second in (zlib.crc32(uid_text.encode()), zlib.crc32(b""))
    if not first:
        return None
    return any(c == cname and u in ("", uid) for c, u in first)
