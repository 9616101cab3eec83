"""Posting the emulator's notifications to a receiver, as Agora's notification service does.

:class:`HttpSender` is a :class:`~snaplint.emulator.notifier.Notifier`: ``put`` only appends
to a bounded queue (a full queue loses the notice and counts it — never blocks the engine,
which holds its lock), and a few sender threads (``workers``) post each body with ``Agora-Signature-V2`` and
``Agora-Signature`` (reference §7.4). An answer other than ``200`` — or none: refused
connection, timeout — is retried three times at growing intervals (``retry_delays``, by
default 1, 2 and 4 s), with the same body and noticeId, as Agora resends; retries wait in a
schedule of their own, so a receiver that is down does not hold up the notices behind them.

The delivery faults of :class:`~snaplint.emulator.faults.FaultConfig` (``notify_*``) apply
to a notice's first delivery. :meth:`HttpSender.stats` is what ``GET /_emulator/notifications``
shows; :meth:`HttpSender.flush` waits until nothing is queued, held or due for a retry (tests).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from snaplint.emulator.faults import FaultInjector
from snaplint.emulator.notifier import Notice
from snaplint.notifications.compose import signed_headers
from snaplint.redaction import REDACTED

log = logging.getLogger("snaplint.emulator")

DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0)  # three retries, growing (reference §7.4)
DEFAULT_QUEUE_SIZE = 10_000
TIMEOUT = 10.0  # Agora waits 10 s for an answer
# Deliveries in flight at once: one connection waits for the receiver's durable commit
# (milliseconds), so a single one caps a fleet's notifications at a few hundred a second;
# Agora's service does not deliver one at a time either (hence "out of order")
DEFAULT_WORKERS = 4
REORDER_WAIT = 0.5  # a notice held back for reordering goes out alone after this long
OK_LOG = 100_000  # noticeIds answered 200, kept for tests that check none was lost


@dataclass
class _Delivery:
    notice: Notice
    body: bytes
    notice_id: str
    attempt: int = 0  # retries made so far
    copy: bool = False  # a duplicate: no faults of its own


def shown_url(url: str) -> str:
    """``url`` with the password of its user info (if any) masked, for logs and the control API."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:{REDACTED}@{parts.hostname}" + (
        f":{parts.port}" if parts.port else ""
    )
    return urlunsplit(parts._replace(netloc=netloc))


class HttpSender:
    """Signs and posts notices to ``url`` from a background thread."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        clock: Callable[[], float] = time.time,
        faults: FaultInjector | None = None,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        timeout: float = TIMEOUT,
        post: Callable[[str, bytes, dict[str, str], float], int] | None = None,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.url = url
        self._secret = secret
        self._clock = clock  # emulated time: notifyMs
        self.faults = faults or FaultInjector()
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self._given_post = post
        self._local = threading.local()  # one kept-alive connection per worker
        self._queue: queue.Queue[Notice] = queue.Queue(maxsize=queue_size)
        self._retries: list[tuple[float, int, _Delivery]] = []  # (due, tie-break, delivery)
        self._tie = itertools.count()
        self._held: list[_Delivery] = []
        self._reordered: tuple[_Delivery, float] | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._inflight = 0  # deliveries taken off the schedule and not yet answered
        self._counts = dict.fromkeys(
            (
                "queued",
                "attempts",
                "delivered",
                "retried",
                "failed",
                "overflow",
                "dropped",
                "duplicated",
                "reordered",
            ),
            0,
        )
        self.answered_ok: deque[str] = deque(maxlen=OK_LOG)
        self._closing = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"emulator-notify-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def __repr__(self) -> str:  # never the secret
        return f"HttpSender({shown_url(self.url)!r})"

    # -- the engine's side ---------------------------------------------------------------

    def put(self, notice: Notice) -> None:
        try:
            self._queue.put_nowait(notice)
        except queue.Full:
            with self._lock:
                self._counts["overflow"] += 1
            return
        with self._lock:
            self._counts["queued"] += 1

    # -- observing -----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "url": shown_url(self.url),
                **self._counts,
                "pending": self._queue.qsize() + len(self._retries),
                "held": len(self._held) + (1 if self._reordered else 0),
                "retryDelays": list(self.retry_delays),
            }

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued, being sent, held back or due for a retry."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while not self._settled():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.05))
        return True

    def _settled(self) -> bool:
        return (
            self._queue.unfinished_tasks == 0
            and self._inflight == 0
            and not self._retries
            and not self._held
            and self._reordered is None
        )

    def close(self, timeout: float = 2.0) -> None:
        """Stop the thread (what is still queued after ``timeout`` is not sent)."""
        self.flush(timeout)
        self._closing.set()
        for thread in self._threads:
            thread.join(timeout + 1)

    # -- the sender thread ---------------------------------------------------------------

    def _run(self) -> None:
        while not self._closing.is_set():
            try:
                self._step()
            except Exception:  # keep delivering; the error is in the log
                log.exception("notification sender failed")

    def _step(self) -> None:
        self._release_held()
        with self._lock:
            due = None
            if self._retries and self._retries[0][0] <= time.monotonic():
                due = heapq.heappop(self._retries)[2]
                self._inflight += 1
            wait = 0.05
            if self._retries:
                wait = max(0.0, min(wait, self._retries[0][0] - time.monotonic()))
        if due is not None:
            try:
                self._attempt(due)
            finally:
                self._done()
            return
        try:
            notice = self._queue.get(timeout=wait)
        except queue.Empty:
            self._send_reordered(stale_only=True)
            self._notify_idle()
            return
        try:
            self._first(notice)
        finally:
            self._queue.task_done()
            self._notify_idle()

    def _done(self) -> None:
        with self._idle:
            self._inflight -= 1
            self._idle.notify_all()

    def _notify_idle(self) -> None:
        with self._idle:
            self._idle.notify_all()

    def _first(self, notice: Notice) -> None:
        body_id = str(uuid.uuid4())
        d = _Delivery(notice, notice.body(notify_ms=self._now_ms(), notice_id=body_id), body_id)
        decision = self.faults.decide_notice()
        if decision.drop:
            self._count("dropped")
            return
        if self.faults.config.notify_hold:
            with self._lock:
                self._held.append(d)
            return
        if decision.reorder:
            with self._lock:
                hold_back = self._reordered is None
                if hold_back:
                    self._counts["reordered"] += 1
                    self._reordered = (d, time.monotonic())  # goes out after the next one
            if hold_back:
                return
        self._attempt(d)
        self._send_reordered(stale_only=False)
        if decision.duplicate:
            self._count("duplicated")
            copy_id = str(uuid.uuid4())
            self._attempt(
                _Delivery(
                    notice,
                    notice.body(notify_ms=self._now_ms(), notice_id=copy_id),
                    copy_id,
                    copy=True,
                )
            )

    def _send_reordered(self, *, stale_only: bool) -> None:
        with self._lock:
            if self._reordered is None:
                return
            d, since = self._reordered
            if stale_only and time.monotonic() - since < REORDER_WAIT:
                return
            self._reordered = None
            self._inflight += 1
        try:
            self._attempt(d)
        finally:
            self._done()

    def _release_held(self) -> None:
        if self.faults.config.notify_hold:
            return
        with self._lock:
            if not self._held:
                return
            held, self._held = self._held, []
            self._inflight += 1
        try:
            for d in reversed(held):  # newest first
                self._attempt(d)
        finally:
            self._done()

    def _attempt(self, d: _Delivery) -> None:
        self._count("attempts")
        headers = signed_headers(d.body, self._secret)
        try:
            status = self._poster()(self.url, d.body, headers, self.timeout)
        except Exception as exc:  # refused, reset, timed out: no answer is a non-200 answer
            log.debug("notification %s: %s", d.notice_id, type(exc).__name__)
            status = None
        if status == 200:
            with self._lock:
                self._counts["delivered"] += 1
                self.answered_ok.append(d.notice_id)
            return
        if d.attempt < len(self.retry_delays):
            due = time.monotonic() + self.retry_delays[d.attempt]
            d.attempt += 1
            with self._lock:
                self._counts["retried"] += 1
                heapq.heappush(self._retries, (due, next(self._tie), d))
            return
        self._count("failed")
        log.warning(
            "notification %s (event %s) not delivered to %s after %d attempts (last: %s)",
            d.notice_id,
            d.notice.event_type,
            shown_url(self.url),
            d.attempt + 1,
            status if status is not None else "no answer",
        )

    def _poster(self) -> Callable[[str, bytes, dict[str, str], float], int]:
        if self._given_post is not None:
            return self._given_post
        poster = getattr(self._local, "poster", None)
        if poster is None:
            poster = self._local.poster = _Poster()
        return poster.post

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _now_ms(self) -> int:
        return round(self._clock() * 1000)


class _Poster:
    """POSTs over one kept-alive ``http.client`` connection (the sender thread is its only
    user). ``http.client`` writes the headers and a bytes body in one ``send()``, and the
    socket has ``TCP_NODELAY``: with a body written after the headers, Nagle's algorithm and
    the receiver's delayed ACK cost up to 40 ms per notification (measured with ``requests``:
    152 deliveries/s to a local receiver)."""

    def __init__(self) -> None:
        self._conn: Any = None
        self._target: tuple[str, str, int | None] | None = None

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        import http.client

        parts = urlsplit(url)
        target = (parts.scheme, parts.hostname or "", parts.port)
        if self._conn is None or self._target != target:
            self.close()
            kind = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn = kind(parts.hostname or "", parts.port, timeout=timeout)
            self._target = target
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            if self._conn.sock is None:
                self._conn.connect()
                self._conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conn.request("POST", path, body=body, headers=headers)
            answer = self._conn.getresponse()
            answer.read()  # the connection is reused only once the answer is read
            if answer.will_close:
                self.close()
            return int(answer.status)
        except (OSError, http.client.HTTPException):
            # a connection the receiver dropped (killed, restarted): the retry opens a new one
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
