"""Verify the signature Agora's notification service (NCS) puts on every notification.

Agora signs the raw request body with the notification secret of the project (one secret per
App ID, shown in Agora Console when notifications are enabled) and sends two headers:

- ``Agora-Signature-V2``: hex HMAC-SHA256 of the body;
- ``Agora-Signature``: hex HMAC-SHA1 of the body (the older one).

:func:`verify` checks V2 when it is present and falls back to V1 only when V2 is absent: a
request that carries a wrong V2 is refused even if its V1 would match, so a forger gains
nothing from the weaker hash. Digests are compared with :func:`hmac.compare_digest`.

:class:`Secrets` holds a default secret and/or one per App ID. It never shows a secret: its
``repr`` names only which App IDs have one, and no error message carries a value.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

HEADER_V2 = "Agora-Signature-V2"
HEADER_V1 = "Agora-Signature"
ENV_PREFIX = "SNAPLINT_NCS_SECRET"
# the same headers as a WSGI environ names them
ENVIRON_V2 = "HTTP_AGORA_SIGNATURE_V2"
ENVIRON_V1 = "HTTP_AGORA_SIGNATURE"

# Agora App IDs are 32 hex digits; accept any short token of letters, digits, - and _ so a
# receiver can also be keyed by the labels a user prefers, but nothing that needs escaping
APP_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def sign_v2(body: bytes, secret: str) -> str:
    """The ``Agora-Signature-V2`` value of ``body``: hex HMAC-SHA256 keyed with ``secret``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_v1(body: bytes, secret: str) -> str:
    """The ``Agora-Signature`` value of ``body``: hex HMAC-SHA1 keyed with ``secret``."""
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def _same(expected: str, given: str) -> bool:
    try:
        offered = given.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), offered)


def verify(body: bytes, secret: str, *, v2: str | None, v1: str | None) -> str | None:
    """Which signature of ``body`` matched ``secret``: ``"v2"``, ``"v1"`` or ``None``.

    ``v2`` and ``v1`` are the header values as received (``None`` when absent). V2 decides
    whenever it is present; V1 is checked only when V2 is absent.
    """
    if v2:
        return "v2" if _same(sign_v2(body, secret), v2) else None
    if v1:
        return "v1" if _same(sign_v1(body, secret), v1) else None
    return None


@dataclass(frozen=True)
class Verified:
    """A body whose signature matched: the App ID whose secret matched (``None`` for the
    default secret) and which header it was (``"v2"`` or ``"v1"``)."""

    app_id: str | None
    scheme: str


class Secrets:
    """Notification secrets: an optional default and optional per-App-ID secrets.

    ``Secrets("s")`` — one project; ``Secrets(per_app={"<appId>": "s1", "<appId2>": "s2"})``
    — several projects pointing at one receiver; both together — per-App-ID secrets where
    known, the default for every other App ID.
    """

    __slots__ = ("_apps", "_default")

    def __init__(self, default: str | None = None, per_app: Mapping[str, str] | None = None):
        self._default = _checked(default, "the default notification secret") if default else None
        apps: dict[str, str] = {}
        for app_id, secret in (per_app or {}).items():
            if not isinstance(app_id, str) or not APP_ID.match(app_id):
                raise ValueError(f"invalid App ID {app_id!r} for a notification secret")
            apps[app_id] = _checked(secret, f"the notification secret of App ID {app_id}")
        if self._default is None and not apps:
            raise ValueError("no notification secret given (a default or one per App ID)")
        self._apps = apps

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, prefix: str = ENV_PREFIX) -> Secrets:
        """Secrets from environment variables: ``SNAPLINT_NCS_SECRET`` (the default) and
        ``SNAPLINT_NCS_SECRET_<App ID>`` (one App ID's). Raises ``ValueError`` when none is
        set. Secrets belong in the environment or a secrets manager, never in project files."""
        import os

        source = os.environ if env is None else env
        per_app = {
            name[len(prefix) + 1 :]: value
            for name, value in source.items()
            if name.startswith(prefix + "_") and value
        }
        return cls(source.get(prefix) or None, per_app)

    @property
    def app_ids(self) -> tuple[str, ...]:
        """The App IDs that have a secret of their own, sorted."""
        return tuple(sorted(self._apps))

    @property
    def has_default(self) -> bool:
        return self._default is not None

    def knows(self, app_id: str) -> bool:
        """Whether a notification addressed to ``app_id`` can be verified at all."""
        return app_id in self._apps or self._default is not None

    def values(self) -> Iterator[str]:
        """Every secret value, for scrubbing text before it is logged. Never print these."""
        if self._default is not None:
            yield self._default
        yield from self._apps.values()

    def verify(
        self, body: bytes, *, v2: str | None, v1: str | None, app_id: str | None = None
    ) -> Verified | None:
        """Check ``body``'s signature headers.

        With ``app_id`` (the receiver was called at ``<path>/<appId>``) only that App ID's
        secret is tried (or the default when it has none), and a match records that App ID.
        Without it, the default secret and every per-App-ID secret are tried; a match by a
        per-App-ID secret records its App ID (one that several App IDs share records none).
        """
        if not v2 and not v1:
            return None
        if app_id is not None:
            secret = self._apps.get(app_id, self._default)
            if secret is None:
                return None
            scheme = verify(body, secret, v2=v2, v1=v1)
            return Verified(app_id, scheme) if scheme else None
        candidates = [*self._apps.items(), *([(None, self._default)] if self._default else [])]
        scheme: str | None = None
        owners: list[str | None] = []
        for owner, secret in candidates:
            matched = verify(body, secret, v2=v2, v1=v1)
            if matched:
                scheme = matched
                owners.append(owner)
        if scheme is None:
            return None
        return Verified(owners[0] if len(owners) == 1 else None, scheme)

    def __repr__(self) -> str:
        default = "set" if self._default is not None else "none"
        return f"Secrets(default={default}, apps={list(self.app_ids)!r})"

    __str__ = __repr__

    def __reduce__(self):  # pickled into worker processes: keep working, stay unprintable
        return (Secrets, (self._default, dict(self._apps)))


def _checked(secret: object, what: str) -> str:
    if not isinstance(secret, str):
        raise TypeError(f"{what} must be a string")
    if not secret or secret.strip() != secret:
        raise ValueError(f"{what} is empty or has surrounding whitespace")
    return secret
