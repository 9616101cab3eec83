"""Fault injection: latency, error rates per endpoint, dropped connections, 429 bursts.

A :class:`FaultConfig` is plain data (JSON via the control API ``/_emulator/faults``, or CLI
flags at start); :class:`FaultInjector` draws decisions from it with a seeded RNG, so a fault
campaign can be replayed.

Each error or drop applies ``before`` the request reaches the engine (nothing happened) or
``after`` it (the state changed but the answer is lost) — the second is what makes a client
see ``201 {code 7}`` when it retries a start that did succeed.

Injected error bodies default to what the reference documents for each endpoint (§6):
acquire ``500 {code 504, "allocate_timeout"}``, start ``500 {code 62, "request timeout"}``,
query/update/updateLayout/stop ``504 {code 62, "request timeout"}``. Code 65 is
``206 {code 65, "request not completed"}``. Injected 429s carry
``{"message": "API rate limit exceeded"}``.

Notification deliveries (``--notify-url``) have faults of their own, as the reference warns
that notifications "may be lost, duplicated, or out of order" (§7.4): ``notify_drop_rate``
(never sent), ``notify_duplicate_rate`` (sent twice, the copy with a new noticeId as in
Agora's redundant-notification mode), ``notify_reorder_rate`` (held back and sent after the
next one), and ``notify_hold`` (kept back while true, then sent newest first: a deterministic
reversal).
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from typing import Any, Literal

from snaplint.emulator.bodies import number, obj, text

When = Literal["before", "after"]
ENDPOINTS = ("acquire", "start", "query", "update", "updateLayout", "stop")

# endpoint → (HTTP status, body code, reason) of a default injected error (reference §6)
DEFAULT_ERRORS: dict[str, tuple[int, int, str]] = {
    "acquire": (500, 504, "allocate_timeout"),
    "start": (500, 62, "request timeout"),
    "query": (504, 62, "request timeout"),
    "update": (504, 62, "request timeout"),
    "updateLayout": (504, 62, "request timeout"),
    "stop": (504, 62, "request timeout"),
}
# body code → (HTTP status, reason) when only a code is given
CODE_DEFAULTS: dict[int, tuple[int, str]] = {
    62: (504, "request timeout"),
    65: (206, "request not completed"),
    500: (500, "internal_error"),
    501: (500, "no_worker_manager_available"),
    502: (500, "Failed to allocate worker"),
    504: (500, "allocate_timeout"),
    406: (400, "vendor_over_load"),
}


@dataclass
class ErrorFault:
    rate: float
    status: int | None = None
    code: int | None = None
    reason: str | None = None
    when: When = "before"
    count: int | None = None  # hit only the next N matching requests (deterministic tests)

    def response(self, endpoint: str) -> tuple[int, dict[str, Any]]:
        """The injected (status, body) for ``endpoint``."""
        status, code, reason = DEFAULT_ERRORS.get(endpoint, (500, 500, "internal_error"))
        if self.code is not None:
            status, reason = CODE_DEFAULTS.get(self.code, (status, reason))
            code = self.code
        elif self.status is not None and self.status != status:
            if self.status == 206:
                code, reason = 65, "request not completed"
            else:
                # a bare gateway status (502, 503 …) comes without an Agora body code
                phrase = (
                    HTTPStatus(self.status).phrase
                    if self.status in HTTPStatus._value2member_map_
                    else "error"
                )
                return self.status, {"message": self.reason or phrase}
        if self.status is not None:
            status = self.status
        return status, {"code": code, "reason": self.reason or reason}


@dataclass
class DropFault:
    rate: float
    when: When = "before"
    count: int | None = None  # hit only the next N matching requests


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    errors: dict[str, ErrorFault] = field(default_factory=dict)  # endpoint or "*"
    drops: dict[str, DropFault] = field(default_factory=dict)  # endpoint or "*"
    burst_429: int = 0  # the next N API requests get 429
    rate_429: float = 0.0  # probability of a 429 on any API request
    retry_after: float | None = None  # Retry-After header (seconds) on injected 429s
    uploading_status: str | None = None  # stop answers this instead of "uploaded"
    notify_drop_rate: float = 0.0  # notification deliveries: probability of each fault
    notify_duplicate_rate: float = 0.0
    notify_reorder_rate: float = 0.0
    notify_hold: bool = False  # hold deliveries back; once false again, send them newest first
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultConfig:
        """A config from its JSON form; ``ValueError`` naming the first wrong value (each
        value typed, finite and in range, so a fault spec can never break ``decide``)."""
        data = dict(obj(data, "faults"))
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for key in ("latency_ms", "latency_jitter_ms"):
            if key in data:
                data[key] = float(number(data[key], key, maximum=MAX_LATENCY_MS))
        if "burst_429" in data:
            data["burst_429"] = number(data["burst_429"], "burst_429", maximum=10**9, integer=True)
        if "rate_429" in data:
            data["rate_429"] = float(number(data["rate_429"], "rate_429", maximum=1))
        if data.get("retry_after") is not None:
            data["retry_after"] = float(number(data["retry_after"], "retry_after", maximum=86400))
        if data.get("seed") is not None:
            number(data["seed"], "seed", minimum=-(2**63), maximum=2**63, integer=True)
        for key in ("notify_drop_rate", "notify_duplicate_rate", "notify_reorder_rate"):
            if key in data:
                data[key] = float(number(data[key], key, maximum=1))
        if "notify_hold" in data and not isinstance(data["notify_hold"], bool):
            raise ValueError(f"notify_hold must be true or false (got {data['notify_hold']!r})")
        status = data.get("uploading_status")
        if status not in (None, "uploaded", "backuped", "unknown"):
            raise ValueError("uploading_status must be uploaded, backuped or unknown")
        data["errors"] = {
            _endpoint(k): _error_fault(k, e)
            for k, e in obj(data.get("errors", {}), "errors").items()
        }
        data["drops"] = {
            _endpoint(k): _drop_fault(k, d) for k, d in obj(data.get("drops", {}), "drops").items()
        }
        return cls(**data)

    def merged(self, patch: dict[str, Any]) -> FaultConfig:
        """A copy with the keys of ``patch`` replaced (``errors``/``drops`` merge per endpoint)."""
        data = self.to_dict()
        for key, value in obj(patch, "faults").items():
            if key in ("errors", "drops") and isinstance(value, dict):
                merged = dict(data.get(key, {}))
                for endpoint, spec in value.items():
                    if spec is None:
                        merged.pop(endpoint, None)
                    else:
                        merged[endpoint] = spec
                data[key] = merged
            else:
                data[key] = value
        return FaultConfig.from_dict(data)


_ERROR_KEYS = frozenset(ErrorFault.__dataclass_fields__)
_DROP_KEYS = frozenset(DropFault.__dataclass_fields__)
MAX_LATENCY_MS = 600_000.0  # ten minutes: longer than any client waits


def _endpoint(name: str) -> str:
    if name != "*" and name not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {name!r} (one of {', '.join(ENDPOINTS)} or *)")
    return name


def _common(endpoint: str, spec: Any, keys: frozenset[str]) -> dict[str, Any]:
    spec = dict(obj(spec, f"the fault for {endpoint}"))
    unknown = set(spec) - keys
    if unknown:
        raise ValueError(f"unknown keys in the fault for {endpoint}: {', '.join(sorted(unknown))}")
    if "rate" not in spec:
        raise ValueError(f"the fault for {endpoint} needs a 'rate'")
    spec["rate"] = float(number(spec["rate"], f"{endpoint}.rate", maximum=1))
    when = spec.get("when", "before")
    if when not in ("before", "after"):
        raise ValueError(f"'when' must be before or after (got {when!r})")
    if spec.get("count") is not None:
        number(spec["count"], f"{endpoint}.count", maximum=10**9, integer=True)
    return spec


def _error_fault(endpoint: str, spec: Any) -> ErrorFault:
    spec = _common(endpoint, spec, _ERROR_KEYS)
    if spec.get("status") is not None:
        number(spec["status"], f"{endpoint}.status", minimum=100, maximum=599, integer=True)
    if spec.get("code") is not None:
        number(spec["code"], f"{endpoint}.code", minimum=-(2**31), maximum=2**31, integer=True)
    if spec.get("reason") is not None:
        text(spec["reason"], f"{endpoint}.reason")
    return ErrorFault(**spec)


def _drop_fault(endpoint: str, spec: Any) -> DropFault:
    return DropFault(**_common(endpoint, spec, _DROP_KEYS))


def parse_error_spec(text: str) -> tuple[str, dict[str, Any]]:
    """CLI form ``ENDPOINT=RATE[:STATUS[:CODE]][@after]`` → (endpoint, ErrorFault dict).

    ``start=0.2`` (documented default error), ``*=0.1:503`` (gateway 503),
    ``query=0.3:206:65`` (code 65), ``start=0.5:500:62@after`` (processed, then answered 500).
    """
    endpoint, _, rest = text.partition("=")
    if not rest:
        raise ValueError(f"expected ENDPOINT=RATE[:STATUS[:CODE]][@after] (got {text!r})")
    rest, _, when = rest.partition("@")
    parts = rest.split(":")
    spec: dict[str, Any] = {"rate": float(parts[0]), "when": when or "before"}
    if len(parts) > 1 and parts[1]:
        spec["status"] = int(parts[1])
    if len(parts) > 2 and parts[2]:
        spec["code"] = int(parts[2])
    if len(parts) > 3:
        raise ValueError(f"too many ':' parts in {text!r}")
    _endpoint(endpoint)
    return endpoint, spec


def parse_drop_spec(text: str) -> tuple[str, dict[str, Any]]:
    """CLI form ``ENDPOINT=RATE[@after]``."""
    endpoint, _, rest = text.partition("=")
    if not rest:
        raise ValueError(f"expected ENDPOINT=RATE[@after] (got {text!r})")
    rate, _, when = rest.partition("@")
    _endpoint(endpoint)
    return endpoint, {"rate": float(rate), "when": when or "before"}


@dataclass
class Decision:
    """What to do with one API request."""

    status: int | None = None  # an injected answer instead of the engine's
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    when: When = "before"
    latency: float = 0.0  # seconds

    @property
    def injected(self) -> bool:
        return self.drop or self.status is not None


@dataclass
class NoticeDecision:
    """What to do with one notification delivery."""

    drop: bool = False
    duplicate: bool = False
    reorder: bool = False


class FaultInjector:
    """Draws :class:`Decision`s from a :class:`FaultConfig` (thread-safe, seeded)."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)

    def decide(self, endpoint: str) -> Decision:
        with self._lock:
            c = self._config
            d = Decision()
            if c.latency_ms or c.latency_jitter_ms:
                d.latency = (c.latency_ms + self._rng.random() * c.latency_jitter_ms) / 1000
            if c.burst_429 > 0 or (c.rate_429 and self._rng.random() < c.rate_429):
                if c.burst_429 > 0:
                    c.burst_429 -= 1
                d.status, d.body = 429, {"message": "API rate limit exceeded"}
                if c.retry_after is not None:
                    # RFC 9110: delay-seconds is a whole number
                    d.headers["Retry-After"] = str(math.ceil(c.retry_after))
                return d
            drop = c.drops.get(endpoint) or c.drops.get("*")
            if drop and self._hits(drop):
                d.drop, d.when = True, drop.when
                return d
            error = c.errors.get(endpoint) or c.errors.get("*")
            if error and self._hits(error):
                d.status, d.body = error.response(endpoint)
                d.when = error.when
            return d

    def decide_notice(self) -> NoticeDecision:
        """The faults of one notification delivery (drawn from the same seeded RNG)."""
        with self._lock:
            c = self._config
            d = NoticeDecision()
            if c.notify_drop_rate and self._rng.random() < c.notify_drop_rate:
                d.drop = True
                return d
            d.duplicate = (
                bool(c.notify_duplicate_rate) and self._rng.random() < c.notify_duplicate_rate
            )
            d.reorder = bool(c.notify_reorder_rate) and self._rng.random() < c.notify_reorder_rate
            return d

    def _hits(self, fault: ErrorFault | DropFault) -> bool:
        if fault.count is not None and fault.count <= 0:
            return False
        if self._rng.random() >= fault.rate:
            return False
        if fault.count is not None:
            fault.count -= 1
        return True
