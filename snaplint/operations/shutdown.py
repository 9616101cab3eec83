"""A process-wide "please stop" flag: set by the CLI's SIGTERM handler, read by the reconcile
loop between rounds and by the executor between jobs, so that a call in flight and its journal
record always complete (a signal handler must not interrupt them: it only sets the flag)."""

from __future__ import annotations

import threading

_requested = threading.Event()


def request() -> None:
    """Ask every loop and executor of this process to stop at their next check."""
    _requested.set()


def requested() -> bool:
    return _requested.is_set()


def reset() -> None:
    """Clear the flag (a new loop in the same process, e.g. in tests)."""
    _requested.clear()


def wait(seconds: float) -> bool:
    """Sleep up to ``seconds``, waking early when a stop is requested (then True)."""
    return _requested.wait(max(0.0, seconds))
