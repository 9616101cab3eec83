"""Compose notifications as Agora's notification service sends them: the body bytes and the
signature headers. For tests, the bench, and whoever wants to feed a receiver by hand (the
emulator could use it to send events)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from snaplint.notifications.events import PRODUCT_CLOUD_RECORDING
from snaplint.notifications.signature import HEADER_V1, HEADER_V2, sign_v1, sign_v2


def notification_body(
    event_type: int,
    *,
    sid: str | None = None,
    cname: str | None = None,
    uid: str | None = None,
    sequence: int | None = None,
    sendts: int | None = None,
    details: dict[str, Any] | None = None,
    notice_id: str | None = None,
    product_id: int = PRODUCT_CLOUD_RECORDING,
    notify_ms: int | None = None,
    service_type: int | None = None,
) -> bytes:
    """A notification body; fields left ``None`` are omitted from the payload."""
    now = int(time.time() * 1000)
    payload: dict[str, Any] = {
        "cname": cname,
        "uid": uid,
        "sid": sid,
        "sequence": sequence,
        "sendts": sendts,
        "serviceType": service_type,
        "details": details if details is not None else {},
    }
    body = {
        "noticeId": notice_id or str(uuid.uuid4()),
        "productId": product_id,
        "eventType": event_type,
        "notifyMs": notify_ms if notify_ms is not None else now,
        "payload": {k: v for k, v in payload.items() if v is not None},
    }
    return json.dumps(body, separators=(",", ":")).encode()


def signed_headers(body: bytes, secret: str, *, v1: bool = True, v2: bool = True) -> dict[str, str]:
    """The signature headers Agora sends with ``body`` (and ``Content-Type``)."""
    headers = {"Content-Type": "application/json"}
    if v2:
        headers[HEADER_V2] = sign_v2(body, secret)
    if v1:
        headers[HEADER_V1] = sign_v1(body, secret)
    return headers
