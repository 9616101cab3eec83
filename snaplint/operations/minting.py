"""``clientRequest.token: ${agora:rtc-token}``: an RTC token minted at each start.

The token is an AccessToken2 (``007…``, ``snaplint.agora.tokens``) for the job's App ID,
channel and recorder uid, with the publisher role's privileges (a recorder joins as a
broadcaster), signed with the App Certificate from ``AGORA_APP_CERTIFICATE`` or the credentials
file (``snaplint.agora.connection.app_certificate``). It is valid for
``SNAPLINT_RTC_TOKEN_VALIDITY`` (``24h``, ``90m``, ``3600s`` or seconds; default and maximum 24 h,
as Agora's tokens).

The token is made in the executor right before its start call and lives only in that call's
body: plans show ``(minted at start, valid 24h)``, state and the journal record only its expiry
(``tokenExpiresAt``), and errors never carry request bodies. Planning refuses a job that asks
for a minted token when no certificate is configured (a plan error naming the variable).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snaplint.findings.references import is_minted_token

ENV_VALIDITY = "SNAPLINT_RTC_TOKEN_VALIDITY"
MAX_VALIDITY = 24 * 3600
_DURATION = re.compile(r"^\s*(\d{1,9})\s*([hms]?)\s*$")


class MintingError(ValueError):
    """Why tokens cannot be minted (names the setting, never a value of the certificate)."""


def validity_seconds(env: Mapping[str, str]) -> int:
    """How long minted tokens are valid: ``SNAPLINT_RTC_TOKEN_VALIDITY`` or 24 h."""
    text = env.get(ENV_VALIDITY) or ""
    if not text:
        return MAX_VALIDITY
    m = _DURATION.match(text)
    if m is None:
        raise MintingError(f"{ENV_VALIDITY} must be a duration such as 24h, 90m or 3600s")
    seconds = int(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "": 1}[m.group(2)]
    if not 60 <= seconds <= MAX_VALIDITY:
        raise MintingError(f"{ENV_VALIDITY} must be between 1 minute and 24 hours")
    return seconds


def validity_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def wants_minted_token(spec: Mapping[str, Any]) -> bool:
    request = spec.get("clientRequest")
    return isinstance(request, Mapping) and is_minted_token(request.get("token"))


@dataclass(frozen=True)
class Minter:
    """Mints one job's token per start; ``repr`` never shows the certificate."""

    certificate: str
    validity: int = MAX_VALIDITY
    clock: Callable[[], float] = time.time

    def __repr__(self) -> str:
        return f"Minter(certificate='***', validity={self.validity})"

    def mint(self, app_id: str, cname: str, uid: str) -> tuple[str, str]:
        """(token, expiry as ISO 8601 UTC)."""
        from snaplint.agora.tokens import build_rtc_token

        now = int(self.clock())
        token = build_rtc_token(
            app_id,
            self.certificate,
            cname,
            int(uid) if uid.isdigit() else uid,  # digits: an int uid, as recorders join
            "publisher",
            self.validity,
            self.validity,
            issue_ts=now,
        )
        from snaplint.state.codec import iso_of_ms

        # the state's time format, so that it compares with its other times as text
        return token, str(iso_of_ms((now + self.validity) * 1000))

    def request(
        self, request: Mapping[str, Any], session: Mapping[str, str]
    ) -> tuple[dict[str, Any], str | None]:
        """``request`` with a minted token in place of ``${agora:rtc-token}``, and its expiry
        (None when the request does not ask for one)."""
        if not is_minted_token(request.get("token")):
            return dict(request), None
        token, expires = self.mint(session["appId"], session["cname"], session["uid"])
        return {**request, "token": token}, expires


def minter_for(
    env: Mapping[str, str], credentials_file: Path | None = None
) -> tuple[Minter | None, str | None]:
    """The minter the settings allow, or (None, why not) — the reason names the variable."""
    from snaplint.agora.connection import (
        ENV_APP_CERTIFICATE,
        ConnectionConfigError,
        app_certificate,
    )

    try:
        validity = validity_seconds(env)
        certificate = app_certificate(env, credentials_file)
    except (MintingError, ConnectionConfigError) as exc:
        return None, str(exc)
    if not certificate:
        return None, (
            f"clientRequest.token is ${{agora:rtc-token}} but no App Certificate is configured: "
            f"set {ENV_APP_CERTIFICATE} (or add it to the credentials file)"
        )
    if not re.fullmatch(r"[0-9a-fA-F]{32}", certificate):
        return None, f"{ENV_APP_CERTIFICATE} must be 32 hex digits (the App Certificate)"
    return Minter(certificate, validity), None


def minting_problem(job: Any, env: Mapping[str, str]) -> list[Any]:
    """A plan error for a job that asks for a minted token the settings cannot make."""
    from snaplint.plan.jobs import JobProblem

    spec = job.spec()
    elsewhere = [p for p in _minted_paths(spec) if p != ("clientRequest", "token")]
    if elsewhere:
        where = ".".join(str(part) for part in elsewhere[0])
        message = f"job {job.name}: ${{agora:rtc-token}} is only valid as clientRequest.token (found at {where})"
        return [JobProblem(message, job.source, job.document, ("spec", *elsewhere[0]), job.name)]
    if not wants_minted_token(spec):
        return []
    _, why = minter_for(env)
    if why is None:
        return []
    path = ("spec", "clientRequest", "token")
    return [JobProblem(f"job {job.name}: {why}", job.source, job.document, path, job.name)]


def mark_minted(spec: dict[str, Any], env: Mapping[str, str]) -> None:
    """Add the validity to a fingerprint's minted-token marker, for the plan's text (outside
    the digest: a new validity changes the next token, not the running session)."""
    request = spec.get("clientRequest")
    marker = request.get("token") if isinstance(request, dict) else None
    from snaplint.plan.jobs import MINTED_REF, SENSITIVE_REF

    if isinstance(marker, dict) and marker.get(SENSITIVE_REF) == MINTED_REF:
        marker["validity"] = validity_text(validity_seconds(env))


def _minted_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where ``${agora:rtc-token}`` appears (iteratively: specs can be deep)."""
    found: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [(path, data)]
    while stack:
        p, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*p, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*p, i), v) for i, v in enumerate(node))
        elif is_minted_token(node):
            found.append(p)
    return sorted(found, key=str)
