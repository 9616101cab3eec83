"""Refresh: query every recorded running session and classify what it answers.

There is no "list sessions" call, so refresh can only ask about sessions the state knows,
one ``query`` each, in parallel under the client's shared per-App ID rate limit.

:func:`classify` (pure) maps an answer to a :class:`~snaplint.plan.changes.Live` status:

- **running** — query answered (status 0–5: starting up or recording);
- **ended** — 404 "failed to find worker", or a status of 6–8/20 (stopping, exited): normal
  for sessions that idle out after ``maxIdleTime``; the plan says it will be started again;
- **unknown** — anything else after the client's retries (5xx, timeouts, 433 "resource
  expired" — the recording may still run but can no longer be queried): shown, never guessed.

A 404 can also be transient during a high-availability migration (reference §7.3); apply
treats a code 53 on the restart of such a job as proof that the recorded session lives on and
keeps it (see :mod:`snaplint.operations.executor`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from snaplint.operations.pacing import map_per_key
from snaplint.plan.changes import ENDED, RUNNING, UNKNOWN, Live
from snaplint.state.codec import JobState, now_iso

RUNNING_STATUSES = frozenset({0, 1, 2, 3, 4, 5})
ENDED_STATUSES = frozenset({6, 7, 8, 20})
STATUS_TEXT = {
    0: "not started",
    1: "initialised",
    2: "components starting",
    3: "some components ready",
    4: "all components ready",
    5: "recording",
    6: "stop requested",
    7: "all components stopped",
    8: "exited",
    20: "exited abnormally",
}


def classify(result: Any = None, error: BaseException | None = None, at: str | None = None) -> Live:
    """The live status of one session from a ``QueryResult`` or the error query raised."""
    at = at or now_iso()
    if error is None:
        status = getattr(result, "status", None)
        text = STATUS_TEXT.get(status, f"status {status}") if status is not None else "?"
        if status in ENDED_STATUSES:
            return Live(
                ENDED, status, at, f"the session is exiting (query status {status}: {text})"
            )
        return Live(RUNNING, status, at, text)
    http_status = getattr(error, "http_status", None)
    code = getattr(error, "code", None)
    if _worker_not_found(error):
        return Live(
            ENDED,
            None,
            at,
            "session ended; query answered 404 (failed to find worker)",
            http_status,
            code,
        )
    return Live(UNKNOWN, None, at, _one_line(error), http_status, code)


def _worker_not_found(error: BaseException) -> bool:
    try:
        from snaplint.agora.exceptions import WorkerNotFoundError
    except ImportError:  # pragma: no cover - the client is part of the package
        WorkerNotFoundError = ()  # type: ignore[assignment,misc]
    if isinstance(error, WorkerNotFoundError):
        return True
    return (
        getattr(error, "http_status", None) == 404
        and "worker" in str(getattr(error, "reason", "") or "").lower()
    )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def refresh(
    client: Any,
    jobs: Mapping[str, JobState],
    *,
    parallelism: int = 4,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[str, Live], None] | None = None,
) -> dict[str, Live]:
    """Query every recorded running session; other jobs (ended, pending, untracked) have no
    sid to query and keep their recorded status."""
    targets = [j for j in jobs.values() if j.status == RUNNING and j.sid and j.resource_id]

    def one(job: JobState) -> tuple[str, Live]:
        if on_start is not None:
            on_start(job.name)
        try:
            result = client.query(job.app_id, job.resource_id, job.sid, job.mode)
        except Exception as exc:  # every failure is classified; none stops the others
            live = classify(error=exc)
        else:
            live = classify(result)
        if on_done is not None:
            on_done(job.name, live)
        return job.name, live

    # ``parallelism`` queries per App ID, every App ID at once: each has its own rate limit
    return dict(map_per_key(targets, lambda j: j.app_id, one, parallelism))
