"""Cloud Recording error codes → what they mean and what to do (reference §6, §5, §7.2).

Every explanation and remedy here paraphrases the reference catalogue
(``/work/shared/reference/agora-cloud-recording.md``); the ``source`` of each entry names the
reference tags it comes from. The client (``snaplint.agora.client``) uses :func:`explain` to turn a
failed response into a one-line message; the emulator uses the same ``reason`` strings in the
bodies it returns, so both sides speak the same words.

Lookup order in :func:`explain`: an endpoint-specific meaning of the body code, the body code,
the body ``message`` (errors without a code, e.g. 401/404/429), then the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What one Agora error means."""

    reason: str  # short name as the service words it ("task conflict")
    explanation: str  # one clause, lower case: what happened
    remedy: str  # one clause, lower case: what to do
    retryable: bool  # the same request may succeed when retried (the client does so)
    source: str  # reference tags


_FIX = "fix the request (run `snaplint lint` on the manifest); do not retry"

# body "code" → meaning (reference §6.2)
BODY_CODES: dict[int, ErrorInfo] = {
    2: ErrorInfo(
        "invalid parameter",
        "a parameter is invalid: wrong type, misspelt or mis-cased field name, out of range, "
        "or a required field is missing",
        _FIX,
        False,
        "ERR-old; ERR-26; BP #5",
    ),
    7: ErrorInfo(
        "already started",
        "this resourceId has already started a session",
        "do not start again: query the running session, or acquire a new resourceId",
        False,
        "ERR-old; ERR-26",
    ),
    8: ErrorInfo(
        "invalid request",
        "the request header or URL is wrong: bad Content-Type, `cloud_recording` missing in the "
        "URL, wrong HTTP method, or a body that is not valid JSON",
        "send exactly `Content-Type: application/json;charset=utf-8` to a documented URL",
        False,
        "ERR-old; PY",
    ),
    49: ErrorInfo(
        "invalid operation",
        "the session is already exiting (a repeated stop, the bot was removed, or maxIdleTime "
        "was reached)",
        "nothing to do; acquire a new resourceId to record again",
        False,
        "ERR-old; ERR-26",
    ),
    50: ErrorInfo(
        "upload timeout",
        "uploading the files took longer than 20 s during a synchronous stop",
        "check the storage configuration and credentials",
        False,
        "API-26 stop; NCS",
    ),
    53: ErrorInfo(
        "task conflict",
        "a session with this cname and uid is already running",
        "use another uid or stop the other session",
        False,
        "ERR-26; ERR-old",
    ),
    62: ErrorInfo(
        "request timeout",
        "the request timed out inside the service",
        "retry; if retrying fails, acquire and start again",
        True,
        "ERR-26; ERR-old",
    ),
    65: ErrorInfo(
        "request not completed",
        "the request did not complete (network jitter)",
        "retry with the same parameters and resourceId after 3 s, then 6 s",
        True,
        "ERR-26; ERR-old; BP",
    ),
    109: ErrorInfo(
        "token expired",
        "the RTC token has expired",
        "mint a new token and start a new session",
        False,
        "ERR-old",
    ),
    110: ErrorInfo(
        "token invalid",
        "the RTC token is invalid",
        "fix the token (it must be for this channel and uid)",
        False,
        "ERR-old",
    ),
    400: ErrorInfo(
        "invalid_appid",
        "the App ID is invalid or Cloud Recording is not enabled for it",
        "check the App ID and enable Cloud Recording for it in the Agora Console",
        False,
        "ERR-26",
    ),
    401: ErrorInfo(
        "invalid_channel_name",
        "the channel name contains unsupported characters",
        "use a cname under 64 bytes of letters, digits, space and ! # $ % & ( ) + - : ; < = . > ? "
        "@ [ ] ^ _ { } | ~ ,",
        False,
        "ERR-26; ERR-old",
    ),
    404: ErrorInfo(
        "failed to find worker",
        "no running session has this sid: it ended (stopped, idle timeout, 4th failover), never "
        "started, or is migrating during a failover",
        "during a failover this lasts up to 90 s, so query again with backoff (5, 10, 15 s) "
        "before treating the session as ended",
        False,
        "ERR-26; BP",
    ),
    405: ErrorInfo(
        "no_active_status",
        "the app is unavailable (for example an overdue account)",
        "check the Agora account status",
        False,
        "ERR-26",
    ),
    406: ErrorInfo(
        "vendor_over_load",
        "the concurrent-session limit is exceeded",
        "retry later and look for leaked sessions",
        False,
        "ERR-26",
    ),
    432: ErrorInfo(
        "resource mismatch",
        "a parameter is invalid, or the App ID, cname or uid do not match the resourceId",
        "use the same App ID, cname and uid as the acquire call",
        False,
        "ERR-old",
    ),
    433: ErrorInfo(
        "resource expired",
        "the resourceId has expired (start came more than 5 minutes after acquire, or "
        "resourceExpiredHour has passed since start)",
        "acquire a new resourceId and call start right away",
        False,
        "ERR-old; API-26",
    ),
    435: ErrorInfo(
        "no recorded data",
        "nothing was recorded: no one published a subscribed stream during the session",
        "none needed; the session is stopped",
        False,
        "ERR-old; ERR-26",
    ),
    500: ErrorInfo(
        "internal_error",
        "the service had an internal error",
        "retry with backoff",
        True,
        "ERR-26",
    ),
    501: ErrorInfo(
        "no_worker_manager_available",
        "no worker manager was available",
        "retry with backoff",
        True,
        "ERR-26",
    ),
    502: ErrorInfo(
        "Failed to allocate worker",
        "the service could not allocate a worker",
        "acquire a new resourceId and start again",
        False,
        "ERR-26",
    ),
    504: ErrorInfo(
        "allocate_timeout",
        "allocating a worker timed out",
        "retry with backoff",
        True,
        "ERR-26",
    ),
    1001: ErrorInfo(
        "invalid resourceId",
        "the resourceId cannot be parsed",
        "acquire again and use the resourceId exactly as returned",
        False,
        "ERR-old",
    ),
    1003: ErrorInfo(
        "resource mismatch",
        "the App ID or sid does not match the resourceId",
        "use the App ID and sid that belong to this resourceId",
        False,
        "ERR-old",
    ),
    1013: ErrorInfo(
        "invalid channel name",
        "the channel name is invalid",
        "use a cname under 64 bytes of the allowed characters",
        False,
        "ERR-old",
    ),
    1028: ErrorInfo(
        "invalid updateLayout body",
        "the updateLayout body is invalid",
        "fix the layout body; updateLayout is for mix mode only",
        False,
        "ERR-old",
    ),
}

# Meanings that depend on the endpoint (reference §6.2: 62 on acquire, 501 on query).
ENDPOINT_CODES: dict[tuple[str, int], ErrorInfo] = {
    ("query", 501): ErrorInfo(
        "recording service is exiting",
        "the session is exiting (query after stop)",
        "wait; the session is ending",
        True,
        "ERR-old",
    ),
    ("start", 62): ErrorInfo(
        "request timeout",
        "start timed out (the service could not be reached)",
        "retry with the same parameters; if that fails, acquire and start again",
        True,
        "ERR-26; PY",
    ),
}

# Errors without a body code: keyed by the lower-cased body "message" (reference §6.2 end).
MESSAGES: dict[str, ErrorInfo] = {
    "unauthorized": ErrorInfo(
        "Unauthorized",
        "the request had no Authorization header",
        "set AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET (or a credentials file)",
        False,
        "ERR-26; AUTH",
    ),
    "invalid authentication credentials": ErrorInfo(
        "Invalid authentication credentials",
        "the customer ID or secret is wrong, does not belong to the App ID's account, or the "
        "header is malformed",
        "check AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET and that they belong to the App ID's "
        "account",
        False,
        "ERR-26; ERR-old; AUTH",
    ),
    "no route matched with those values": ErrorInfo(
        "no Route matched with those values",
        "the URL or HTTP method is wrong",
        "check the endpoint URL (api.endpoint) and the mode",
        False,
        "ERR-26",
    ),
    "api rate limit exceeded": ErrorInfo(
        "API rate limit exceeded",
        "more than the allowed requests per second were sent for this App ID (10/s by default)",
        "lower the request rate (--qps) or ask Agora support to raise the limit",
        True,
        "ERR-26; BP",
    ),
    "appid is invalid": ErrorInfo(
        "appid is invalid",
        "the App ID is invalid",
        "check the App ID",
        False,
        "ERR-26",
    ),
    "invalid appid": ErrorInfo(
        "invalid appid",
        "the App ID is invalid",
        "check the App ID",
        False,
        "ERR-26",
    ),
}

# Last resort: the HTTP status alone (reference §6.1).
HTTP_STATUSES: dict[int, ErrorInfo] = {
    400: ErrorInfo("bad request", "the request was rejected", _FIX, False, "ERR-26"),
    401: MESSAGES["invalid authentication credentials"],
    404: ErrorInfo(
        "not found",
        "the URL or the session was not found",
        "check the endpoint URL and the sid",
        False,
        "ERR-26",
    ),
    429: MESSAGES["api rate limit exceeded"],
    500: ErrorInfo(
        "internal error", "the service had an internal error", "retry with backoff", True, "ERR-26"
    ),
    502: ErrorInfo("bad gateway", "a gateway failed", "retry with backoff", True, "ERR-26"),
    503: ErrorInfo(
        "service unavailable", "the service is unavailable", "retry with backoff", True, "ERR-26"
    ),
    504: ErrorInfo(
        "gateway timeout", "a gateway timed out", "retry with backoff", True, "ERR-26; ERR-old"
    ),
}

UNKNOWN = ErrorInfo(
    "unknown error",
    "the service returned an error the reference does not document",
    "check the response body; retry only if it persists after fixing the request",
    False,
    "—",
)

# Body codes the client retries with the same parameters (reference §6.2, §7.2).
RETRYABLE_CODES = frozenset(code for code, info in BODY_CODES.items() if info.retryable)


def explain(
    http_status: int | None, code: int | None, message: str | None, endpoint: str | None = None
) -> ErrorInfo:
    """The best-matching :class:`ErrorInfo` for one failed response."""
    if code is not None:
        if endpoint is not None and (endpoint, code) in ENDPOINT_CODES:
            return ENDPOINT_CODES[(endpoint, code)]
        if code in BODY_CODES:
            return BODY_CODES[code]
    if message and message.strip().lower() in MESSAGES:
        return MESSAGES[message.strip().lower()]
    if http_status is not None:
        if http_status in HTTP_STATUSES:
            return HTTP_STATUSES[http_status]
        if http_status >= 500:
            return HTTP_STATUSES[500]
    return UNKNOWN


def is_retryable(http_status: int | None, code: int | None, endpoint: str | None = None) -> bool:
    """True when the reference says the same request may succeed if sent again."""
    if code is not None:
        if endpoint is not None and (endpoint, code) in ENDPOINT_CODES:
            return ENDPOINT_CODES[(endpoint, code)].retryable
        if code in BODY_CODES:
            return BODY_CODES[code].retryable
    return http_status is not None and (http_status == 429 or http_status >= 500)
