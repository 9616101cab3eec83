"""Work spread over App IDs: each App ID has its own rate limit (10 requests/s by default), so
its jobs get their own workers and the App IDs proceed side by side. N_i jobs on App ID i then
take max_i(N_i·calls/QPS_i), not the sum: one App ID's queue never holds up another's."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from snaplint.plan.changes import Change
    from snaplint.state.codec import State

T = TypeVar("T")
R = TypeVar("R")


def app_of(change: Change, state: State) -> str:
    """The App ID a change's calls go to (its rate limit): the desired spec's for a start or
    update, the recorded session's for a stop."""
    after = change.after or {}
    if change.action.value != "delete" and after.get("appId"):
        return str(after["appId"])
    job = state.jobs.get(change.name)
    return job.app_id if job is not None else ""


def by_key(items: Sequence[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """``items`` grouped by ``key``, each group in its original order, groups by first item."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def start_per_key(
    pool_of: Callable[[int], ThreadPoolExecutor],
    items: Sequence[T],
    key: Callable[[T], Hashable],
    work: Callable[[T], R],
    parallelism: int,
) -> tuple[ThreadPoolExecutor, list[Future[list[R]]]]:
    """Submit ``work`` over ``items`` with at most ``parallelism`` workers per key, all keys
    at once, to a pool made by ``pool_of(total workers)``; each future holds one worker's
    results. The caller waits (and may cancel) the futures and shuts the pool down."""
    groups = by_key(items, key)
    pool = pool_of(max(1, sum(min(parallelism, len(g)) for g in groups)))
    futures: list[Future[list[R]]] = []
    for group in groups:
        queue = deque(group)
        lock = threading.Lock()

        def drain(queue: deque[T] = queue, lock: threading.Lock = lock) -> list[R]:
            done: list[R] = []
            while True:
                with lock:
                    if not queue:
                        return done
                    item = queue.popleft()
                done.append(work(item))

        for _ in range(min(parallelism, len(group))):
            futures.append(pool.submit(drain))
    return pool, futures


def map_per_key(
    items: Sequence[T],
    key: Callable[[T], Hashable],
    work: Callable[[T], R],
    parallelism: int,
) -> list[R]:
    """``work`` over ``items``, ``parallelism`` workers per key; results in no set order."""
    if not items:
        return []
    pool, futures = start_per_key(
        lambda n: ThreadPoolExecutor(max_workers=n), items, key, work, max(1, parallelism)
    )
    with pool:
        return [r for f in futures for r in f.result()]
