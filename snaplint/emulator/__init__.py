"""A local Agora Cloud Recording service: quickstart default, test bed, fault injector.

Modules, from pure to I/O:

- ``engine``     the service as a state machine with an injectable clock (lifecycle, errors,
                 idle timeouts, failover, screenshots) — see its docstring for the rules
- ``validation`` body validation with the service's codes and reasons
- ``faults``     latency, error rates, dropped connections, 429 bursts (seeded)
- ``jpeg``       a tiny baseline JPEG writer for screenshots
- ``clock``      emulated time (``SimClock`` scaled/advanced, ``ManualClock``)
- ``app``        HTTP semantics without sockets: routing, auth, QPS, faults, control API
- ``server``     ``EmulatorServer``: the app on a ``ThreadingHTTPServer``
- ``notifier``   the notifications the service sends (events 40, 44, 45, 12, 41, 11, 1, 2)
- ``sender``     ``HttpSender``: posts them signed, retries, delivery faults
- ``embedded``   ``EmbeddedEmulator``/``EmulatorTransport``: the app in-process with its state
                 in a project directory (used when no Agora account is configured)

Quick use in tests::

    from snaplint.emulator import create_app, EmulatorServer
    app = create_app(storage_dir=tmp_path, time_scale=0)     # time moves only when advanced
    with EmulatorServer(app) as server:
        ...  # server.url, control API at server.url + "/_emulator/"

Documentation of the control API and faults: ``docs/emulator.md``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from snaplint.emulator.app import (
    DEFAULT_APP_ID,
    DEFAULT_CUSTOMER_ID,
    DEFAULT_CUSTOMER_SECRET,
    EmulatorApp,
    Request,
    Response,
)
from snaplint.emulator.clock import ManualClock, SimClock
from snaplint.emulator.engine import Engine
from snaplint.emulator.faults import FaultConfig, FaultInjector
from snaplint.emulator.server import EmulatorServer
from snaplint.emulator.storage import FileStorage, MemoryStorage

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_CUSTOMER_ID",
    "DEFAULT_CUSTOMER_SECRET",
    "EmulatorApp",
    "EmulatorServer",
    "Engine",
    "FaultConfig",
    "FaultInjector",
    "FileStorage",
    "ManualClock",
    "MemoryStorage",
    "Request",
    "Response",
    "SimClock",
    "create_app",
]


def create_app(
    *,
    storage_dir: str | Path | None = None,
    qps: float | None = 10.0,
    time_scale: float = 1.0,
    customer_id: str = DEFAULT_CUSTOMER_ID,
    customer_secret: str = DEFAULT_CUSTOMER_SECRET,
    app_ids: Collection[str] | None = None,
    faults: FaultConfig | None = None,
    auto_publishers: bool = False,
    failover_recovery: float = 30.0,
    max_sessions: int | None = None,
    seed: int | None = None,
    notify_url: str | None = None,
    notify_secret: str | None = None,
    notify_retry_delays: tuple[float, ...] | None = None,
    clock_start: float | None = None,
) -> EmulatorApp:
    """An emulator app with a scaled clock and file (or in-memory) screenshot storage.

    With ``notify_url`` (and ``notify_secret``) it posts signed notifications there from a
    background thread (``sender.py``); ``clock_start`` sets the emulated time at creation
    (default: now)."""
    import random

    if notify_url is not None and not notify_secret:
        raise ValueError("notifications need a secret to sign them with")
    engine = Engine(
        clock=SimClock(time_scale, start=clock_start),
        storage=FileStorage(storage_dir) if storage_dir is not None else MemoryStorage(),
        qps=qps,
        app_ids=app_ids,
        auto_publishers=auto_publishers,
        failover_recovery=failover_recovery,
        max_sessions=max_sessions,
        rng=random.Random(seed) if seed is not None else None,
    )
    injector = FaultInjector(faults)
    shown = None
    if notify_url is not None and notify_secret:
        from snaplint.emulator.sender import DEFAULT_RETRY_DELAYS, HttpSender, shown_url

        shown = shown_url(notify_url)

        engine.notifier = HttpSender(
            notify_url,
            notify_secret,
            clock=engine.clock.now,
            faults=injector,
            retry_delays=notify_retry_delays or DEFAULT_RETRY_DELAYS,
        )
    return EmulatorApp(
        engine,
        customer_id=customer_id,
        customer_secret=customer_secret,
        faults=injector,
        info={
            "mode": "server",
            "timeScale": time_scale,
            "storageDir": str(storage_dir) if storage_dir is not None else None,
            "notifyUrl": shown,
        },
    )
