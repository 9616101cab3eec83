"""urllib3 retries whose waits are paced: injectable sleep and the App ID's token bucket.

Every retry urllib3 makes first sleeps its backoff (``factor·2^(n−1)`` plus jitter, or the
``Retry-After``), then takes a rate-limit token for the App ID in the request's path.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from itertools import takewhile
from typing import Any

from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_APP_IN_PATH = re.compile(r"/v1/apps/([^/]+)/")


class RetryHooks:
    def __init__(
        self,
        gate: Callable[[str], None],
        sleep: Callable[[float], None],
        on_retry: Callable[[], None],
    ):
        self.gate = gate
        self.sleep = sleep
        self.on_retry = on_retry


class GatedRetry(Retry):
    """urllib3 ``Retry`` whose waits go through injectable sleep and the token bucket.

    Backoff counts from the first error (``factor·2^(n−1)``), where stock urllib3 retries the
    first failure at once: the reference asks for a pause before the first retry (BP: 3 s).
    """

    def __init__(self, *args: Any, hooks: RetryHooks | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hooks = hooks
        self.last_url: str | None = None

    def new(self, **kw: Any) -> GatedRetry:
        kw.setdefault("hooks", self.hooks)
        return super().new(**kw)

    def increment(
        self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any
    ) -> GatedRetry:
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
