"""Token buckets: the client's pacing per App ID and the emulator's QPS limit.

Agora allows 10 requests/s per App ID by default (reference §1.1, §7.1; BP) and answers 429
above it. The reference does not say how the service measures a second, so the client paces
conservatively: with the default ``burst=1`` grants are at least ``1/rate`` seconds apart, so
no window of one second ever holds more than ``rate`` requests, whatever the service's window.
A larger ``burst`` trades that guarantee for lower latency on short runs (at most
``burst + rate·T`` grants in any window of ``T`` seconds).

:class:`TokenBucket` is thread-safe. The waiting thread holds the bucket's lock while it
sleeps: grants are then computed from the real time each waiter wakes up, so a late wake-up
can never bunch two grants closer than ``1/rate`` (a reservation scheme would). The clock and
sleep functions are injectable for tests.

:class:`RateLimiters` hands out one bucket per key (the App ID); :data:`SHARED` is the
process-wide registry that every client of a run uses by default, so all threads share one
budget per App ID.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Refill arithmetic in floats lands on 0.9999999999 instead of 1: without a tolerance a waiter
# would sleep for 1e-16 s forever (and a fake clock would never move).
_EPSILON = 1e-9


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` stored; starts full."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive (got {rate})")
        if burst < 1:
            raise ValueError(f"burst must be at least 1 (got {burst})")
        self._rate = float(rate)
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._last = clock()
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> float:
        return self._burst

    def configure(self, rate: float, burst: float | None = None) -> None:
        """Change the rate (and burst) in place; waiters pick it up on their next check."""
        if rate <= 0:
            raise ValueError(f"rate must be positive (got {rate})")
        with self._lock:
            self._refill()
            self._rate = float(rate)
            if burst is not None:
                self._burst = float(burst)
                self._tokens = min(self._tokens, self._burst)

    def _refill(self) -> float:
        now = self._clock()
        if now > self._last:
            self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = max(self._last, now)
        return now

    def try_acquire(self) -> bool:
        """Take a token if one is available now; never waits."""
        with self._lock:
            self._refill()
            if self._tokens >= 1.0 - _EPSILON:
                self._tokens = max(0.0, self._tokens - 1.0)
                return True
            return False

    def acquire(self) -> float:
        """Wait for a token and take it; returns the grant time (on the bucket's clock).

        Grant times are read under the lock, so they are exactly as far apart as the rate
        demands — callers that log "when did I send" should use them rather than reading the
        clock again after a possible preemption.
        """
        with self._lock:
            while True:
                now = self._refill()
                if self._tokens >= 1.0 - _EPSILON:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return now
                self._sleep((1.0 - self._tokens) / self._rate)


class RateLimiters:
    """One :class:`TokenBucket` per key (App ID), created on first use."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def get(self, key: str, rate: float, burst: float = 1.0) -> TokenBucket:
        """The bucket for ``key``; an existing bucket is reconfigured if the rate changed."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(rate, burst, clock=self._clock, sleep=self._sleep)
                self._buckets[key] = bucket
            elif bucket.rate != rate or bucket.burst != burst:
                bucket.configure(rate, burst)
            return bucket


SHARED = RateLimiters()
