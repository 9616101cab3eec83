"""The one way an operation holds the state lock."""

from __future__ import annotations

from collections.abc import Iterator
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
