"""Emulated service time.

The engine reads time only through a :class:`Clock`, so tests and the ``--time-scale`` flag can
make it pass faster, stand still, or jump (control API ``/_emulator/clock/advance``). Time is
Unix seconds (float); screenshot names and ``sliceStartTime`` derive from it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...


class SimClock:
    """Wall time scaled by ``scale`` from the moment of creation, plus manual advances.

    ``scale`` 1 is real time, 60 makes a minute pass per second, 0 freezes time so that only
    :meth:`advance` moves it (deterministic tests over HTTP).
    """

    def __init__(
        self, scale: float = 1.0, *, start: float | None = None, offset: float = 0.0
    ) -> None:
        if scale < 0:
            raise ValueError(f"time scale must be ≥ 0 (got {scale})")
        self.scale = scale
        self._real0 = time.time()
        self._start = self._real0 if start is None else start
        self.offset = offset
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._start + (time.time() - self._real0) * self.scale + self.offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self.offset += seconds


class ManualClock:
    """Time that moves only when told to (unit tests of the engine)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.t += seconds
