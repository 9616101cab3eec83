"""What a Cloud Recording call answers: typed results, and one exception class per kind of
failure (:func:`error_from_response` picks it). Callers tell failures apart with
``isinstance``, never by class name; the module imports no HTTP library, so the executor and
tests can use it without the client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from snaplint.agora import errors as agora_errors
from snaplint.redaction import scrub

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AcquireResult:
    resource_id: str
    raw: dict[str, Any]


@dataclass(frozen=True)
class StartResult:
    sid: str
    resource_id: str
    raw: dict[str, Any]


@dataclass(frozen=True)
class QueryResult:
    status: int  # serverResponse.status: 0…8, 20 (reference §3)
    slice_start_time: int | None  # Unix ms
    raw: dict[str, Any]


@dataclass(frozen=True)
class StopResult:
    uploading_status: str | None  # "uploaded" | "backuped" | "unknown" (v2 adds "stranded")
    raw: dict[str, Any]


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A failed Cloud Recording call."""

    def __init__(
        self,
        endpoint: str,
        *,
        http_status: int | None = None,
        code: int | None = None,
        reason: str | None = None,
        explanation: str = "",
        remedy: str = "",
        retryable: bool = False,
        attempts: int = 1,
        raw: Any = None,
    ) -> None:
        self.endpoint = endpoint
        self.http_status = http_status
        self.code = code
        self.reason = reason
        self.explanation = explanation
        self.remedy = remedy
        self.retryable = retryable
        self.attempts = attempts
        self.raw = raw
        super().__init__(self._line())

    def _line(self) -> str:
        where = [f"HTTP {self.http_status}"] if self.http_status is not None else []
        if self.code is not None:
            where.append(f"code {self.code}")
        if where:
            head = ", ".join(where) + (f" ({self.reason})" if self.reason else "")
        else:  # no HTTP answer at all (network failure)
            head = self.reason or "error"
        text = f"{self.endpoint} failed: {head}"
        if self.explanation:
            text += f": {self.explanation}"
        if self.remedy:
            text += f" — {self.remedy}"
        return text

    def __str__(self) -> str:
        return self._line()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self.endpoint!r}, http_status={self.http_status!r}, "
            f"code={self.code!r}, reason={self.reason!r}, attempts={self.attempts})"
        )


class WorkerNotFoundError(ApiError):
    """404 "failed to find worker": the session ended, never started, or is migrating."""


class AlreadyStartedError(ApiError):
    """201 code 7: this resourceId already started a session."""


class TaskConflictError(ApiError):
    """400 code 53: the same App ID + cname + uid already has a running session."""


class InvalidOperationError(ApiError):
    """400 code 49: the session is already exiting (repeated stop, idle timeout…)."""


class NoRecordedDataError(ApiError):
    """206 code 435 on stop: nothing was recorded; the session is stopped nonetheless."""


class ResourceExpiredError(ApiError):
    """Code 433: the resourceId expired (5 minutes to start; resourceExpiredHour after)."""


class ResourceMismatchError(ApiError):
    """Codes 432, 1001, 1003: the resourceId does not fit the App ID, cname, uid or sid."""


class InvalidParameterError(ApiError):
    """Code 2 (or 8, 1013, 1028, acquire's 400/401): the request itself is wrong."""


class AuthError(ApiError):
    """401: missing or wrong customer credentials."""


class RateLimitedError(ApiError):
    """429 after the retries: too many requests for this App ID."""


class ServerError(ApiError):
    """5xx or a retryable body code, still failing after the retries."""


class TransportError(ApiError):
    """The network failed (connection refused, reset, timeout) after the retries."""


class RouteNotFoundError(ApiError):
    """404 "no Route matched": wrong URL, method or endpoint."""


_BY_CODE: dict[int, type[ApiError]] = {
    7: AlreadyStartedError,
    53: TaskConflictError,
    49: InvalidOperationError,
    435: NoRecordedDataError,
    433: ResourceExpiredError,
    432: ResourceMismatchError,
    1001: ResourceMismatchError,
    1003: ResourceMismatchError,
    2: InvalidParameterError,
    8: InvalidParameterError,
    400: InvalidParameterError,
    401: InvalidParameterError,
    1013: InvalidParameterError,
    1028: InvalidParameterError,
    404: WorkerNotFoundError,
}


def error_from_response(
    endpoint: str,
    http_status: int,
    body: Any,
    *,
    attempts: int = 1,
    secrets: Sequence[str] = (),
) -> ApiError:
    """The typed error for one failed response (also used on recorded bodies in tests)."""
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        code = None
    message = None
    if isinstance(body, dict):
        message = body.get("reason") or body.get("message")
        message = str(message) if message is not None else None
    info = agora_errors.explain(http_status, code, message, endpoint)
    reason = scrub(message, secrets) if message else info.reason
    cls: type[ApiError]
    if code is not None and code in _BY_CODE:
        cls = _BY_CODE[code]
    elif http_status == 401:
        cls = AuthError
    elif http_status == 429:
        cls = RateLimitedError
    elif http_status == 404 and message and "failed to find worker" in message.lower():
        cls = WorkerNotFoundError
    elif http_status == 404:
        cls = RouteNotFoundError
    elif http_status >= 500 or (code is not None and code in agora_errors.RETRYABLE_CODES):
        cls = ServerError
    else:
        cls = ApiError
    raw = body if isinstance(body, dict | list) else None
    return cls(
        endpoint,
        http_status=http_status,
        code=code,
        reason=reason,
        explanation=info.explanation,
        remedy=info.remedy,
        retryable=agora_errors.is_retryable(http_status, code, endpoint),
        attempts=attempts,
        raw=raw,
    )
