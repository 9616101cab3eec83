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

Retries: urllib3's ``Retry`` (mounted through ``HTTPAdapter``) retries 429 and 5xx answers,
connection and read errors, for every method (the reference says to repeat the same
parameters), with exponential backoff ``backoff_factor·2^(n−1)`` plus jitter and honouring
``Retry-After``. Body codes the reference calls retryable on other statuses (206 code 65 …)
go through a small loop on top that reuses ``Retry``'s backoff. Other 4xx are never retried.
After a network failure or a gateway 5xx the next domain of the failover chain is tried
(``api.agora.io`` ↔ ``api.sd-rtn.com``, then regional domains; backoff 1, 3, 6 s).

Rate: every attempt — first tries, urllib3 retries, body-code retries, failovers — first takes
a token from the App ID's :class:`~snaplint.agora.ratelimit.TokenBucket` (shared by all clients and
threads of the process through ``snaplint.agora.ratelimit.SHARED``).

Secrets: the customer secret lives in a :class:`~snaplint.redaction.Secret`; error text is
scrubbed of every secret value of the request body; request bodies are never logged and the
client's ``repr`` shows no secret.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import takewhile
from typing import Any
from urllib.parse import quote, urlsplit

import requests
import requests.auth
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from snaplint.agora import errors as agora_errors
from snaplint.agora.endpoint import check_endpoint as _endpoint_policy
from snaplint.agora.endpoint import is_loopback_host

# re-exported (``X as X``): callers and tests know them as client.X
from snaplint.agora.exceptions import (
    AcquireResult as AcquireResult,
)
from snaplint.agora.exceptions import (
    AlreadyStartedError as AlreadyStartedError,
)
from snaplint.agora.exceptions import (
    ApiError as ApiError,
)
from snaplint.agora.exceptions import (
    AuthError as AuthError,
)
from snaplint.agora.exceptions import (
    InvalidOperationError as InvalidOperationError,
)
from snaplint.agora.exceptions import (
    InvalidParameterError as InvalidParameterError,
)
from snaplint.agora.exceptions import (
    NoRecordedDataError as NoRecordedDataError,
)
from snaplint.agora.exceptions import (
    QueryResult as QueryResult,
)
from snaplint.agora.exceptions import (
    RateLimitedError as RateLimitedError,
)
from snaplint.agora.exceptions import (
    ResourceExpiredError as ResourceExpiredError,
)
from snaplint.agora.exceptions import (
    ResourceMismatchError as ResourceMismatchError,
)
from snaplint.agora.exceptions import (
    RouteNotFoundError as RouteNotFoundError,
)
from snaplint.agora.exceptions import (
    ServerError as ServerError,
)
from snaplint.agora.exceptions import (
    StartResult as StartResult,
)
from snaplint.agora.exceptions import (
    StopResult as StopResult,
)
from snaplint.agora.exceptions import (
    TaskConflictError as TaskConflictError,
)
from snaplint.agora.exceptions import (
    TransportError as TransportError,
)
from snaplint.agora.exceptions import (
    WorkerNotFoundError as WorkerNotFoundError,
)
from snaplint.agora.exceptions import (
    error_from_response as error_from_response,
)
from snaplint.agora.ratelimit import SHARED, RateLimiters
from snaplint.redaction import Secret, scrub, secret_values

log = logging.getLogger("snaplint.agora.client")

DEFAULT_ENDPOINT = "https://api.agora.io"
# Both primary domains and the regional ones (reference §1.1, §7.2; BP domain table).
PRIMARY_HOSTS = ("api.agora.io", "api.sd-rtn.com")
REGIONS = (
    "us-west-1",
    "us-east-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "eu-west-1",
    "eu-central-1",
    "cn-east-1",
    "cn-north-1",
)
CONTENT_TYPE = "application/json;charset=utf-8"
MODES = ("individual", "mix", "web", "raw")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_APP_IN_PATH = re.compile(r"/v1/apps/([^/]+)/")


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Credentials:
    """Customer ID and secret for HTTP Basic auth (reference AUTH)."""

    customer_id: str
    customer_secret: Secret

    @classmethod
    def of(cls, customer_id: str, customer_secret: str | Secret) -> Credentials:
        secret = customer_secret if isinstance(customer_secret, Secret) else Secret(customer_secret)
        return cls(customer_id, secret)

    def header(self) -> Secret:
        token = base64.b64encode(
            f"{self.customer_id}:{self.customer_secret.reveal()}".encode()
        ).decode()
        return Secret(f"Basic {token}")

    def __repr__(self) -> str:
        return f"Credentials(customer_id={_mask(self.customer_id)!r}, customer_secret=***)"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry and backoff settings (defaults from reference §7.2)."""

    total: int = 3
    # backoff_factor·2^(n−1): 3 s, 6 s, 12 s — BP: code 65 → 3 s then 6 s; start 50x → 3, 6, 9 s
    backoff_factor: float = 3.0
    backoff_jitter: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 60.0
    failover_backoff: tuple[float, ...] = (1.0, 3.0, 6.0)  # BP domain failover


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0  # a synchronous stop waits for the upload (≤ 20 s, API-26)


def check_endpoint(url: str, setting: str = "the API endpoint") -> str:
    """The endpoint without a trailing slash, checked by :mod:`snaplint.agora.endpoint`'s policy
    (``EndpointError``, a ``ValueError``, otherwise)."""
    return _endpoint_policy(url, setting=setting).url


def failover_endpoints(endpoint: str, regions: Sequence[str] = ()) -> list[str]:
    """The domain failover chain (reference §7.2): this domain, the other primary domain,
    then the given regional domains of this domain's family. Other endpoints stand alone."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.scheme != "https" or host not in PRIMARY_HOSTS or parts.port:
        return [endpoint]
    other = PRIMARY_HOSTS[1] if host == PRIMARY_HOSTS[0] else PRIMARY_HOSTS[0]
    family = host.removeprefix("api.")
    chain = [f"https://{host}", f"https://{other}"]
    for region in regions:
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r} (one of {', '.join(REGIONS)})")
        chain.append(f"https://api-{region}.{family}")
    return chain


def _mask(value: str) -> str:
    return value[:4] + "…" if len(value) > 6 else "…"


# --------------------------------------------------------------------------- retry plumbing


class _RetryHooks:
    def __init__(
        self,
        gate: Callable[[str], None],
        sleep: Callable[[float], None],
        on_retry: Callable[[], None],
    ):
        self.gate = gate
        self.sleep = sleep
        self.on_retry = on_retry


class _GatedRetry(Retry):
    """urllib3 ``Retry`` whose waits go through injectable sleep and the token bucket.

    Backoff counts from the first error (``factor·2^(n−1)``), where stock urllib3 retries the
    first failure at once: the reference asks for a pause before the first retry (BP: 3 s).
    """

    def __init__(self, *args: Any, hooks: _RetryHooks | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hooks = hooks
        self.last_url: str | None = None

    def new(self, **kw: Any) -> _GatedRetry:
        kw.setdefault("hooks", self.hooks)
        return super().new(**kw)

    def increment(
        self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any
    ) -> _GatedRetry:
        new = super().increment(method, url, *args, **kwargs)
        new.last_url = url
        return new

    def get_backoff_time(self) -> float:
        errors = len(list(takewhile(lambda h: h.redirect_location is None, reversed(self.history))))
        if errors == 0:
            return 0.0
        value = self.backoff_factor * (2 ** (errors - 1))
        if self.backoff_jitter:
            value += random.random() * self.backoff_jitter
        return float(max(0.0, min(self.backoff_max, value)))

    def sleep(self, response: Any = None) -> None:
        delay = None
        if self.respect_retry_after_header and response is not None:
            delay = self.get_retry_after(response)
        if delay is None:
            delay = self.get_backoff_time()
        hooks = self.hooks
        if hooks is None:
            time.sleep(delay)
            return
        hooks.on_retry()
        if delay > 0:
            hooks.sleep(delay)
        m = _APP_IN_PATH.search(self.last_url or "")
        hooks.gate(m.group(1) if m else "")


# --------------------------------------------------------------------------- the client


class _KeepHeaders(requests.auth.AuthBase):
    """No-op auth: the Authorization header is set per request and must stay as it is."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class CloudRecordingClient:
    """A Cloud Recording client; thread-safe (one ``requests.Session`` per thread)."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        endpoints: Sequence[str] | None = None,
        regions: Sequence[str] = (),
        qps: float = 10.0,
        burst: float = 1.0,
        limiters: RateLimiters = SHARED,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        transport: BaseAdapter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_attempt: Callable[[str, float], None] | None = None,
        description: str | None = None,
        modes: Sequence[str] = MODES,
    ) -> None:
        """``transport`` replaces the network (embedded emulator); then ``endpoint`` is only a
        URL prefix and no scheme check applies. ``on_attempt(app_id, grant_time)`` is called
        right before every request goes out, with the token's grant time on the rate limiter's
        clock (``time.monotonic`` by default) (tests, metrics). ``modes`` limits the URL modes
        (e.g. without ``raw`` when the selected API revision predates Individual Recording v2)."""
        if transport is None:
            chain = (
                [check_endpoint(e) for e in endpoints]
                if endpoints
                else failover_endpoints(check_endpoint(endpoint), regions)
            )
        else:
            chain = [endpoint.rstrip("/")]
        self.endpoints = chain
        self.credentials = credentials
        self._auth = credentials.header()
        self._secret_values = {credentials.customer_secret.reveal(), self._auth.reveal()}
        self.qps = qps
        self.burst = burst
        self._limiters = limiters
        self.retry = retry or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self._transport = transport
        self._sleep = sleep
        self._on_attempt = on_attempt
        self.description = description or f"Agora Cloud Recording at {self.endpoints[0]}"
        self.modes = tuple(modes)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        self.default_app_id: str | None = None  # set by connection.open_client
        self.embedded: Any = None  # the EmbeddedEmulator behind ``transport``, if any

    def __repr__(self) -> str:
        return (
            f"CloudRecordingClient(endpoints={self.endpoints!r}, "
            f"customer_id={_mask(self.credentials.customer_id)!r}, qps={self.qps})"
        )

    # -- plumbing ---------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.stats[key] += n

    def _gate(self, app_id: str) -> None:
        granted = self._limiters.get(app_id, self.qps, self.burst).acquire()
        self._count("attempts")
        if self._on_attempt is not None:
            self._on_attempt(app_id, granted)

    def _new_retry(self) -> _GatedRetry:
        r = self.retry
        return _GatedRetry(
            total=r.total,
            connect=r.total,
            read=r.total,
            status=r.total,
            other=0,
            redirect=0,
            allowed_methods=None,  # every method: the reference says retry with the same parameters
            status_forcelist=RETRY_STATUSES,
            backoff_factor=r.backoff_factor,
            backoff_jitter=r.backoff_jitter,
            backoff_max=r.backoff_max,
            retry_after_max=int(r.retry_after_max),
            raise_on_status=False,
            raise_on_redirect=False,
            respect_retry_after_header=True,
            hooks=_RetryHooks(self._gate, self._sleep, lambda: self._count("retries")),
        )

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # Real endpoints honour the environment's proxy settings; loopback and in-process
            # endpoints must not be sent through a proxy. A session-level auth (even a no-op)
            # keeps ~/.netrc from replacing the Authorization header.
            session.trust_env = self._transport is None and not all(
                is_loopback_host(urlsplit(e).hostname) for e in self.endpoints
            )
            session.auth = _KeepHeaders()
            if self._transport is not None:
                session.mount("http://", self._transport)
                session.mount("https://", self._transport)
            else:
                adapter = HTTPAdapter(
                    max_retries=self._new_retry(), pool_connections=4, pool_maxsize=32
                )
                session.mount("http://", adapter)
                session.mount("https://", adapter)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> CloudRecordingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, endpoint: str, method: str, path: str, app_id: str, body: Any = None) -> Any:
        """Send one API call with pacing, retries and failover; the decoded 200 body."""
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Authorization": self._auth.reveal(), "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = CONTENT_TYPE
        secrets = sorted(secret_values(body) | self._secret_values, key=len, reverse=True)
        attempts = 0
        failure: ApiError | None = None
        for index, base in enumerate(self.endpoints):
            if index:
                backoff = self.retry.failover_backoff
                self._sleep(backoff[min(index - 1, len(backoff) - 1)] if backoff else 0.0)
                log.info("%s: switching to %s", endpoint, base)
                self._count("failovers")
            body_retry = self._new_retry()
            while True:
                self._gate(app_id)
                attempts += 1
                try:
                    resp = self._session().request(
                        method,
                        base + path,
                        data=payload,
                        headers=headers,
                        timeout=(self.timeouts.connect, self.timeouts.read),
                        allow_redirects=False,
                    )
                except requests.RequestException as exc:
                    failure = self._transport_error(endpoint, base, exc, attempts, secrets)
                    log.debug("%s %s → %s", method, path, failure.reason)
                    break  # urllib3 already retried this domain; try the next one
                urllib3_retries = self._urllib3_retries(resp)
                attempts += urllib3_retries
                status = resp.status_code
                data = self._decode(resp)
                code = data.get("code") if isinstance(data, dict) else None
                log.debug(
                    "%s %s → HTTP %s code %s (attempt %d)", method, path, status, code, attempts
                )
                self._count(f"http_{status}")
                if status == 200:
                    return data
                error = error_from_response(
                    endpoint, status, data, attempts=attempts, secrets=secrets
                )
                # urllib3 already retried statuses it knows, unless a transport replaced it
                urllib3_handled = status in RETRY_STATUSES and self._transport is None
                if not urllib3_handled and (
                    (code is not None and code in agora_errors.RETRYABLE_CODES and error.retryable)
                    or (self._transport is not None and status in RETRY_STATUSES)
                ):
                    try:
                        body_retry = body_retry.increment(method, path)
                    except MaxRetryError:
                        raise error from None
                    delay = self._retry_after(resp, body_retry)
                    self._count("retries")
                    log.info("%s: %s; retrying in %.1f s", endpoint, error.reason, delay)
                    if delay > 0:
                        self._sleep(delay)
                    continue
                if status >= 500 and code is None and index + 1 < len(self.endpoints):
                    failure = error  # a gateway failure: another domain may answer
                    break
                raise error
        assert failure is not None
        raise failure

    @staticmethod
    def _urllib3_retries(resp: requests.Response) -> int:
        retries = getattr(getattr(resp, "raw", None), "retries", None)
        history = getattr(retries, "history", ()) or ()
        return len(history)

    @staticmethod
    def _retry_after(resp: requests.Response, retry: _GatedRetry) -> float:
        header = resp.headers.get("Retry-After")
        if header is not None:
            try:
                return retry.parse_retry_after(header)
            except Exception:  # an unparseable header falls back to backoff
                pass
        return retry.get_backoff_time()

    @staticmethod
    def _decode(resp: requests.Response) -> Any:
        if not resp.content:
            return {}
        try:
            return resp.json()
        except ValueError:
            return {"message": resp.text[:200]}

    def _transport_error(
        self,
        endpoint: str,
        base: str,
        exc: requests.RequestException,
        attempts: int,
        secrets: Sequence[str],
    ) -> TransportError:
        kind = type(exc).__name__
        if isinstance(exc, requests.Timeout):
            detail = "the request timed out"
        elif isinstance(exc, requests.ConnectionError):
            detail = "the connection failed or was dropped"
        else:
            detail = "the request failed"
        self._count("transport_errors")
        return TransportError(
            endpoint,
            reason=f"network error ({kind})",
            explanation=scrub(f"{detail} talking to {base}", secrets),
            remedy="check the network and api.endpoint; retried with backoff already",
            retryable=True,
            attempts=attempts,
        )

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
