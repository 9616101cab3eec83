"""Run the receiver on waitress, a production WSGI server.

Why waitress: pure Python (no compiler, no C extension), maintained by the Pylons project,
runs on Linux, macOS and Windows alike, and needs no process manager of its own — one
process with a thread pool, which suits a receiver whose work per request is an HMAC, a JSON
parse and one SQLite commit. (gunicorn is POSIX-only and forks workers; uvicorn would need an
ASGI rewrite.) It is imported only here, so the rest of snaplint never loads it.

:func:`run_receiver` is what a CLI command calls; :class:`ReceiverServer` runs any WSGI app,
in the foreground (:meth:`~ReceiverServer.run`) or in a background thread
(:meth:`~ReceiverServer.start`, for tests).

Shutdown is graceful: on SIGTERM or SIGINT (or :meth:`~ReceiverServer.stop`) the server stops
accepting connections, lets requests in progress finish and their answers go out (up to
``drain_timeout`` seconds), closes idle kept-alive connections, then stops its threads. A
notification cut off mid-way is not answered ``200``, so Agora resends it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from snaplint.notifications.app import (
    DEFAULT_MAX_BODY,
    DEFAULT_PATH,
    StatusSource,
    WSGIApp,
    create_app,
)
from snaplint.notifications.signature import Secrets
from snaplint.notifications.store import DEFAULT_RETENTION_DAYS, EventStore, SQLiteEventStore

log = logging.getLogger("snaplint.notifications")

DEFAULT_HOST = "127.0.0.1"  # behind a reverse proxy that terminates TLS (docs/notifications.md)
DEFAULT_PORT = 8080
# Threads: the work of a request is short and mostly holds the GIL, so with SQLite (a commit
# is ~70 us) more threads only contend for it — bench/notifications.py measured 2 best (1 is
# as fast, but one slow commit would hold up every request). A PostgreSQL store waits on the
# network and the server's commit with the GIL released: more threads overlap those waits.
SQLITE_THREADS = 2
DEFAULT_THREADS = 8
# waitress's default (send_bytes=1) makes the worker thread send the status line and headers
# and then the body in two send() calls of its own; with a larger value the answer (~30
# bytes) is buffered and the server loop sends it in one: measured 2,200-2,700 -> 3,200-4,300
# answers/s on 2 cores, and a paced 2,000/s p99 of 18-340 ms -> 10-19 ms. waitress 3 marks
# the option deprecated: it is passed only while waitress knows it (silencing that warning);
# once removed, the receiver runs at waitress's default, slower but just as correct.
SEND_BYTES = 65536
DRAIN_TIMEOUT = 10.0  # Agora waits 10 s for an answer: no point in draining longer
PRUNE_INTERVAL = 3600.0  # seconds between retention sweeps


class ReceiverServer:
    """A waitress server for ``app`` on ``host:port`` (``port`` 0: any free port).

    ``options`` go to waitress as they are (e.g. ``trusted_proxy="127.0.0.1"`` and
    ``trusted_proxy_headers={"x-forwarded-for"}`` behind a reverse proxy)."""

    def __init__(
        self,
        app: WSGIApp,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        threads: int = DEFAULT_THREADS,
        max_body: int = DEFAULT_MAX_BODY,
        drain_timeout: float = DRAIN_TIMEOUT,
        **options: Any,
    ) -> None:
        from waitress.adjustments import Adjustments
        from waitress.server import BaseWSGIServer, create_server

        if "send_bytes" in dict(Adjustments._params):
            options.setdefault("send_bytes", SEND_BYTES)
        self.drain_timeout = drain_timeout
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "send_bytes", DeprecationWarning)
            self._server = create_server(
                app,
                host=host,
                port=port,
                threads=threads,
                # waitress refuses larger bodies itself (its own 413) before buffering them
                max_request_body_size=max_body,
                ident="snaplint",
                asyncore_use_poll=True,  # no select() FD_SETSIZE limit
                **options,
            )
        self._map: dict[int, Any] = getattr(self._server, "map", None) or self._server._map
        self._listeners = [o for o in self._map.values() if isinstance(o, BaseWSGIServer)]
        self._stopping = threading.Event()
        self._signal: int | None = None
        self._thread: threading.Thread | None = None

    @property
    def addresses(self) -> list[tuple[str, int]]:
        return [(s.effective_host, int(s.effective_port)) for s in self._listeners]

    @property
    def url(self) -> str:
        host, port = self.addresses[0]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    # -- running --------------------------------------------------------------------------

    def run(self, *, handle_signals: bool = True) -> None:
        """Serve until :meth:`stop` (or SIGTERM/SIGINT, when called in the main thread)."""
        from waitress import wasyncore

        previous: dict[int, Any] = {}
        if handle_signals and threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self._on_signal)
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)
            if self._signal is not None:  # logged here: a signal handler should not log
                log.info("received %s: draining", signal.Signals(self._signal).name)
            self._drain(wasyncore)
        finally:
            self._close(wasyncore)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def start(self) -> ReceiverServer:
        """Serve in a background thread (no signal handling); :meth:`stop` ends it."""
        self._thread = threading.Thread(
            target=self.run, kwargs={"handle_signals": False}, name="snaplint-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, wait: bool = True) -> None:
        """Ask the server to drain and stop; with ``wait``, return once it has (when it runs
        in another thread)."""
        self._stopping.set()
        self._wake()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(self.drain_timeout + 10)

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._signal = signum
        self._stopping.set()
        self._wake()

    def _wake(self) -> None:
        for listener in self._listeners:
            try:
                listener.pull_trigger()
                return
            except OSError:
                continue

    def _drain(self, wasyncore: Any) -> None:
        for listener in self._listeners:  # no new connections; the trigger stays for workers
            wasyncore.dispatcher.close(listener)
        deadline = time.monotonic() + self.drain_timeout
        while time.monotonic() < deadline:
            channels = [c for c in self._map.values() if hasattr(c, "requests")]
            for channel in channels:
                idle = not (channel.requests or channel.total_outbufs_len or channel.request)
                if idle:
                    channel.will_close = True  # kept alive but idle: closed on the next pass
            if not channels:
                return
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)
        log.warning("stopped with requests still in progress after %.0f s", self.drain_timeout)

    def _close(self, wasyncore: Any) -> None:
        for listener in self._listeners:
            listener.task_dispatcher.shutdown(timeout=2)
            break
        wasyncore.close_all(self._map)


def serve(
    app: WSGIApp,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    on_ready: Callable[[str], None] | None = None,
    **options: Any,
) -> None:
    """Serve ``app`` in the foreground until SIGTERM/SIGINT. ``on_ready(url)`` is called once
    the socket listens (the place to print "listening on …"; this module prints nothing)."""
    server = ReceiverServer(app, host, port, **options)
    if on_ready is not None:
        on_ready(server.url)
    server.run()


def run_receiver(
    project_root: str | os.PathLike[str],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    path: str = DEFAULT_PATH,
    secrets: Secrets | None = None,
    *,
    store: EventStore | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    threads: int | None = None,
    retention_days: float | None = DEFAULT_RETENTION_DAYS,
    on_ready: Callable[[str], None] | None = None,
    server_options: Mapping[str, Any] | None = None,
    status: StatusSource | None = None,
) -> None:
    """Receive notifications for the project at ``project_root`` until SIGTERM/SIGINT
    (with ``status``, serving the status page too).

    Events go to ``store``, by default the SQLite store in ``<project_root>/.snaplint/``
    (closed again on return; a given store is left open). A store that does not answer at
    start raises :class:`~snaplint.notifications.store.StoreError`; once running, store
    failures are answered 503 and logged. With ``retention_days``, events
    received longer ago are deleted at start and then hourly (``None`` keeps everything).
    ``threads`` (waitress's worker threads) defaults to 2 for the SQLite store and 8 for
    others (see ``SQLITE_THREADS``).
    """
    if secrets is None:
        raise ValueError("a notification secret is required (unsigned notifications are refused)")
    own = store is None
    events = store if store is not None else SQLiteEventStore(Path(project_root) / ".snaplint")
    stop_pruning = threading.Event()
    pruner: threading.Thread | None = None
    try:
        events.ping()  # a store that cannot answer now fails the start, with its reason
        if retention_days is not None:
            _prune(events, retention_days)
            pruner = threading.Thread(
                target=_prune_every,
                args=(events, retention_days, stop_pruning),
                name="snaplint-retention",
                daemon=True,
            )
            pruner.start()
        if threads is None:
            threads = SQLITE_THREADS if isinstance(events, SQLiteEventStore) else DEFAULT_THREADS
        app = create_app(events, secrets, path=path, max_body=max_body, status=status)
        serve(
            app,
            host,
            port,
            on_ready=on_ready,
            threads=threads,
            max_body=max_body,
            **dict(server_options or {}),
        )
    finally:
        stop_pruning.set()
        if pruner is not None:
            pruner.join(5)
        if own:
            events.close()


def _prune(store: EventStore, days: float) -> None:
    try:
        gone = store.prune(days)
    except Exception as exc:  # retention is housekeeping: never stop receiving for it
        log.error("retention sweep failed: %s", exc)
        return
    if gone:
        log.info("retention: deleted %d event(s) older than %g day(s)", gone, days)


def _prune_every(store: EventStore, days: float, stop: threading.Event) -> None:
    while not stop.wait(PRUNE_INTERVAL):
        _prune(store, days)
