"""RTC token verification at ``start``, for App IDs that have an App Certificate configured.

``snaplint emulator --app-certificate APPID=CERT`` (repeatable) or, for the embedded emulator,
``SNAPLINT_EMULATOR_APP_CERTIFICATE="APPID=CERT[,APPID=CERT…]"`` turn it on per App ID; other App
IDs behave as projects without an App Certificate (any token or none is accepted).

The checks are AccessToken2's (``snaplint.agora.tokens.verify_rtc_token``): the token must be
signed with the certificate, for the App ID, the start's ``cname`` and the recorder ``uid`` (a
token for uid 0 admits any uid), grant joining, and be valid now. The error catalogue lists
codes 109 (token expired) and 110 (token invalid) without an HTTP status (reference §6.2); like
every other body-validation failure of ``start`` they are answered **HTTP 400**, with code 109
for an expired token or join privilege and 110 for everything else (missing, unreadable, wrong
App ID, channel, uid or signature). Reasons never contain the token or the certificate.

A token cannot be refreshed during a task, so when it expires the bot leaves: the session's
``token_expires_at`` ends it then (``Engine._advance_session``), reason ``token expired``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from snaplint.agora.tokens import (
    CODE_INVALID,
    PRIVILEGE_JOIN_CHANNEL,
    ParsedToken,
    TokenError,
    parse_token,
    uid_string,
    verify_rtc_token,
)
from snaplint.emulator.validation import Reject

log = logging.getLogger("snaplint.emulator")
ENV_VAR = "SNAPLINT_EMULATOR_APP_CERTIFICATE"
TOKEN_EXPIRED_REASON = "token expired: the bot left the channel"
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")


def parse_certificate(text: str) -> tuple[str, str]:
    """``APPID=CERT`` → (app id, certificate); ``ValueError`` naming the App ID only."""
    app_id, sep, cert = text.strip().partition("=")
    if not sep or not _HEX32.match(app_id):
        raise ValueError("expected APPID=CERT with a 32-hex-digit App ID")
    if not _HEX32.match(cert):
        raise ValueError(f"the App Certificate for {app_id} must be 32 hex digits")
    return app_id.lower(), cert


def parse_certificates(items: Iterable[str]) -> dict[str, str]:
    return dict(parse_certificate(item) for item in items if item.strip())


def certificates_from_env(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The embedded emulator's certificates, from :data:`ENV_VAR` (comma-separated)."""
    return parse_certificates(env.get(ENV_VAR, "").split(","))


def embedded_certificates(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """:func:`certificates_from_env` for the embedded emulator, which has no CLI to refuse a
    malformed setting: each bad entry is skipped with a warning naming the variable."""
    certificates: dict[str, str] = {}
    for item in env.get(ENV_VAR, "").split(","):
        if not item.strip():
            continue
        try:
            app_id, cert = parse_certificate(item)
        except ValueError as exc:
            log.warning("%s: %s (entry ignored)", ENV_VAR, exc)
            continue
        certificates[app_id] = cert
    return certificates


def check_start_token(
    certificates: Mapping[str, str],
    app_id: str,
    cname: str,
    uid: str,
    client_request: Mapping[str, Any],
    now: float,
) -> float | None:
    """The token's expiry (Unix seconds) when the App ID verifies tokens, else None.

    Raises :class:`Reject` ``400 {code 109|110}`` for a token the service would refuse.
    """
    cert = certificates.get(app_id.lower())
    if cert is None:
        return None
    token = client_request.get("token")
    if not isinstance(token, str) or not token:
        raise Reject(400, CODE_INVALID, "token invalid: the App ID requires a token")
    try:
        problem = verify_rtc_token(token, app_id, cert, cname, uid, now)
    except TokenError:  # the configured certificate is checked at start-up; belt and braces
        raise Reject(400, CODE_INVALID, "token invalid") from None
    if problem is not None:
        word = "expired" if problem.code != CODE_INVALID else "invalid"
        raise Reject(400, problem.code, f"token {word}: {problem.reason}")
    parsed = parse_token(token)
    assert isinstance(parsed, ParsedToken)  # verify_rtc_token parsed it already
    return float(join_expiry(parsed, cname, uid))


def join_expiry(parsed: ParsedToken, cname: str, uid: str) -> int:
    """When the bot must leave: the token's expiry or its join privilege's, whichever is first."""
    wanted = uid_string(uid)
    joins = [
        e
        for s in parsed.rtc_services
        if s.channel_name == cname and s.uid in ("", wanted)
        if (e := s.privilege(PRIVILEGE_JOIN_CHANNEL)) is not None
    ]
    return min(parsed.expires_at, parsed.issue_ts + max(joins, default=0))
