"""The byte packing of Agora's AccessToken2 (:mod:`snaplint.agora.tokens`): little-endian
integers, length-prefixed strings and privilege maps, and the readers that undo them.

The token module's format description applies (``Packer.py`` of Agora's token tools): integers
are little-endian, a string is a u16 byte count and its bytes. Every packer checks its range
and every reader its bounds, raising :class:`TokenError` — the one exception of both modules
(``tokens`` re-exports it and the public packers).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

_U16_MAX = 2**16 - 1


class TokenError(ValueError):
    """Bad arguments (never echoing a secret), or bytes that do not unpack."""


def check_uint(value: int, bits: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise TokenError(f"{what} must be an integer 0..{(1 << bits) - 1} (got {value!r})")
    return value


def pack_uint16(value: int) -> bytes:
    """``value`` as a little-endian u16."""
    return struct.pack("<H", check_uint(value, 16, "a uint16"))


def pack_uint32(value: int) -> bytes:
    """``value`` as a little-endian u32."""
    return struct.pack("<I", check_uint(value, 32, "a uint32"))


def pack_string(value: str | bytes) -> bytes:
    """A u16 byte count and the bytes (text is encoded as UTF-8)."""
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if len(data) > _U16_MAX:
        # the value is not quoted: strings here may be signatures
        raise TokenError(f"a packed string holds at most {_U16_MAX} bytes (got {len(data)})")
    return pack_uint16(len(data)) + data


def pack_privileges(privileges: Mapping[int, int]) -> bytes:
    """A u16 count, then (u16 privilege, u32 expiry) pairs in privilege order (as the reference)."""
    items = sorted(privileges.items())
    return pack_uint16(len(items)) + b"".join(pack_uint16(k) + pack_uint32(v) for k, v in items)


def _take(data: bytes, pos: int, size: int) -> int:
    end = pos + size
    if pos < 0 or end > len(data):
        raise TokenError(f"truncated: {size} bytes needed at offset {pos}, {len(data)} in all")
    return end


def unpack_uint16(data: bytes, pos: int = 0) -> tuple[int, int]:
    """The u16 at ``pos`` and the offset after it."""
    end = _take(data, pos, 2)
    return struct.unpack_from("<H", data, pos)[0], end


def unpack_uint32(data: bytes, pos: int = 0) -> tuple[int, int]:
    """The u32 at ``pos`` and the offset after it."""
    end = _take(data, pos, 4)
    return struct.unpack_from("<I", data, pos)[0], end


def unpack_int16(data: bytes, pos: int) -> tuple[int, int]:
    end = _take(data, pos, 2)
    return struct.unpack_from("<h", data, pos)[0], end


def unpack_string(data: bytes, pos: int = 0) -> tuple[bytes, int]:
    """The string's bytes at ``pos`` and the offset after it."""
    length, pos = unpack_uint16(data, pos)
    end = _take(data, pos, length)
    return data[pos:end], end


def unpack_privileges(data: bytes, pos: int = 0) -> tuple[tuple[tuple[int, int], ...], int]:
    """The (privilege, expiry) pairs at ``pos`` in their order, and the offset after them.

    A privilege packed twice keeps its last expiry at its first place (the reference reads the
    pairs into a dict).
    """
    count, pos = unpack_uint16(data, pos)
    privileges: dict[int, int] = {}
    for _ in range(count):
        privilege, pos = unpack_uint16(data, pos)
        privileges[privilege], pos = unpack_uint32(data, pos)
    return tuple(privileges.items()), pos


def decode_text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenError(f"the {what} is not UTF-8") from None


# --------------------------------------------------------------------------- other services

# What follows the privileges in the other service types the reference knows, so that a
# token carrying them (RTC + RTM tokens, say) can be read past them: s = string, h = int16.
# RTM2 (8) has nested permission lists of its own (_skip_rtm2).
_SERVICE_TAILS: dict[int, str] = {2: "s", 3: "ss", 4: "", 5: "s", 6: "ss", 7: "ssh"}
_SERVICE_RTM2 = 8


def knows_service_tail(service_type: int) -> bool:
    """Whether the layout after a non-RTC service's privileges is known (it can be skipped)."""
    return service_type in _SERVICE_TAILS or service_type == _SERVICE_RTM2


def skip_service_tail(data: bytes, pos: int, service_type: int) -> int:
    """The offset after the fields of a known service type (:func:`knows_service_tail`) that
    follow its privileges at ``pos``."""
    if service_type == _SERVICE_RTM2:
        return _skip_rtm2(data, pos)
    return _skip_tail(data, pos, _SERVICE_TAILS[service_type])


def _skip_tail(data: bytes, pos: int, layout: str) -> int:
    for item in layout:
        pos = unpack_string(data, pos)[1] if item == "s" else unpack_int16(data, pos)[1]
    return pos


def _skip_rtm2(data: bytes, pos: int) -> int:
    pos = unpack_string(data, pos)[1]  # user id
    resource_types, pos = unpack_uint16(data, pos)
    for _ in range(resource_types):
        pos = unpack_uint16(data, pos)[1]  # resource type
        permission_types, pos = unpack_uint16(data, pos)
        for _ in range(permission_types):
            pos = unpack_uint16(data, pos)[1]  # permission type
            resources, pos = unpack_uint16(data, pos)
            for _ in range(resources):
                pos = unpack_string(data, pos)[1]
    return pos
