"""The client's HTTP transport: one API call paced, retried and failed over.

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

Secrets: error text is scrubbed of every secret value of the request body and of the
credentials; request bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import requests.auth
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.exceptions import MaxRetryError

from snaplint.agora import errors as agora_errors
from snaplint.agora.clientconfig import (
    DEFAULT_ENDPOINT,
    Credentials,
    RetryPolicy,
    Timeouts,
    check_endpoint,
    failover_endpoints,
    mask,
)
from snaplint.agora.endpoint import is_loopback_host
from snaplint.agora.exceptions import ApiError, TransportError, error_from_response
from snaplint.agora.ratelimit import SHARED, RateLimiters
from snaplint.agora.retry import RETRY_STATUSES, GatedRetry, RetryHooks
from snaplint.redaction import scrub, secret_values

log = logging.getLogger("snaplint.agora.client")  # one logger name for the whole client

CONTENT_TYPE = "application/json;charset=utf-8"
MODES = ("individual", "mix", "web", "raw")


class _KeepHeaders(requests.auth.AuthBase):
    """No-op auth: the Authorization header is set per request and must stay as it is."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class Transport:
    """Paced, retried, failing-over API calls; thread-safe (one ``requests.Session`` per
    thread). :class:`~snaplint.agora.client.CloudRecordingClient` adds the endpoints."""

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
            f"customer_id={mask(self.credentials.customer_id)!r}, qps={self.qps})"
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

    def _new_retry(self) -> GatedRetry:
        r = self.retry
        return GatedRetry(
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
            hooks=RetryHooks(self._gate, self._sleep, lambda: self._count("retries")),
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

    def __enter__(self) -> Self:
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
    def _retry_after(resp: requests.Response, retry: GatedRetry) -> float:
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
