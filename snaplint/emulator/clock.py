"""Emulated service time.

The engine reads time only through a :class:`Clock`, so tests and the ``--time-scale`` flag can
make it pass faster, stand still, or jump (control API ``/_emulator/clock/advance``). Time is
Unix seconds (float); screenshot names and ``sliceStartTime`` derive from it.

An advance must be finite and at most :data:`MAX_ADVANCE` (NaN or infinity would make every later
reading NaN or infinite); :meth:`reset` undoes all advances (the control API's ``/reset``).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

MAX_ADVANCE = 10 * 365 * 86400.0  # ten years: far beyond any session, far from overflow


class Clock(Protocol):
    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    def reset(self) -> None: ...


def check_advance(seconds: float) -> float:
    """``seconds`` if it is a valid advance, else ``ValueError`` saying why."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"an advance must be a number of seconds (got {seconds!r})")
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_ADVANCE:
        raise ValueError(f"an advance must be between 0 and {MAX_ADVANCE:g} seconds")
    return float(seconds)


class SimClock:
    """Wall time scaled by ``scale`` from the moment of creation, plus manual advances.

    ``scale`` 1 is real time, 60 makes a minute pass per second, 0 freezes time so that only
    :meth:`advance` moves it (deterministic tests over HTTP).
    """

    def __init__(
        self, scale: float = 1.0, *, start: float | None = None, offset: float = 0.0
    ) -> None:
        if not math.isfinite(scale) or scale < 0:
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
        seconds = check_advance(seconds)
        with self._lock:
            self.offset += seconds

    def reset(self) -> None:
        # back to scaled wall time: the offset a persisted (embedded) clock carries goes too
        with self._lock:
            self.offset = 0.0


class ManualClock:
    """Time that moves only when told to (unit tests of the engine)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.t = self._t0 = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += check_advance(seconds)

    def reset(self) -> None:
        self.t = self._t0
