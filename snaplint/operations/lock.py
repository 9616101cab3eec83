"""The one way an operation holds the state lock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.operations.view import View
    from snaplint.state.backends import Backend, LockInfo
    from snaplint.state.codec import StateStore


class NotLocked(Exception):
    """The lock could not be taken; the view has been told who holds it."""


def state_lock(store: StateStore, operation: str, timeout: float, view: View) -> Any:
    """Hold the state's lock for ``operation`` (waiting up to ``timeout`` seconds) from the
    first read to the last write; released whatever happens inside."""
    return backend_lock(store.backend, operation, timeout, view)


@contextmanager
def backend_lock(
    backend: Backend, operation: str, timeout: float, view: View
) -> Iterator[LockInfo]:
    """:func:`state_lock` for a bare backend (``state migrate`` locks both of its sides)."""
    from snaplint.state.backends import LockError, LockInfo

    try:
        held = backend.lock(LockInfo.new(operation), timeout)
    except LockError as exc:
        report_lock_error(view, exc)
        raise NotLocked(str(exc)) from exc
    try:
        yield held
    finally:
        backend.unlock(held.id)


def report_lock_error(view: View, exc: Exception) -> None:
    holder = getattr(exc, "holder", None)
    detail = (
        "snaplint acquires a state lock to protect the state from being written by several "
        "processes at once. Wait for the other process, retry with --lock-timeout, or — if "
        "it is gone for good — run `snaplint force-unlock "
        f"{holder.id if holder else 'LOCK_ID'}`."
    )
    if holder is not None:
        detail = "Lock Info:\n" + holder.describe() + "\n\n" + detail
    view.error(f"Error acquiring the state lock: {str(exc).splitlines()[0]}", detail)


def patient_lock(
    store: StateStore,
    operation: str,
    patience: float,
    *,
    stop: Callable[[], bool],
    waiting: Callable[[LockInfo | None], None],
    slice_seconds: float = 1.0,
) -> tuple[LockInfo | None, float, LockInfo | None]:
    """Take the state lock, waiting up to ``patience`` seconds in short slices so that a stop
    request (``stop()``) is noticed within one; ``waiting(holder)`` is called once if it has to
    wait. Returns the lock held (None: not taken), the seconds waited and the last holder seen.
    The caller releases it (``store.backend.unlock``): the reconcile loop, once per round."""
    from snaplint.state.backends import LockError, LockInfo

    info = LockInfo.new(operation)
    began = time.monotonic()
    holder: LockInfo | None = None
    told = False
    while not stop():
        try:
            held = store.backend.lock(info, slice_seconds)
        except LockError as exc:
            holder = getattr(exc, "holder", None) or holder
            if not told:
                waiting(holder)
                told = True
            if time.monotonic() - began >= max(patience, slice_seconds):
                break
            continue
        return held, time.monotonic() - began, holder
    return None, time.monotonic() - began, holder
