"""Self-describing, signed resourceIds and the digest that ties start to acquire.

A resourceId carries App ID, cname, uid and issue time, signed with the engine's key, so
start can tell "cannot be parsed" (1001) from a mismatch (1003, 432) or expiry (433) without
the service having kept anything but the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
from typing import Any

from snaplint.emulator.validation import Reject


def digest(data: Any) -> str:
    """A canonical hash of a JSON value (``startParameter`` is kept only as this)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_rid(key: bytes, rng: random.Random, app_id: str, cname: str, uid: str, now: float) -> str:
    """A new resourceId for ``app_id``/``cname``/``uid`` issued at ``now``."""
    payload = json.dumps(
        [app_id, cname, uid, round(now, 3), rng.getrandbits(32)], separators=(",", ":")
    ).encode()
    sig = hmac.new(key, payload, hashlib.sha256).digest()[:12]
    return f"{_b64(payload)}.{_b64(sig)}"


def parse_rid(key: bytes, rid: str) -> tuple[str, str, str, float]:
    """``(app_id, cname, uid, issued)`` of a resourceId; ``Reject 1001`` if not one of ours."""
    try:
        payload_b64, sig_b64 = rid.split(".")
        payload = _unb64(payload_b64)
        expected = hmac.new(key, payload, hashlib.sha256).digest()[:12]
        if not hmac.compare_digest(expected, _unb64(sig_b64)):
            raise ValueError("bad signature")
        app_id, cname, uid, issued, _nonce = json.loads(payload)
        return str(app_id), str(cname), str(uid), float(issued)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Reject(400, 1001, "invalid resourceId") from None
