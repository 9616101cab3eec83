"""The reconcile loop's metrics: Prometheus ``/metrics`` and a ``/healthz`` for probes.

The text format is ``prometheus-client``'s (imported here only, and only when a loop asks for
metrics: ``snaplint lint`` never loads it). The server is the standard library's WSGI server
with one thread per request, in a daemon thread beside the loop; it reads only values the loop
has already observed, so a slow scrape never holds the state lock.

``/healthz`` answers 200 while rounds keep finishing (the last one within two intervals and a
minute, or the loop started less than that ago), 503 otherwise: a loop stuck on a lock or a
hung call is restarted by its supervisor.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.operations.reconcile import Round

HEALTH_GRACE = 60.0


class Metrics:
    """Counters and gauges fed one :class:`~snaplint.operations.reconcile.Round` at a time."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.time) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge

        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.last_finished: float | None = None
        self.registry = CollectorRegistry()
        r = self.registry
        self.rounds = Counter(
            "snaplint_reconcile_rounds", "Reconcile rounds run, by outcome", ["status"], registry=r
        )
        self.changes = Counter(
            "snaplint_reconcile_changes",
            "Changes carried out, by kind (start, update, replace, stop, forget)",
            ["kind"],
            registry=r,
        )
        self.errors = Counter("snaplint_reconcile_errors", "Errors met in rounds", registry=r)
        self.sessions = Gauge(
            "snaplint_sessions",
            "Jobs recorded in the state, by session state",
            ["state"],
            registry=r,
        )
        self.token = Gauge(
            "snaplint_token_expiry_seconds",
            "Seconds until the earliest recorded token expiry of a running session "
            "(NaN: none recorded)",
            registry=r,
        )
        self.last_round = Gauge(
            "snaplint_reconcile_last_round_timestamp_seconds",
            "When the last round finished (Unix time)",
            registry=r,
        )
        self.next_round = Gauge(
            "snaplint_reconcile_next_round_timestamp_seconds",
            "When the next round starts (Unix time; 0: none planned)",
            registry=r,
        )
        self.token.set(float("nan"))
        from snaplint.operations.reconcile import SESSION_STATES

        for state in SESSION_STATES:
            self.sessions.labels(state).set(0)

    def observe(self, result: Round) -> None:
        self.rounds.labels(result.status).inc()
        for kind, n in result.changes.items():
            if n:
                self.changes.labels(kind).inc(n)
        if result.error_count:
            self.errors.inc(result.error_count)
        for state, n in result.sessions.items():
            self.sessions.labels(state).set(n)
        token = result.token_expires_in
        self.token.set(float("nan") if token is None else token)
        self.last_round.set(result.finished_at)
        self.next_round.set(result.next_round or 0)
        self.last_finished = result.finished_at

    def healthy(self) -> bool:
        limit = 2 * self.interval + HEALTH_GRACE
        since = self.last_finished if self.last_finished is not None else self.started
        return self.clock() - since <= limit

    def app(self) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
        """The WSGI application: ``/metrics``, ``/healthz``, 404 for anything else."""
        from prometheus_client import make_wsgi_app

        metrics_app = make_wsgi_app(self.registry)

        def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            path = environ.get("PATH_INFO") or "/"
            if path == "/metrics":
                return metrics_app(environ, start_response)
            if path == "/healthz":
                ok = self.healthy()
                body = json.dumps(
                    {"status": "ok" if ok else "stale", "last_round": self.last_finished}
                ).encode()
                start_response(
                    "200 OK" if ok else "503 Service Unavailable",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                )
                return [body]
            body = b"not found: try /metrics or /healthz\n"
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [body]

        return application


class MetricsServer:
    """``/metrics`` and ``/healthz`` on ``host:port`` in a daemon thread."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        from prometheus_client.exposition import ThreadingWSGIServer

        class _Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # stdout holds the rounds' JSON lines only

        self.server = make_server(
            host, port, metrics.app(), server_class=ThreadingWSGIServer, handler_class=_Quiet
        )
        self.host, self.port = host, int(self.server.server_port)
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="snaplint-metrics", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> MetricsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
