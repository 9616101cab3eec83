"""Agora AccessToken2 (``007`` tokens) for RTC: build, parse, verify.

The format is the one of Agora's open-source token tools (repository ``AgoraIO/Tools``, folder
``DynamicKey/AgoraDynamicKey/python3/src``: ``AccessToken2.py``, ``RtcTokenBuilder2.py``,
``Packer.py``), written again here from its description::

    token    = "007" + base64(zlib(string(signature) + content))
    content  = string(app id) + u32 issue_ts + u32 expire + u32 salt + u16 service count
               + the services, ordered by type
    service  = u16 type + u16 privilege count + (u16 privilege + u32 expire)… by privilege
               + the type's own fields; RTC (type 1): string(channel name) + string(uid)
    key      = HMAC-SHA256(key=u32 salt, msg=HMAC-SHA256(key=u32 issue_ts, msg=certificate))
    signature = HMAC-SHA256(key=key, msg=content)

Integers are little-endian, a string is a u16 byte count and UTF-8 bytes, base64 is the
standard alphabet with padding and zlib uses its default level (so that tokens match the
reference byte for byte). ``expire`` and every privilege's expiry count seconds after
``issue_ts``; a moment is past an expiry when it is later than it (the reference's ``parse.py``
has no "0 means never" for ``007`` tokens, so neither has this module). The uid is carried as
text: a numeric uid as its decimal digits, uid 0 as the empty string (any user may join with
the token), a string user account as it is.

Public interface::

    build_rtc_token(app_id, app_certificate, channel_name, uid, role="publisher",
                    token_expire=3600, privilege_expire=3600, *, issue_ts=None, salt=None) -> str
    build_token(app_id, app_certificate, services, expire, *, issue_ts=None, salt=None) -> str
    pack_rtc_service(channel_name, uid, privileges) -> bytes   # a service for build_token
    parse_token(token) -> ParsedToken | TokenProblem
    signature_matches(parsed, app_certificate) -> bool
    verify_rtc_token(token, app_id, app_certificate, channel_name, uid, now)
        -> TokenProblem | None          # problem.code: 110 invalid, 109 expired
    uid_string(uid) -> str              # a uid as the token carries it
    pack_uint16 / pack_uint32 / pack_string / pack_privileges and their unpack_* inverses
                                        # (snaplint.agora.tokenbytes, re-exported here)

:class:`TokenError` is the one exception raised here: bad arguments to the builder, the
packers and ``verify_rtc_token``'s own settings, or bytes an ``unpack_*`` function cannot read.
A token that is wrong is never an exception: ``parse_token`` and ``verify_rtc_token`` return a
:class:`TokenProblem`. No message, reason or ``repr`` holds the certificate, a token or a
signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from snaplint.agora.tokenbytes import TokenError as TokenError
from snaplint.agora.tokenbytes import check_uint, decode_text, knows_service_tail, skip_service_tail
from snaplint.agora.tokenbytes import pack_privileges as pack_privileges
from snaplint.agora.tokenbytes import pack_string as pack_string
from snaplint.agora.tokenbytes import pack_uint16 as pack_uint16
from snaplint.agora.tokenbytes import pack_uint32 as pack_uint32
from snaplint.agora.tokenbytes import unpack_privileges as unpack_privileges
from snaplint.agora.tokenbytes import unpack_string as unpack_string
from snaplint.agora.tokenbytes import unpack_uint16 as unpack_uint16
from snaplint.agora.tokenbytes import unpack_uint32 as unpack_uint32

VERSION = "007"
SERVICE_RTC = 1

PRIVILEGE_JOIN_CHANNEL = 1
PRIVILEGE_PUBLISH_AUDIO = 2
PRIVILEGE_PUBLISH_VIDEO = 3
PRIVILEGE_PUBLISH_DATA = 4

Role = Literal["publisher", "subscriber"]
# RtcTokenBuilder2: a subscriber may only join; a publisher may also publish everything.
ROLE_PRIVILEGES: dict[Role, tuple[int, ...]] = {
    "publisher": (
        PRIVILEGE_JOIN_CHANNEL,
        PRIVILEGE_PUBLISH_AUDIO,
        PRIVILEGE_PUBLISH_VIDEO,
        PRIVILEGE_PUBLISH_DATA,
    ),
    "subscriber": (PRIVILEGE_JOIN_CHANNEL,),
}

CODE_EXPIRED = 109  # Cloud Recording body codes (snaplint.agora_errors)
CODE_INVALID = 110

MAX_UID = 2**32 - 1
_MAX_SALT = 99_999_999  # the reference draws salts from 1..99999999

# A token is a few hundred characters; the caps keep a hostile "token" (the emulator reads
# them from requests) from costing more than a bounded amount of memory when inflated.
_MAX_TOKEN_CHARS = 1 << 20
_MAX_CONTENT_BYTES = 1 << 20


# --- signing -----------------------------------------------------------------------------


def _check_hex32(value: str, what: str) -> None:
    # The reference refuses anything else (its build returns "", its verify False). The value
    # is never quoted: for the certificate it is the secret itself.
    if not isinstance(value, str) or len(value) != 32:
        raise TokenError(f"{what} must be 32 hexadecimal characters")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise TokenError(f"{what} must be 32 hexadecimal characters") from None


def _signature(app_certificate: str, issue_ts: int, salt: int, content: bytes) -> bytes:
    # The key is bound to this token's issue time and salt, so no two tokens share one.
    key = hmac.new(pack_uint32(issue_ts), app_certificate.encode("utf-8"), hashlib.sha256)
    key = hmac.new(pack_uint32(salt), key.digest(), hashlib.sha256)
    return hmac.new(key.digest(), content, hashlib.sha256).digest()


# --- building ----------------------------------------------------------------------------


def uid_string(uid: int | str) -> str:
    """A uid as AccessToken2 carries it: decimal digits, ``""`` for 0, a user account as is."""
    if isinstance(uid, str):
        return uid
    # The reference packs any integer's digits; Agora uids are u32, so others are refused.
    check_uint(uid, 32, "uid")
    return "" if uid == 0 else str(uid)


def pack_rtc_service(channel_name: str, uid: str, privileges: Mapping[int, int]) -> bytes:
    """One RTC service: its type, privileges, channel name and uid (already a string)."""
    return (
        pack_uint16(SERVICE_RTC)
        + pack_privileges(privileges)
        + pack_string(channel_name)
        + pack_string(uid)
    )


def pack_content(
    app_id: str, issue_ts: int, expire: int, salt: int, services: Sequence[bytes]
) -> bytes:
    """The signed part of a token; ``services`` are packed services, already in type order."""
    return (
        pack_string(app_id)
        + pack_uint32(issue_ts)
        + pack_uint32(expire)
        + pack_uint32(salt)
        + pack_uint16(len(services))
        + b"".join(services)
    )


def _assemble(signature: bytes, content: bytes) -> str:
    # zlib.compress's default level is the reference's: any other changes the token's bytes.
    return VERSION + base64.b64encode(zlib.compress(pack_string(signature) + content)).decode()


def _check_hex32_pair(app_id: str, app_certificate: str) -> None:
    _check_hex32(app_id, "app_id")
    _check_hex32(app_certificate, "app_certificate")


def build_token(
    app_id: str,
    app_certificate: str,
    services: Sequence[bytes],
    expire: int,
    *,
    issue_ts: int | None = None,
    salt: int | None = None,
) -> str:
    """An AccessToken2 holding ``services`` (packed, e.g. by :func:`pack_rtc_service`).

    As the reference, services are put in type order (stably: two of one type keep theirs).
    ``expire`` is seconds after ``issue_ts`` (default: now); ``salt`` defaults to a random
    1..99999999. Raises :class:`TokenError` for bad arguments.
    """
    _check_hex32_pair(app_id, app_certificate)
    if not services:
        raise TokenError("a token needs at least one service")
    issue_ts = int(time.time()) if issue_ts is None else issue_ts
    salt = secrets.randbelow(_MAX_SALT) + 1 if salt is None else salt
    for value, what in ((issue_ts, "issue_ts"), (salt, "salt"), (expire, "token expire")):
        check_uint(value, 32, what)
    ordered = sorted(services, key=lambda service: unpack_uint16(service)[0])
    content = pack_content(app_id, issue_ts, expire, salt, ordered)
    return _assemble(_signature(app_certificate, issue_ts, salt, content), content)


def build_rtc_token(
    app_id: str,
    app_certificate: str,
    channel_name: str,
    uid: int | str,
    role: Role = "publisher",
    token_expire: int = 3600,
    privilege_expire: int = 3600,
    *,
    issue_ts: int | None = None,
    salt: int | None = None,
) -> str:
    """An AccessToken2 RTC token, as ``RtcTokenBuilder2.build_token_with_uid`` (int ``uid``)
    or ``build_token_with_user_account`` (str ``uid``) makes it.

    ``token_expire`` and ``privilege_expire`` are seconds after ``issue_ts`` (default: now);
    ``salt`` defaults to a random 1..99999999. Raises :class:`TokenError` for bad arguments.
    """
    _check_hex32_pair(app_id, app_certificate)  # the reference checks these first too
    if not isinstance(channel_name, str):
        raise TokenError(f"channel_name must be a string (got {type(channel_name).__name__})")
    if role not in ROLE_PRIVILEGES:
        raise TokenError(f"role must be one of {', '.join(ROLE_PRIVILEGES)} (got {role!r})")
    check_uint(privilege_expire, 32, "privilege_expire")
    privileges = dict.fromkeys(ROLE_PRIVILEGES[role], privilege_expire)
    service = pack_rtc_service(channel_name, uid_string(uid), privileges)
    return build_token(
        app_id, app_certificate, [service], token_expire, issue_ts=issue_ts, salt=salt
    )


# --- parsing -----------------------------------------------------------------------------


# (privilege, seconds after the token's issue_ts) in token order; pairs, not a dict, so that
# parsed tokens are immutable and hashable.
Privileges = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class RtcService:
    """The RTC part of a token: who may do what in which channel."""

    channel_name: str
    uid: str  # "" = any uid (the token was built for uid 0)
    privileges: Privileges

    def privilege(self, privilege: int) -> int | None:
        """Seconds after issue that ``privilege`` lasts, or None if the token does not grant it."""
        return dict(self.privileges).get(privilege)


@dataclass(frozen=True, slots=True)
class OtherService:
    """A service other than RTC (RTM, chat, …): its privileges, its own fields left packed."""

    type: int
    privileges: Privileges
    fields: bytes


Service = RtcService | OtherService


@dataclass(frozen=True, slots=True, repr=False)
class ParsedToken:
    """What an AccessToken2 says about itself (nothing here is checked against a certificate)."""

    version: str
    app_id: str
    issue_ts: int  # Unix seconds
    expire: int  # seconds after issue_ts
    salt: int
    services: tuple[Service, ...]
    # The type of the first service whose layout is unknown: like the reference, reading stops
    # there, so it and the services after it are not in ``services`` (the signature still
    # covers them). None when every service was read.
    unparsed_from: int | None
    signature: bytes
    content: bytes  # the signed bytes

    @property
    def expires_at(self) -> int:
        """Unix time after which the token is expired."""
        return self.issue_ts + self.expire

    @property
    def rtc_services(self) -> tuple[RtcService, ...]:
        return tuple(s for s in self.services if isinstance(s, RtcService))

    def __repr__(self) -> str:
        # The signature with the content is the token itself: a bearer secret.
        return (
            f"ParsedToken(version={self.version!r}, app_id={self.app_id!r}, "
            f"issue_ts={self.issue_ts!r}, expire={self.expire!r}, salt={self.salt!r}, "
            f"services={self.services!r}, unparsed_from={self.unparsed_from!r}, "
            "signature='***', content='***')"
        )


ProblemKind = Literal[
    "malformed",  # not readable as an AccessToken2
    "version",  # not a 007 token (a 006 AccessToken is not verified here)
    "app-id",
    "signature",
    "service",  # no RTC service
    "channel",
    "uid",
    "privilege",  # no join-channel privilege
    "expired",  # the token's own expiry
    "privilege-expired",  # the join-channel privilege's expiry
]
_EXPIRY_KINDS = frozenset({"expired", "privilege-expired"})


@dataclass(frozen=True, slots=True)
class TokenProblem:
    """Why a token is refused, in words fit for an API response (no secrets)."""

    kind: ProblemKind
    reason: str

    @property
    def code(self) -> int:
        """The Cloud Recording body code: 109 (token expired) or 110 (token invalid)."""
        return CODE_EXPIRED if self.kind in _EXPIRY_KINDS else CODE_INVALID


def _decode_base64(text: str) -> bytes:
    try:
        # Padding is optional on input (tokens are pasted into URLs and YAML), strict otherwise.
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:  # binascii.Error, or non-ASCII text
        raise TokenError("the token is not base64 after its version") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(data, _MAX_CONTENT_BYTES)
    except zlib.error:
        raise TokenError("the token's content is not zlib data") from None
    if inflater.unconsumed_tail:
        raise TokenError(f"the token's content exceeds {_MAX_CONTENT_BYTES} bytes")
    if not inflater.eof:  # zlib.decompress (the reference) refuses a stream cut short too
        raise TokenError("the token's zlib data is cut short")
    return content


def _read_service(data: bytes, pos: int, service_type: int) -> tuple[Service, int] | None:
    """The service whose privileges start at ``pos``, or None if its layout is unknown."""
    if service_type == SERVICE_RTC:
        privileges, pos = unpack_privileges(data, pos)
        channel, pos = unpack_string(data, pos)
        uid, pos = unpack_string(data, pos)
        return RtcService(
            decode_text(channel, "channel name"), decode_text(uid, "uid"), privileges
        ), pos
    if not knows_service_tail(service_type):
        return None
    privileges, start = unpack_privileges(data, pos)
    end = skip_service_tail(data, start, service_type)
    return OtherService(service_type, privileges, data[start:end]), end


def _read_packed(packed: bytes) -> ParsedToken:
    signature, pos = unpack_string(packed)
    content = packed[pos:]
    app_id, pos = unpack_string(packed, pos)
    issue_ts, pos = unpack_uint32(packed, pos)
    expire, pos = unpack_uint32(packed, pos)
    salt, pos = unpack_uint32(packed, pos)
    count, pos = unpack_uint16(packed, pos)
    services: list[Service] = []
    unparsed_from = None
    for _ in range(count):
        service_type, pos = unpack_uint16(packed, pos)
        read = _read_service(packed, pos, service_type)
        if read is None:
            unparsed_from = service_type
            break
        service, pos = read
        services.append(service)
    # Like the reference, bytes after the last service are ignored (the signature covers them).
    return ParsedToken(
        version=VERSION,
        app_id=decode_text(app_id, "app id"),
        issue_ts=issue_ts,
        expire=expire,
        salt=salt,
        services=tuple(services),
        unparsed_from=unparsed_from,
        signature=signature,
        content=content,
    )


def parse_token(token: str) -> ParsedToken | TokenProblem:
    """Read an AccessToken2 without checking it; a :class:`TokenProblem` if it is not one."""
    if not isinstance(token, str):
        return TokenProblem("malformed", f"a token is a string (got {type(token).__name__})")
    if token.startswith("006"):
        return TokenProblem("version", "the token is an AccessToken (006), not AccessToken2 (007)")
    if not token.startswith(VERSION):
        return TokenProblem("version", "the token does not start with 007 (AccessToken2)")
    if len(token) > _MAX_TOKEN_CHARS:
        return TokenProblem("malformed", f"the token is longer than {_MAX_TOKEN_CHARS} characters")
    try:
        return _read_packed(_inflate(_decode_base64(token[len(VERSION) :])))
    except TokenError as exc:
        return TokenProblem("malformed", f"the token cannot be read: {exc}")


# --- verifying ---------------------------------------------------------------------------


def signature_matches(parsed: ParsedToken, app_certificate: str) -> bool:
    """Whether ``app_certificate`` signed the token (raises TokenError unless it is 32 hex)."""
    _check_hex32(app_certificate, "app_certificate")
    expected = _signature(app_certificate, parsed.issue_ts, parsed.salt, parsed.content)
    return hmac.compare_digest(parsed.signature, expected)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted({repr(v) for v in values}))


def verify_rtc_token(
    token: str,
    app_id: str,
    app_certificate: str,
    channel_name: str,
    uid: int | str,
    now: float,
) -> TokenProblem | None:
    """None if ``token`` lets ``uid`` join ``channel_name`` at Unix time ``now``, else why not.

    Checks in order: readable 007 token, App ID, signature, an RTC service for the channel and
    the uid (a token built for uid 0 admits any uid) that grants joining, then the token's and
    the join privilege's expiry: an expired token with a bad signature is invalid (110), not
    expired (109). Raises :class:`TokenError` only if ``app_certificate`` is not 32 hex digits
    (the caller's setting, not the token's fault).
    """
    _check_hex32(app_certificate, "app_certificate")
    parsed = parse_token(token)
    if isinstance(parsed, TokenProblem):
        return parsed
    if parsed.app_id != app_id:
        return TokenProblem("app-id", "the token was built for a different App ID")
    if not signature_matches(parsed, app_certificate):
        return TokenProblem(
            "signature",
            "the token's signature does not match (another App Certificate, or an altered token)",
        )
    rtc = parsed.rtc_services
    if not rtc:
        return TokenProblem("service", "the token grants no RTC privileges")
    in_channel = [s for s in rtc if s.channel_name == channel_name]
    if not in_channel:
        return TokenProblem(
            "channel",
            f"the token is for channel {_names(s.channel_name for s in rtc)}, not {channel_name!r}",
        )
    wanted = uid_string(uid)
    for_uid = [s for s in in_channel if s.uid in ("", wanted)]
    if not for_uid:
        return TokenProblem(
            "uid", f"the token is for uid {_names(s.uid for s in in_channel)}, not {wanted!r}"
        )
    join = [e for s in for_uid if (e := s.privilege(PRIVILEGE_JOIN_CHANNEL)) is not None]
    if not join:
        return TokenProblem("privilege", "the token does not grant joining the channel")
    if now > parsed.expires_at:
        return TokenProblem(
            "expired",
            f"the token expired at {parsed.expires_at} (Unix time; issued at "
            f"{parsed.issue_ts}, valid for {parsed.expire} s)",
        )
    join_until = parsed.issue_ts + max(join)
    if now > join_until:
        return TokenProblem(
            "privilege-expired",
            f"the token's privilege to join the channel expired at {join_until} (Unix time)",
        )
    return None
