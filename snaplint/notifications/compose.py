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


def call_wsgi(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    content_length: bool = True,
    environ: dict[str, Any] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """Call a WSGI ``app`` once without a server: ``(status, headers, decoded JSON body)``.

    For checking a receiver mounted in your own application, and for tests. ``headers`` are
    HTTP header names (``Agora-Signature-V2``…); ``content_length=False`` sends none."""
    import io

    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_length:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    env.update(environ or {})
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    chunks = b"".join(app(env, start_response))
    return answer["status"], answer["headers"], json.loads(chunks) if chunks else None
