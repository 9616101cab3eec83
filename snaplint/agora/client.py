"""HTTP client for the Agora Cloud Recording REST API (nothing but HTTP).

Follows the reference (``agora-cloud-recording.md``) exactly: §1 URL templates and bodies,
Basic auth (AUTH), ``Content-Type: application/json;charset=utf-8``, §6 error codes, §7.1 the
10 requests/s per App ID limit, §7.2 retries and domain failover.

Interface used by plan/apply::

    client = CloudRecordingClient(Credentials(customer_id, customer_secret), endpoint=...)
    client.acquire(app_id, cname, uid, client_request) -> AcquireResult(resource_id, raw)
    client.start(app_id, resource_id, mode, cname, uid, client_request)
        -> StartResult(sid, resource_id, raw)
    client.query(app_id, resource_id, sid, mode) -> QueryResult(status, slice_start_time, raw)
    client.update(app_id, resource_id, sid, mode, cname, uid, client_request) -> None
        # client_request: {"streamSubscribe": …} and/or {"storageConfig": …}
    client.stop(app_id, resource_id, sid, mode, cname, uid, async_stop=False)
        -> StopResult(uploading_status, raw)

(``update_layout`` and ``ncs_ips`` complete the documented endpoint set.) ``connection.
open_client`` builds a client from the environment, or one backed by the embedded emulator.

Errors: every failure is an :class:`ApiError` with ``http_status``, ``code``, ``reason``,
``explanation``, ``remedy`` (from ``snaplint.agora.errors``), ``endpoint`` (the operation:
"start"), ``retryable`` and ``attempts``; ``str(err)`` is one line::

    start failed: HTTP 400, code 53 (task conflict): a session with this cname and uid is
    already running — use another uid or stop the other session

Subclasses for what callers branch on: :class:`WorkerNotFoundError` (404 "failed to find
worker"), :class:`AlreadyStartedError` (201 code 7), :class:`TaskConflictError` (code 53),
:class:`InvalidOperationError` (49), :class:`NoRecordedDataError` (206 code 435),
:class:`ResourceExpiredError` (433), :class:`ResourceMismatchError` (432/1001/1003),
:class:`InvalidParameterError` (code 2/8), :class:`AuthError` (401),
:class:`RateLimitedError` (429 after retries), :class:`ServerError` (5xx and retryable codes
after retries), :class:`TransportError` (network failure after retries).
``attempts > 1`` on e.g. an ``AlreadyStartedError`` means an earlier attempt of this very call
may have succeeded (its answer was lost).

Retries, pacing and domain failover are :mod:`snaplint.agora.transport`'s (urllib3 retries
paced by :mod:`snaplint.agora.retry`); credentials, retry policy, timeouts and the endpoint
chain are :mod:`snaplint.agora.clientconfig`'s.

Secrets: the customer secret lives in a :class:`~snaplint.redaction.Secret`; error text is
scrubbed of every secret value of the request body; request bodies are never logged and the
client's ``repr`` shows no secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from snaplint.agora.exceptions import AcquireResult, ApiError, QueryResult, StartResult, StopResult
from snaplint.agora.transport import Transport


class CloudRecordingClient(Transport):
    """A Cloud Recording client: the documented endpoints and their answers; thread-safe."""

    @staticmethod
    def _path(*parts: str) -> str:
        return "/" + "/".join(quote(str(p), safe="") for p in parts)

    def _mode(self, mode: str) -> str:
        if mode not in self.modes:
            raise ValueError(f"mode must be one of {', '.join(self.modes)} (got {mode!r})")
        return mode

    @staticmethod
    def _unexpected(endpoint: str, missing: str, data: Any) -> ApiError:
        return ApiError(
            endpoint,
            http_status=200,
            reason="unexpected response",
            explanation=f"the answer lacks {missing}",
            remedy="check that api.endpoint points at the Cloud Recording API",
            raw=data if isinstance(data, dict) else None,
        )

    def _expect(self, endpoint: str, data: Any, *keys: str) -> dict[str, Any]:
        if not isinstance(data, dict) or any(k not in data for k in keys):
            raise self._unexpected(endpoint, ", ".join(keys), data)
        return data

    # -- the API ------------------------------------------------------------------------------

    def acquire(
        self, app_id: str, cname: str, uid: str | int, client_request: Mapping[str, Any]
    ) -> AcquireResult:
        path = self._path("v1", "apps", app_id, "cloud_recording", "acquire")
        body = {"cname": cname, "uid": str(uid), "clientRequest": dict(client_request)}
        data = self._expect(
            "acquire", self.request("acquire", "POST", path, app_id, body), "resourceId"
        )
        return AcquireResult(data["resourceId"], data)

    def start(
        self,
        app_id: str,
        resource_id: str,
        mode: str,
        cname: str,
        uid: str | int,
        client_request: Mapping[str, Any],
    ) -> StartResult:
        path = self._path(
            "v1",
            "apps",
            app_id,
            "cloud_recording",
            "resourceid",
            resource_id,
            "mode",
            self._mode(mode),
            "start",
        )
        body = {"cname": cname, "uid": str(uid), "clientRequest": dict(client_request)}
        data = self._expect("start", self.request("start", "POST", path, app_id, body), "sid")
        return StartResult(data["sid"], data.get("resourceId", resource_id), data)

    def _session_path(self, app_id: str, resource_id: str, sid: str, mode: str, action: str) -> str:
        return self._path(
            "v1",
            "apps",
            app_id,
            "cloud_recording",
            "resourceid",
            resource_id,
            "sid",
            sid,
            "mode",
            self._mode(mode),
            action,
        )

    def query(self, app_id: str, resource_id: str, sid: str, mode: str) -> QueryResult:
        path = self._session_path(app_id, resource_id, sid, mode, "query")
        data = self._expect("query", self.request("query", "GET", path, app_id), "serverResponse")
        server = data["serverResponse"] if isinstance(data["serverResponse"], dict) else {}
        status = server.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            raise self._unexpected("query", "serverResponse.status", data)
        slice_start = server.get("sliceStartTime")
        return QueryResult(status, slice_start if isinstance(slice_start, int) else None, data)

    def update(
        self,
        app_id: str,
        resource_id: str,
        sid: str,
        mode: str,
        cname: str,
        uid: str | int,
        client_request: Mapping[str, Any],
    ) -> None:
        """``client_request``: ``streamSubscribe`` (replaces the subscription) and/or
        ``storageConfig`` (e.g. a refreshed STS token). Send updates one at a time (API-26)."""
        path = self._session_path(app_id, resource_id, sid, mode, "update")
        body = {"cname": cname, "uid": str(uid), "clientRequest": dict(client_request)}
        self.request("update", "POST", path, app_id, body)

    def update_layout(
        self,
        app_id: str,
        resource_id: str,
        sid: str,
        mode: str,
        cname: str,
        uid: str | int,
        client_request: Mapping[str, Any],
    ) -> None:
        """Composite (``mix``) sessions only; never valid for snapshot sessions."""
        path = self._session_path(app_id, resource_id, sid, mode, "updateLayout")
        body = {"cname": cname, "uid": str(uid), "clientRequest": dict(client_request)}
        self.request("updateLayout", "POST", path, app_id, body)

    def stop(
        self,
        app_id: str,
        resource_id: str,
        sid: str,
        mode: str,
        cname: str,
        uid: str | int,
        async_stop: bool = False,
    ) -> StopResult:
        """Stop a session. ``NoRecordedDataError`` (206 code 435) also means it stopped."""
        path = self._session_path(app_id, resource_id, sid, mode, "stop")
        body = {"cname": cname, "uid": str(uid), "clientRequest": {"async_stop": bool(async_stop)}}
        data = self.request("stop", "POST", path, app_id, body)
        server = data.get("serverResponse") if isinstance(data, dict) else None
        status = server.get("uploadingStatus") if isinstance(server, dict) else None
        return StopResult(
            status if isinstance(status, str) else None, data if isinstance(data, dict) else {}
        )

    def ncs_ips(self) -> list[str]:
        """``GET /v1/ncs/ip``: the notification servers' IPs (rotate daily)."""
        data = self.request("ncsIp", "GET", "/v1/ncs/ip", "")
        hosts = (
            data.get("data", {}).get("service", {}).get("hosts", [])
            if isinstance(data, dict)
            else []
        )
        return [h["primaryIP"] for h in hosts if isinstance(h, dict) and "primaryIP" in h]
