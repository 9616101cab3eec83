"""Embedded mode: the emulator in-process, its state kept in a project directory.

With no Agora account configured, commands talk to the emulator through
:class:`EmulatorTransport` — a ``requests`` transport adapter that hands each request to the
emulator's request handler without sockets. :class:`EmbeddedEmulator` keeps the world in
``<dir>/state.json`` (sessions, resourceIds, channel publishers, clock offset, faults) guarded
by an OS file lock (``filelock``), and screenshots under ``<dir>/storage/``. Each request
loads the state, lets the engine catch up on the time that passed since the last request
(status, idle timeouts, screenshots), answers, and saves — so separate CLI runs see one world.

Channels get publishers automatically for explicitly subscribed video UIDs
(``auto_publishers=True``): a quickstart job then yields screenshots and its session stays
alive between runs instead of idling out after ``maxIdleTime``. The control API
(``/_emulator/…`` through the same transport) or :meth:`EmbeddedEmulator.engine` can remove
them to simulate an idle channel.

Notifications: given ``deliver``, each request's notices (``notifier.py``) are handed to it
as ``(App ID, body)`` pairs once the world is saved — plan and apply give a callable that
writes them straight into the project's event store, so ``snaplint status`` shows what the
emulated sessions capture without a receiver. Delivery faults do not apply here, and a
``deliver`` that fails loses that request's notices (logged), never the request.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from filelock import FileLock
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from snaplint.emulator.app import (
    DEFAULT_CUSTOMER_ID,
    DEFAULT_CUSTOMER_SECRET,
    EmulatorApp,
    Request,
    Response,
)
from snaplint.emulator.clock import SimClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.faults import FaultConfig, FaultInjector
from snaplint.emulator.notifier import Collector
from snaplint.emulator.storage import FileStorage
from snaplint.emulator.tokencheck import embedded_certificates

log = logging.getLogger("snaplint.emulator")
Deliver = Callable[[Sequence[tuple[str, bytes]]], None]
EMBEDDED_BASE_URL = "http://embedded-emulator.invalid"  # never resolved: the transport answers
LOCK_TIMEOUT = 60.0


class EmulatorTransport(BaseAdapter):
    """A ``requests`` adapter that answers from an emulator handler instead of the network."""

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        super().__init__()
        self._handler = handler

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = self._handler(
            Request(
                request.method or "GET", target, dict(request.headers), bytes(body), "127.0.0.1"
            )
        )
        if answer.drop:
            raise requests.ConnectionError("connection dropped by the emulator", request=request)
        payload = answer.payload()
        resp = requests.Response()
        resp.status_code = answer.status
        resp.reason = (
            HTTPStatus(answer.status).phrase
            if answer.status in HTTPStatus._value2member_map_
            else ""
        )
        resp.headers = CaseInsensitiveDict(
            {
                "Content-Type": "application/json;charset=utf-8",
                "Content-Length": str(len(payload)),
                **answer.headers,
            }
        )
        resp._content = payload
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        return resp

    def close(self) -> None:
        pass


class EmbeddedEmulator:
    """The persistent in-process emulator of one project."""

    def __init__(
        self,
        directory: str | Path,
        *,
        customer_id: str = DEFAULT_CUSTOMER_ID,
        customer_secret: str = DEFAULT_CUSTOMER_SECRET,
        auto_publishers: bool = True,
        qps: float | None = None,
        make_dirs: Callable[[Path], None] | None = None,
        deliver: Deliver | None = None,
    ) -> None:
        self.directory = Path(directory)
        # how the folder is created: snaplint passes snaplint.workdir.make_dirs (a .gitignore
        # in .snaplint/); the emulator itself knows nothing of the project's layout
        self._make_dirs = make_dirs or (lambda p: p.mkdir(parents=True, exist_ok=True))
        self.deliver = deliver  # where the notifications go (None: nowhere)
        self.state_path = self.directory / "state.json"
        self.storage_dir = self.directory / "storage"
        self._file_lock = FileLock(str(self.directory / "state.json.lock"), timeout=LOCK_TIMEOUT)
        self._thread_lock = threading.RLock()
        self._customer = (customer_id, customer_secret)
        self._auto_publishers = auto_publishers
        # the client paces itself; a process-local QPS bucket would only add noise here
        self._qps = qps

    @property
    def base_url(self) -> str:
        return EMBEDDED_BASE_URL

    def transport(self) -> EmulatorTransport:
        return EmulatorTransport(self.handle)

    def handle(self, req: Request) -> Response:
        with self.app() as app:
            return app.handle(req)

    @contextmanager
    def app(self) -> Iterator[EmulatorApp]:
        """Load the world, yield the app, save the world (under the file lock); then hand
        the notifications of what happened meanwhile to ``deliver``."""
        collector = Collector() if self.deliver is not None else None
        with self._thread_lock:
            self._make_dirs(self.directory)
            with self._file_lock:
                state = self._read()
                clock = SimClock(1.0, offset=float(state.get("clock", {}).get("offset", 0.0)))
                engine = Engine(
                    clock=clock,
                    storage=FileStorage(self.storage_dir),
                    qps=self._qps,
                    auto_publishers=self._auto_publishers,
                )
                engine.app_certificates = embedded_certificates()
                if "engine" in state:
                    engine.load_state(state["engine"])
                engine.notifier = collector
                faults = FaultInjector(FaultConfig.from_dict(state.get("faults", {})))
                app = EmulatorApp(
                    engine,
                    customer_id=self._customer[0],
                    customer_secret=self._customer[1],
                    faults=faults,
                    info={"mode": "embedded", "directory": str(self.directory)},
                )
                yield app
                self._write(
                    {
                        "engine": engine.to_state(),
                        "clock": {"offset": clock.offset},
                        "faults": faults.config.to_dict(),
                    }
                )
                notify_ms = round(clock.now() * 1000)
        if collector is not None and collector.notices and self.deliver is not None:
            try:
                self.deliver(collector.bodies(notify_ms))
            except Exception as exc:  # notifications may be lost (reference §7.4); requests not
                log.warning(
                    "embedded emulator: %d notification(s) lost: %s", len(collector.notices), exc
                )

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control API (``/_emulator/<path>``) in-process; ``RuntimeError`` unless 200.

        ``emu.control("GET", "sessions?state=running")`` lists running sessions.
        """
        payload = json.dumps(body).encode() if body is not None else b""
        answer = self.handle(Request(method, f"/_emulator/{path.lstrip('/')}", {}, payload))
        if answer.status != 200:
            raise RuntimeError(f"control API {method} {path}: HTTP {answer.status} {answer.body}")
        return answer.body

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """Direct access to the persistent engine (tests, tooling)."""
        with self.app() as app:
            yield app.engine

    def _read(self) -> dict[str, Any]:
        try:
            text = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        return json.loads(text) if text.strip() else {}

    def _write(self, state: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".state.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(state, fh, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.state_path)  # a crash leaves the old or the new state, never half
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
