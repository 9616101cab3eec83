"""The one policy for the Cloud Recording API endpoint URL.

The endpoint is read with urllib3's parser, the one the HTTP stack (requests → urllib3) uses
to decide where a connection goes: a check done with another parser can be fooled by a URL
the two read differently (``http://evil.example\\@127.0.0.1`` is host ``127.0.0.1`` to
``urllib.parse`` and ``evil.example`` to urllib3). On top of that, anything two parsers might
disagree on is refused outright rather than interpreted: userinfo, backslashes, whitespace,
control and non-ASCII characters, percent-escapes in the host, a query or fragment.

Plain ``http://`` is allowed only to loopback: a literal loopback address (``127.0.0.0/8``,
``[::1]``) or ``localhost`` / ``*.localhost`` when every address it resolves to is loopback.
Everything else must be ``https://``, so the Basic-auth customer secret and the storage keys
in request bodies never cross a network in clear.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

# A host as urllib3 hands it to the socket layer: a DNS name, an IPv4 literal or a bracketed
# IPv6 literal (no zone id: ``%`` is refused with every other escape).
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\U0010ffff\\]")  # controls, space, non-ASCII, backslash

Resolver = Callable[[str], list[str]]


class EndpointError(ValueError):
    """The endpoint URL is refused; the message says why (never echoes userinfo)."""


@dataclass(frozen=True)
class Endpoint:
    """A checked endpoint: what the HTTP client will connect to."""

    url: str  # scheme://host[:port][/path], no trailing slash
    scheme: str
    host: str
    port: int | None
    loopback: bool


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def _literal_loopback(host: str) -> bool | None:
    """True/False for an IP literal, None for a name."""
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return None


def is_loopback_host(host: str | None, resolver: Resolver = resolve) -> bool:
    """A literal loopback address, or ``localhost``/``*.localhost`` resolving only to loopback."""
    if not host:
        return False
    literal = _literal_loopback(host)
    if literal is not None:
        return literal
    name = host.lower().rstrip(".")
    if name != "localhost" and not name.endswith(".localhost"):
        return False
    addresses = resolver(name)
    return bool(addresses) and all(_literal_loopback(a.split("%")[0]) for a in addresses)


def shown(url: str) -> str:
    """``url`` fit for an error message: userinfo (which may hold a password) masked, control
    characters escaped."""
    head, sep, rest = url.partition("://")
    if sep:
        authority, slash, tail = rest.partition("/")
        if "@" in authority:
            authority = "***@" + authority.rpartition("@")[2]
        url = f"{head}{sep}{authority}{slash}{tail}"
    return url.encode("ascii", "backslashreplace").decode("ascii").replace("\x7f", "\\x7f")


def check_endpoint(
    url: str, *, setting: str = "the API endpoint", resolver: Resolver = resolve
) -> Endpoint:
    """``url`` checked against the policy above; :class:`EndpointError` naming ``setting``
    (e.g. ``SNAPLINT_API_ENDPOINT``) and the reason otherwise."""

    def refuse(why: str) -> EndpointError:
        return EndpointError(f"{setting} {shown(url)!r} is refused: {why}")

    if not isinstance(url, str) or not url:
        raise EndpointError(f"{setting} is empty: give an https:// URL")
    bad = _FORBIDDEN.search(url)
    if bad:
        what = "a backslash" if bad.group() == "\\" else f"the character {bad.group()!r}"
        raise refuse(f"it contains {what}, which URL parsers read differently")
    try:
        parts = parse_url(url)
    except LocationParseError:
        raise refuse("it is not a URL") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ("https", "http") or "://" not in url:
        raise refuse("it must start with https://")
    if parts.query is not None or parts.fragment is not None or "?" in url or "#" in url:
        raise refuse("it must not have a query or fragment")
    if parts.auth is not None or "@" in url:
        raise refuse("credentials in the URL are not allowed (use AGORA_CUSTOMER_ID/SECRET)")
    host = parts.host or ""
    if not host or not _HOST.fullmatch(host):
        raise refuse("it has no valid host name")
    loopback = is_loopback_host(host, resolver)
    if scheme == "http" and not loopback:
        raise refuse(
            "plain http:// is refused except to a loopback address; "
            "the Cloud Recording API is HTTPS only"
        )
    authority = host if parts.port is None else f"{host}:{parts.port}"
    path = (parts.path or "").rstrip("/")
    return Endpoint(f"{scheme}://{authority}{path}", scheme, host, parts.port, loopback)
