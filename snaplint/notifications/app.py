"""The receiver: a WSGI application that takes Agora's notifications and stores them.

::

    from snaplint.notifications import Secrets, SQLiteEventStore, create_app

    store = SQLiteEventStore("/srv/project/.snaplint")
    app = create_app(store, Secrets("<notification secret>"))

Routes (``path`` defaults to ``/agora/ncs``):

==========================  ==================================================================
``POST <path>``             a notification; verified with the default secret, or with any
                            per-App-ID secret (a match by one records that App ID)
``POST <path>/<appId>``     a notification for that App ID: only its secret (or the default,
                            when it has none) is tried, and the App ID is recorded
``GET /healthz``            ``200 {"ok": true}`` while the store answers, else ``503``
``GET /status``             with a ``status`` source: the status page (HTML,
                            :mod:`snaplint.notifications.page`), read-only
``GET /status/thumbnail/…`` ``<job>/<uid>``: that uid's last screenshot (JPEG), when the
                            source can read the storage
==========================  ==================================================================

Answers (but the status page's), always a small JSON object with ``"ok"``:

- ``200 {"ok": true, "duplicate": false|true}`` — stored (or stored before), durably, before
  the answer is sent;
- ``401`` no signature, or a wrong one (nothing is stored); ``400`` a signed body that is not a
  notification; ``404`` unknown path or App ID; ``405`` wrong method (``Allow`` says which);
  ``411`` no ``Content-Length`` (unless the server marks the input as terminated);
  ``413`` a body over ``max_body`` bytes — refused from ``Content-Length`` before anything
  is read, and the read itself is capped;
- ``503`` the store failed: Agora resends what it got no ``200`` for, so nothing is lost to a
  store outage shorter than Agora's retries; ``500`` anything else unexpected. Neither
  crashes the server, and the log line says what failed without the secret.

Mounting it in your own WSGI server or framework: it is a plain WSGI callable, thread-safe
(the stores are), with no global state, so any server runs it (gunicorn
``'mymodule:app'``, uWSGI, mod_wsgi …); to serve it beside your own application under one
server, dispatch on the path prefix, e.g. with werkzeug::

    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    application = DispatcherMiddleware(my_app, {"/agora": create_app(store, secrets, path="/ncs")})

(a mounted app sees the path below its mount point: ``SCRIPT_NAME`` holds the prefix, so
``path`` is given relative to it, and ``/healthz`` becomes ``/agora/healthz``). Put your
server's request-body limit at ``max_body`` too.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from snaplint.notifications.events import Malformed, parse_event
from snaplint.notifications.signature import APP_ID, ENVIRON_V1, ENVIRON_V2, Secrets
from snaplint.notifications.store import EventStore, StoreError

if TYPE_CHECKING:
    from snaplint.notifications.capture import JobCapture, UidCapture

log = logging.getLogger("snaplint.notifications")
STATUS_PATH = "/status"


class StatusSource(Protocol):
    """What the status page shows, read afresh for every request (the caller's I/O)."""

    def views(self) -> list[JobCapture]: ...

    def has_thumbnail(self, job: JobCapture, uid: UidCapture) -> bool: ...

    def thumbnail(self, job: str, uid: str) -> bytes | None: ...


DEFAULT_PATH = "/agora/ncs"
HEALTH_PATH = "/healthz"
# Agora's notifications are a few hundred bytes; upload events with long file lists reach a
# few KiB. 256 KiB leaves room for any of them and keeps a flood of large bodies cheap.
DEFAULT_MAX_BODY = 256 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    411: "411 Length Required",
    413: "413 Content Too Large",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}


class Receiver:
    """The WSGI application :func:`create_app` returns (call it as ``app(environ, start)``)."""

    def __init__(
        self,
        store: EventStore,
        secrets: Secrets,
        *,
        path: str = DEFAULT_PATH,
        max_body: int = DEFAULT_MAX_BODY,
        clock: Callable[[], float] = time.time,
        status: StatusSource | None = None,
    ) -> None:
        if not isinstance(secrets, Secrets):
            raise TypeError("secrets must be a snaplint.notifications.Secrets")
        if not path.startswith("/") or path == "/" or path in (HEALTH_PATH, STATUS_PATH):
            raise ValueError(
                f"the notification path must start with / (and not be /healthz or /status): "
                f"{path!r}"
            )
        if max_body < 1:
            raise ValueError("max_body must be at least 1 byte")
        self.store = store
        self.secrets = secrets
        self.path = path.rstrip("/")
        self.max_body = int(max_body)
        self.clock = clock
        self.status = status

    def __repr__(self) -> str:
        return f"Receiver(path={self.path!r}, store={self.store!r}, secrets={self.secrets!r})"

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, body, headers = self._handle(environ)
        except Exception as exc:  # a bug must not take the server down, nor leak a secret
            log.error(
                "notification receiver failed: %s", self._scrub(f"{type(exc).__name__}: {exc}")
            )
            status, body, headers = 500, {"ok": False, "error": "internal error"}, []
        if isinstance(body, bytes):  # the status page and its images: headers say the type
            payload = body
        else:
            payload = json.dumps(body, separators=(",", ":")).encode()
            headers = [("Content-Type", "application/json"), *headers]
        start_response(
            _REASONS[status],
            [("Content-Length", str(len(payload))), ("Cache-Control", "no-store"), *headers],
        )
        return [payload]

    # -- routing --------------------------------------------------------------------------

    def _handle(
        self, environ: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | bytes, list[tuple[str, str]]]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        route = environ.get("PATH_INFO") or "/"
        if self.status is not None and (
            route.rstrip("/") == STATUS_PATH or route.startswith(STATUS_PATH + "/")
        ):
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET, HEAD")
            return self._status_page(route)
        if route == HEALTH_PATH:
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET, HEAD")
            try:
                self.store.ping()
            except Exception as exc:
                log.error("health check: the event store failed: %s", self._scrub(str(exc)))
                return 503, {"ok": False, "error": "event store unavailable"}, []
            return 200, {"ok": True}, []
        app_id: str | None = None
        if route.rstrip("/") == self.path:
            pass
        elif route.startswith(self.path + "/"):
            app_id = route[len(self.path) + 1 :].rstrip("/")
            if not APP_ID.match(app_id) or not self.secrets.knows(app_id):
                return 404, {"ok": False, "error": "unknown App ID"}, []
        else:
            return 404, {"ok": False, "error": "not found"}, []
        if method != "POST":
            return _not_allowed("POST")
        return self._notification(environ, app_id)

    # -- the status page --------------------------------------------------------------------

    def _status_page(self, route: str) -> tuple[int, dict[str, Any] | bytes, list[tuple[str, str]]]:
        from snaplint.notifications.page import THUMBNAIL_PATH, render_page

        assert self.status is not None
        if route.rstrip("/") == STATUS_PATH:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.clock()))
            page = render_page(
                self.status.views(), generated_at=stamp, has_thumbnail=self.status.has_thumbnail
            )
            return 200, page.encode(), [("Content-Type", "text/html; charset=utf-8")]
        parts = (
            route[len(THUMBNAIL_PATH) + 1 :].split("/") if route.startswith(THUMBNAIL_PATH) else []
        )
        if len(parts) == 2 and all(parts):
            image = self.status.thumbnail(unquote(parts[0]), unquote(parts[1]))
            if image is not None:
                return 200, image, [("Content-Type", "image/jpeg")]
        return 404, {"ok": False, "error": "not found"}, []

    # -- one notification ------------------------------------------------------------------

    def _notification(
        self, environ: dict[str, Any], app_id: str | None
    ) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        read = self._read(environ)
        if isinstance(read, tuple):
            return read
        body = read
        verified = self.secrets.verify(
            body, v2=environ.get(ENVIRON_V2), v1=environ.get(ENVIRON_V1), app_id=app_id
        )
        if verified is None:
            log.warning(
                "refused a notification from %s: %s",
                environ.get("REMOTE_ADDR", "?"),
                "wrong signature"
                if environ.get(ENVIRON_V2) or environ.get(ENVIRON_V1)
                else "no signature",
            )
            return 401, {"ok": False, "error": "missing or invalid signature"}, []
        event = parse_event(body, app_id=verified.app_id, received_ms=int(self.clock() * 1000))
        if isinstance(event, Malformed):
            log.warning("refused a signed notification: %s", event.reason)
            return 400, {"ok": False, "error": event.reason}, []
        try:
            new = self.store.add(event)
        except Exception as exc:  # StoreError, or a driver error a store let through
            kind = "" if isinstance(exc, StoreError) else f"{type(exc).__name__}: "
            log.error(
                "could not store notice %s (answered 503, Agora will resend): %s%s",
                event.notice_id,
                kind,
                self._scrub(str(exc)),
            )
            return 503, {"ok": False, "error": "event store unavailable"}, []
        log.debug(
            "stored notice %s (eventType %s, sid %s)%s",
            event.notice_id,
            event.event_type,
            event.sid,
            "" if new else " — duplicate",
        )
        return 200, {"ok": True, "duplicate": not new}, []

    def _read(
        self, environ: dict[str, Any]
    ) -> bytes | tuple[int, dict[str, Any], list[tuple[str, str]]]:
        """The body, or the answer refusing it (checked against ``max_body`` first)."""
        stream = environ["wsgi.input"]
        raw = (environ.get("CONTENT_LENGTH") or "").strip()
        if raw:
            if not raw.isdigit():
                return 400, {"ok": False, "error": "invalid Content-Length"}, []
            length = int(raw)
            if length > self.max_body:
                return _too_large(self.max_body)
            chunks: list[bytes] = []
            left = length
            while left > 0:
                chunk = stream.read(left)
                if not chunk:
                    return 400, {"ok": False, "error": "the body ended early"}, []
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        if not environ.get("wsgi.input_terminated"):
            # without a length, reading could block on a kept-alive connection (PEP 3333)
            return 411, {"ok": False, "error": "Content-Length required"}, []
        body = stream.read(self.max_body + 1)  # capped: never more than one byte too many
        if len(body) > self.max_body:
            return _too_large(self.max_body)
        return body

    def _scrub(self, text: str) -> str:
        """``text`` without any notification secret in it (log lines come from drivers)."""
        for secret in self.secrets.values():
            text = text.replace(secret, "***")
        return text


def _not_allowed(allow: str) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
    return 405, {"ok": False, "error": "method not allowed"}, [("Allow", allow)]


def _too_large(limit: int) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
    return 413, {"ok": False, "error": f"the body is larger than {limit} bytes"}, []


def create_app(
    store: EventStore,
    secrets: Secrets,
    *,
    path: str = DEFAULT_PATH,
    max_body: int = DEFAULT_MAX_BODY,
    clock: Callable[[], float] = time.time,
    status: StatusSource | None = None,
) -> Receiver:
    """The receiver's WSGI application over ``store``, verifying with ``secrets``; with
    ``status``, it serves the status page too."""
    return Receiver(store, secrets, path=path, max_body=max_body, clock=clock, status=status)
