"""The emulator as a real HTTP server (stdlib ``ThreadingHTTPServer``).

::

    server = EmulatorServer(app, host="127.0.0.1", port=0).start()   # background thread
    server.url          # "http://127.0.0.1:54321"
    server.stop()

A ticker thread calls ``engine.tick()`` every ``tick_interval`` seconds so that screenshots and
idle timeouts happen on time even when nobody sends a request. Dropped-connection faults close
the socket without writing a byte, which clients see as a connection reset.

Every request gets a JSON answer: a ``Content-Length`` that is not a non-negative integer is
``400``, one above :data:`MAX_BODY` ``413`` (the body is not read, the connection closed); HEAD,
OPTIONS and TRACE go through the app like any method (the service has no route for them: its
JSON 404), HEAD without the body.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from snaplint.emulator.app import EmulatorApp, Request, Response
from snaplint.emulator.bodies import MAX_BODY_BYTES

log = logging.getLogger("snaplint.emulator")
MAX_BODY = MAX_BODY_BYTES


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections
    # headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add
    # ~40 ms to every answer
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isascii() or not declared.isdigit():
            # the body's end is unknown: answer, then close rather than misread the stream
            self.close_connection = True
            self._answer(Response(400, {"error": "Content-Length must be a whole number ≥ 0"}))
            return
        length = int(declared) if len(declared) < 20 else MAX_BODY + 1
        if length > MAX_BODY:
            self.close_connection = True
            self._answer(Response(413, {"error": f"the body is larger than {MAX_BODY} bytes"}))
            return
        body = self.rfile.read(length) if length else b""
        req = Request(
            method=self.command,
            target=self.path,
            headers=dict(self.headers.items()),
            body=body,
            client=self.client_address[0],
        )
        self._answer(self.server.app.handle(req))

    def _answer(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.payload()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
    do_HEAD = do_OPTIONS = do_TRACE = do_CONNECT = _serve

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: EmulatorApp

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away before its answer was written (killed, timed out) is not
        # an emulator error: socketserver would print a traceback to stderr for each one.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class EmulatorServer:
    """Owns the listening socket, the serving thread and the ticker."""

    def __init__(
        self,
        app: EmulatorApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tick_interval: float = 0.05,
    ) -> None:
        self.app = app
        server_class = _Server6 if ":" in host else _Server
        self._httpd = server_class((host, port), _Handler)
        self._httpd.app = app
        self._tick_interval = tick_interval
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _tick(self) -> None:
        while not self._stopping.wait(self._tick_interval):
            try:
                self.app.engine.tick()
            except Exception:  # keep ticking; the error is in the log
                log.exception("emulator tick failed")

    def _serve(self) -> None:
        # a short poll interval makes stop() quick (tests start and stop many servers)
        self._httpd.serve_forever(poll_interval=0.05)

    def start(self) -> EmulatorServer:
        """Serve and tick in background threads."""
        for name, target in (("serve", self._serve), ("tick", self._tick)):
            thread = threading.Thread(target=target, name=f"emulator-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI); the ticker runs in the background."""
        ticker = threading.Thread(target=self._tick, name="emulator-tick", daemon=True)
        ticker.start()
        self._threads.append(ticker)
        try:
            self._serve()
        finally:
            self._stopping.set()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        close = getattr(self.app.engine.notifier, "close", None)
        if close is not None:  # the notification sender's thread
            close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
