"""HTTP semantics of the emulator, independent of sockets: Request → Response.

Used by the real server (``server.py``) and by the in-process transport of embedded mode
(``embedded.py``), so both behave identically.

Order of checks on an API request mirrors the service's gateway (the messages are Kong's,
reference §6.2): route (``404 {"message": "no Route matched with those values"}``), Basic auth
(``401 {"message": "Unauthorized"}`` without a header, ``401 {"message": "Invalid
authentication credentials"}`` for a wrong one or a malformed ``Content-Type``), the QPS
limit per App ID (``429 {"message": "API rate limit exceeded"}``), injected faults, the JSON
body (``400 {code 8}``), then the engine.

Control API under ``/_emulator/`` (no auth, loopback clients only): see ``docs/emulator.md``.
Every control value is checked (type, finite, range: ``bodies.py``) and refused with
``400 {"error": …}``; every body is parsed with depth and size limits. Methods the service has
no route for (HEAD, OPTIONS, TRACE …) get its documented ``404 {"message": "no Route matched
with those values"}``. :meth:`EmulatorApp.handle` never raises: an emulator bug is logged and
answered ``500`` JSON.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from snaplint.emulator.bodies import BodyError, flag, number, parse_json
from snaplint.emulator.clock import check_advance
from snaplint.emulator.engine import Engine, Reply
from snaplint.emulator.faults import FaultConfig, FaultInjector
from snaplint.emulator.notifier import media_switches, notifier_stats, report_details
from snaplint.emulator.validation import Reject

log = logging.getLogger("snaplint.emulator")

CONTENT_TYPES = ("application/json;charset=utf-8", "application/json")
DEFAULT_CUSTOMER_ID = "snaplint-emulator"
DEFAULT_CUSTOMER_SECRET = "snaplint-emulator-secret"  # public default, printed by the CLI
DEFAULT_APP_ID = "0123456789abcdef0123456789abcdef"  # any 32-hex App ID is accepted by default

NO_ROUTE = {"message": "no Route matched with those values"}

_ID = r"(?P<app>[^/]+)"
_BASE = rf"^/v1/apps/{_ID}/cloud_recording"
_SESSION = rf"{_BASE}/resourceid/(?P<rid>[^/]+)/sid/(?P<sid>[^/]+)/mode/(?P<mode>[^/]+)"
API_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(rf"{_BASE}/acquire$"), "acquire"),
    (
        "POST",
        re.compile(rf"{_BASE}/resourceid/(?P<rid>[^/]+)/mode/(?P<mode>[^/]+)/start$"),
        "start",
    ),
    ("GET", re.compile(rf"{_SESSION}/query$"), "query"),
    ("POST", re.compile(rf"{_SESSION}/update$"), "update"),
    ("POST", re.compile(rf"{_SESSION}/updateLayout$"), "updateLayout"),
    ("POST", re.compile(rf"{_SESSION}/stop$"), "stop"),
    ("GET", re.compile(r"^/v1/ncs/ip$"), "ncsIp"),
]

# (method, path under /_emulator/ with {placeholders}) of every control route: the table the
# docs and the malformed-body test walk (a test proves each one is routed)
CONTROL_ROUTES: list[tuple[str, str]] = [
    ("GET", "health"),
    ("GET", "config"),
    ("PATCH", "config"),
    ("GET", "sessions"),
    ("GET", "sessions/{sid}"),
    ("POST", "sessions/{sid}/failover"),
    ("GET", "channels"),
    ("GET", "apps/{app}/channels/{cname}/publishers"),
    ("POST", "apps/{app}/channels/{cname}/publishers"),
    ("DELETE", "apps/{app}/channels/{cname}/publishers/{uid}"),
    ("GET", "clock"),
    ("POST", "clock/advance"),
    ("GET", "faults"),
    ("PUT", "faults"),
    ("PATCH", "faults"),
    ("DELETE", "faults"),
    ("GET", "requests"),
    ("DELETE", "requests"),
    ("POST", "reset"),
]


@dataclass
class Request:
    method: str
    target: str  # path and query string
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    client: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers.items():
            if key.lower() == name:
                return value
        return None


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering

    def payload(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_loopback(host: str) -> bool:
    try:
        addr = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host == "localhost"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_loopback


class EmulatorApp:
    """Routes requests to the engine (API) or the control API."""

    def __init__(
        self,
        engine: Engine,
        *,
        customer_id: str = DEFAULT_CUSTOMER_ID,
        customer_secret: str = DEFAULT_CUSTOMER_SECRET,
        faults: FaultInjector | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log_size: int = 10_000,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        self.engine = engine
        self.faults = faults or FaultInjector()
        self._expected_auth = (
            "Basic " + base64.b64encode(f"{customer_id}:{customer_secret}".encode()).decode()
        )
        self._sleep = sleep
        self._log_lock = threading.Lock()
        self.requests: deque[dict[str, Any]] = deque(maxlen=log_size)
        self.info = dict(info or {})

    # ------------------------------------------------------------------ entry point

    def handle(self, req: Request) -> Response:
        try:
            parts = urlsplit(req.target)
            path = parts.path
            if path == "/_emulator" or path.startswith("/_emulator/"):
                return self._control(req, path, parse_qs(parts.query))
            return self._api(req, path)
        except Exception:  # an emulator bug: in the log, a JSON 500 for the client
            log.exception("emulator error on %s", req.method)
            return Response(500, {"code": 500, "reason": "internal_error"})

    # ------------------------------------------------------------------ API

    def _api(self, req: Request, path: str) -> Response:
        endpoint, params = None, {}
        for method, pattern, name in API_ROUTES:
            m = pattern.match(path)
            if m and req.method == method:
                endpoint, params = name, m.groupdict()
                break
        if endpoint is None:
            return Response(404, NO_ROUTE)
        app_id = params.get("app", "")
        entry: dict[str, Any] = {
            "time": time.time(),
            "monotonic": time.monotonic(),
            "method": req.method,
            "endpoint": endpoint,
            "appId": app_id,
        }
        response = self._api_checked(req, endpoint, params, entry)
        entry["status"] = None if response.drop else response.status
        entry["code"] = response.body.get("code") if isinstance(response.body, dict) else None
        entry["dropped"] = response.drop
        with self._log_lock:
            self.requests.append(entry)
        return response

    def _api_checked(
        self, req: Request, endpoint: str, params: dict[str, str], entry: dict[str, Any]
    ) -> Response:
        auth = req.header("Authorization")
        if auth is None:
            return Response(401, {"message": "Unauthorized"})
        if auth.strip() != self._expected_auth:
            return Response(401, {"message": "Invalid authentication credentials"})
        if req.method == "POST" and req.header("Content-Type") not in CONTENT_TYPES:
            # ERR-26: a malformed Content-Type fails authentication
            return Response(401, {"message": "Invalid authentication credentials"})
        app_id = params.get("app", "")
        if endpoint != "ncsIp" and not self.engine.allow_request(app_id):
            return Response(429, {"message": "API rate limit exceeded"})
        decision = self.faults.decide(endpoint)
        entry["injected"] = decision.injected
        if decision.latency:
            self._sleep(decision.latency)
        if decision.injected and decision.when == "before":
            return Response(
                decision.status or 0, decision.body, dict(decision.headers), drop=decision.drop
            )
        response = self._call_engine(req, endpoint, params)
        if decision.injected:  # "after": the engine acted, the answer is lost
            return Response(
                decision.status or 0, decision.body, dict(decision.headers), drop=decision.drop
            )
        return response

    def _call_engine(self, req: Request, endpoint: str, params: dict[str, str]) -> Response:
        body: Any = None
        if req.method == "POST":
            try:
                body = parse_json(req.body) if req.body else None
            except BodyError as exc:
                return Response(400, {"code": 8, "reason": f"invalid JSON body: {exc}"})
            if body is None:
                return Response(400, {"code": 2, "reason": "the request body is required"})
        e = self.engine
        e.uploading_status = self.faults.config.uploading_status or "uploaded"
        app, rid, sid, mode = (params.get(k, "") for k in ("app", "rid", "sid", "mode"))
        try:
            if endpoint == "acquire":
                reply = e.acquire(app, body)
            elif endpoint == "start":
                reply = e.start(app, rid, mode, body)
            elif endpoint == "query":
                reply = e.query(app, rid, sid, mode)
            elif endpoint == "update":
                reply = e.update(app, rid, sid, mode, body)
            elif endpoint == "updateLayout":
                reply = e.update_layout(app, rid, sid, mode, body)
            elif endpoint == "stop":
                reply = e.stop(app, rid, sid, mode, body)
            else:
                reply = Reply(200, {"data": {"service": {"hosts": [{"primaryIP": "127.0.0.1"}]}}})
        except Reject as r:
            return Response(r.status, r.body())
        except Exception:  # an emulator bug: loud in the log, a 500 for the client
            log.exception("emulator error on %s", endpoint)
            return Response(500, {"code": 500, "reason": "internal_error"})
        return Response(reply.status, reply.body, dict(reply.headers))

    # ------------------------------------------------------------------ control API

    def _control(self, req: Request, path: str, query: dict[str, list[str]]) -> Response:
        if not is_loopback(req.client):
            return Response(403, {"error": "the control API only answers loopback clients"})
        segments = [unquote(p) for p in path.split("/")[2:] if p != ""]
        try:
            body = parse_json(req.body) if req.body else {}
        except BodyError as exc:
            return Response(400, {"error": f"the body must be JSON: {exc}"})
        try:
            return Response(200, self._control_route(req.method, segments, query, body))
        except ControlError as exc:
            return Response(exc.status, {"error": str(exc)})
        except Reject as r:
            return Response(400, {"error": r.reason})
        except (ValueError, TypeError) as exc:
            return Response(400, {"error": str(exc)})

    def _control_route(
        self, method: str, seg: list[str], query: dict[str, list[str]], body: Any
    ) -> Any:
        e = self.engine
        match (method, seg):
            case ("GET", ["health"]):
                return {"ok": True, "now": e.tick()}
            case ("GET", ["config"]):
                return self._config_view()
            case ("PATCH", ["config"]):
                return self._patch_config(body)
            case ("GET", ["sessions"]):
                return e.list_sessions(query.get("state", [None])[0])
            case ("GET", ["sessions", sid]):
                view = e.get_session(sid)
                if view is None:
                    raise ControlError(404, f"no session {sid}")
                return view
            case ("POST", ["sessions", sid, "failover"]):
                try:
                    return e.failover(sid)
                except KeyError:
                    raise ControlError(404, f"no running session {sid}") from None
            case ("GET", ["channels"]):
                return e.list_channels()
            case ("GET", ["apps", app, "channels", cname, "publishers"]):
                return e.list_publishers(app, cname)
            case ("POST", ["apps", app, "channels", cname, "publishers"]):
                if not isinstance(body, dict) or "uid" not in body:
                    raise ControlError(
                        400, 'body must be {"uid": "1001", "video": true, "audio": true}'
                    )
                uid = body["uid"]
                if isinstance(uid, bool) or not isinstance(uid, str | int):
                    raise ControlError(400, "uid must be a string or an integer")
                return e.add_publisher(
                    app,
                    cname,
                    str(uid),
                    video=flag(body.get("video", True), "video"),
                    audio=flag(body.get("audio", True), "audio"),
                )
            case ("PATCH", ["apps", app, "channels", cname, "publishers", uid]):
                try:
                    return e.set_publisher(app, cname, uid, **media_switches(body))
                except KeyError:
                    raise ControlError(404, f"uid {uid} is not publishing in {cname}") from None
            case ("POST", ["sessions", sid, ("error" | "warning") as kind]):
                try:
                    e.report(sid, report_details(kind, body), warning=kind == "warning")
                except KeyError:
                    raise ControlError(404, f"no running session {sid}") from None
                return {"reported": kind}
            case ("GET", ["notifications"]):
                return notifier_stats(e.notifier)
            case ("DELETE", ["apps", app, "channels", cname, "publishers", uid]):
                if not e.remove_publisher(app, cname, uid):
                    raise ControlError(404, f"uid {uid} is not publishing in {cname}")
                return {"removed": uid}
            case ("GET", ["clock"]):
                return {"now": e.tick()}
            case ("POST", ["clock", "advance"]):
                seconds = body.get("seconds") if isinstance(body, dict) else None
                try:
                    seconds = check_advance(seconds)  # type: ignore[arg-type]
                except ValueError as exc:
                    raise ControlError(400, f'body must be {{"seconds": N}}: {exc}') from None
                return {"now": e.advance(seconds)}
            case ("GET", ["faults"]):
                return self.faults.config.to_dict()
            case ("PUT", ["faults"]):
                self.faults.configure(FaultConfig.from_dict(body))
                return self.faults.config.to_dict()
            case ("PATCH", ["faults"]):
                self.faults.configure(self.faults.config.merged(body))
                return self.faults.config.to_dict()
            case ("DELETE", ["faults"]):
                self.faults.configure(FaultConfig())
                return self.faults.config.to_dict()
            case ("GET", ["requests"]):
                with self._log_lock:
                    return list(self.requests)
            case ("DELETE", ["requests"]):
                with self._log_lock:
                    self.requests.clear()
                return []
            case ("POST", ["reset"]):
                e.reset()
                e.clock.reset()  # undo every advance, as a restart would
                self.faults.configure(FaultConfig())
                with self._log_lock:
                    self.requests.clear()
                return {"reset": True}
        raise ControlError(404, f"no control route {method} /_emulator/{'/'.join(seg)}")

    def _config_view(self) -> dict[str, Any]:
        e = self.engine
        return {
            **self.info,
            "qps": e.qps,
            "appIds": sorted(e.app_ids) if e.app_ids else None,
            "failoverRecovery": e.failover_recovery,
            "maxSessions": e.max_sessions,
            "autoPublishers": e.auto_publishers,
            "captureCap": e.capture_cap,
        }

    def _patch_config(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        e = self.engine
        # each value → (engine attribute, the checked value); null turns qps/maxSessions off
        checks: dict[str, Callable[[Any], tuple[str, Any]]] = {
            "qps": lambda x: ("qps", _qps(x)),
            "failoverRecovery": lambda x: (
                "failover_recovery",
                float(number(x, "failoverRecovery", maximum=86400)),
            ),
            "maxSessions": lambda x: (
                "max_sessions",
                None if x is None else number(x, "maxSessions", maximum=10**6, integer=True),
            ),
            "autoPublishers": lambda x: ("auto_publishers", flag(x, "autoPublishers")),
            "captureCap": lambda x: (
                "capture_cap",
                number(x, "captureCap", minimum=1, maximum=10**6, integer=True),
            ),
        }
        unknown = set(body) - set(checks)
        if unknown:
            raise ControlError(400, f"unknown settings: {', '.join(sorted(unknown))}")
        # check all before setting any, so a refused PATCH changes nothing
        changes = [checks[key](value) for key, value in body.items()]
        for attribute, value in changes:
            setattr(e, attribute, value)
        return self._config_view()


def _qps(value: Any) -> float | None:
    """The QPS limit from a control value: null or 0 turn it off, otherwise > 0."""
    if value is None or (value == 0 and not isinstance(value, bool)):
        return None
    return float(number(value, "qps", maximum=1e6, exclusive_minimum=True))
