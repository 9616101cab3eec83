"""The executor: carries out a plan's changes, journaling every API call (called by
:mod:`snaplint.operations.apply`, the only place where API calls and state writes meet).

:class:`Executor` carries out the changes of a :class:`~snaplint.plan.changes.Plan` in two phases — every stop first
(deletes and the first half of replaces), then updates and starts — so that a cname+uid is free
before its next start. Within a phase, jobs run in parallel: ``parallelism`` (default 4)
workers per App ID, every App ID at once (each has its own rate limit); the client's shared
token bucket per App ID keeps its threads under that limit.

Every API call is journaled (:mod:`snaplint.state.journal`): the intent is made durable before the
call, the outcome right after, and each record is folded into the in-memory state as it is
written. ``acquire`` runs immediately before its ``start`` in the same thread (a resourceId
lives 5 minutes; the docs ask for start within seconds).

Why no session can be orphaned or doubled, at any instant a process may die:

- before start's intent is durable, no start was sent: nothing to track;
- after it, the journal names the job, its resourceId, App ID, cname and uid. If the answer
  was recorded, the next run adopts the session (and refresh queries it). If not, the job is
  ``pending``: the next apply repeats start with the same resourceId (``201 code 7``: it did
  start) or, the resourceId having expired, acquires a new one (``400 code 53``: a session
  runs for this cname+uid) — both are evidence that the job's session exists, recorded as
  ``untracked`` rather than treated as errors; only a ``200`` starts a session, and Agora
  answers 200 only when no session runs for the App ID + cname + uid. So a job never has two.
- stop and update are idempotent in effect: an unrecorded outcome is repeated after refresh.

A test-only hook, ``SNAPLINT_TEST_CRASH_AT=POINT[:JOB]``, kills the process with SIGKILL at one
of :data:`~snaplint.operations.outcomes.CRASH_POINTS` so tests can prove the above.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from snaplint.agora.exceptions import (
    AlreadyStartedError,
    InvalidOperationError,
    NoRecordedDataError,
    ResourceExpiredError,
    ResourceMismatchError,
    ServerError,
    TaskConflictError,
    TransportError,
    WorkerNotFoundError,
)
from snaplint.operations import shutdown
from snaplint.operations.outcomes import (
    FAILED,
    SUCCEEDED,
    UNTOUCHED,
    JobWork,
    NoHooks,
    Outcome,
    crash_point,
    earlier_start,
    error_fields,
    one_line,
    recorded_session,
    stopped_detail,
)
from snaplint.operations.pacing import app_of, start_per_key
from snaplint.operations.view import Progress
from snaplint.plan.changes import (
    ENDED,
    PENDING,
    REASON_UNKNOWN,
    RUNNING,
    UNTRACKED,
    Action,
    Change,
    Desired,
)
from snaplint.plan.updates import update_request
from snaplint.state.codec import JobState, State, now_iso
from snaplint.state.journal import Journal, Record, fold

DEFAULT_PARALLELISM = 4
RESOURCE_TTL = 300.0  # seconds a resourceId may wait for its start (API-26)
# --------------------------------------------------------------------------- executor


class Executor:
    """Carries out one plan; ``state`` is updated in place as records are journaled."""

    def __init__(
        self,
        client: Any,
        journal: Journal,
        state: State,
        work: list[JobWork],
        *,
        parallelism: int = DEFAULT_PARALLELISM,
        hooks: Progress | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        minter: Any = None,  # operations.minting.Minter: ${agora:rtc-token} → a fresh token
    ) -> None:
        self.client = client
        self.minter = minter
        self.journal = journal
        self.state = state
        self.work = {w.name: w for w in work}
        self.parallelism = max(1, parallelism)
        self.hooks = hooks or NoHooks()
        self.monotonic = monotonic
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.outcomes: dict[str, Outcome] = {}
        # the recorded sessions as they were when planned (refresh may mark them ended)
        self._before: dict[str, JobState] = {j.name: JobState(**j.__dict__) for j in state}
        self._apply_refresh()

    # -- state bookkeeping ------------------------------------------------------------------

    def record(self, record: Record) -> Record:
        """Journal a record (durably) and fold it into the state."""
        with self._lock:
            self.journal.append(record)
            fold(self.state, record)
        return record

    def _apply_refresh(self) -> None:
        """Refresh results that only touch the state (statuses, last seen running, and the
        sid learned for an untracked job, which adopts its session)."""
        with self._lock:
            for name, w in self.work.items():
                info = w.live
                job = self.state.jobs.get(name)
                if info is None or job is None:
                    continue
                if job.status == UNTRACKED and info.sid and info.status == RUNNING:
                    job.status, job.sid, job.evidence = RUNNING, info.sid, None
                    job.last_seen_running = info.checked_at or now_iso()
                    continue
                if job.status != RUNNING:
                    continue
                if info.status == RUNNING:
                    job.last_seen_running = info.checked_at or now_iso()
                elif info.status == ENDED:
                    job.status = ENDED

    def sync_protection(self) -> None:
        """Record each desired job's protection flag (the manifest is the source)."""
        with self._lock:
            for name, w in self.work.items():
                job = self.state.jobs.get(name)
                if w.desired is not None and job is not None and job.status != PENDING:
                    job.protect = w.desired.protect
                    if not job.spec and job.status == RUNNING:
                        job.spec = w.desired.spec  # lastApplied was unknown (see the plan)

    def cancel(self) -> None:
        self._cancel.set()

    # -- running ----------------------------------------------------------------------------

    def run(self) -> list[Outcome]:
        planned = [w.change for w in self.work.values() if w.change is not None]
        changes = [c for c in planned if c.action != Action.NOOP or c.reason == REASON_UNKNOWN]
        for c in changes:
            if c.reason == REASON_UNKNOWN:
                self.outcomes[c.name] = Outcome(
                    c.name, c.action, UNTOUCHED, f"status unknown: {c.detail or 'query failed'}"
                )
        for c in changes:
            if c.action == Action.FORGET:
                self.record(Record(c.name, "forget", "done"))
                self.outcomes[c.name] = Outcome(c.name, c.action, SUCCEEDED, "removed from state")
        stops = [c for c in changes if c.action in (Action.DELETE, Action.REPLACE)]
        self._phase(stops, self._stop_phase)
        rest = [c for c in changes if c.action in (Action.UPDATE, Action.CREATE, Action.REPLACE)]
        self._phase(rest, self._second_phase)
        for c in changes:
            self.outcomes.setdefault(c.name, Outcome(c.name, c.action, UNTOUCHED, "not attempted"))
        order = {c.name: i for i, c in enumerate(planned)}
        return sorted(self.outcomes.values(), key=lambda o: order.get(o.name, 0))

    def _phase(self, changes: list[Change], work: Callable[[Change], None]) -> None:
        if not changes:
            return

        def guarded(c: Change) -> None:
            if self._cancel.is_set() or shutdown.requested():  # SIGTERM: between jobs only
                return
            try:
                work(c)
            except Exception as exc:  # a bug in one job must not lose the others' records
                self._finish(c, FAILED, f"internal error: {one_line(exc)}", exc=exc)

        # each App ID its own workers: its rate limit is its own (operations/pacing.py)
        pool, futures = start_per_key(
            lambda n: ThreadPoolExecutor(max_workers=n),
            changes,
            lambda c: app_of(c, self.state),
            guarded,
            self.parallelism,
        )
        with pool:
            try:
                for f in futures:
                    f.result()
            except KeyboardInterrupt:
                self._cancel.set()
                for f in futures:
                    f.cancel()
                raise

    def _finish(
        self,
        c: Change,
        result: str,
        detail: str = "",
        *,
        exc: BaseException | None = None,
        sid: str | None = None,
        started: float | None = None,
        changed: bool = True,
    ) -> Outcome:
        fields = error_fields(exc) if exc is not None else {}
        outcome = Outcome(
            c.name,
            c.action,
            result,
            detail,
            fields.get("http_status"),
            fields.get("code"),
            fields.get("reason") if exc is not None else None,
            sid,
            self.monotonic() - started if started is not None else 0.0,
            changed,
        )
        with self._lock:
            self.outcomes[c.name] = outcome
        self.hooks.finished(outcome)
        return outcome

    # -- phase 1: stops ---------------------------------------------------------------------

    def _stop_phase(self, c: Change) -> None:
        job = self.state.jobs.get(c.name)
        replacing = c.action == Action.REPLACE
        if job is None or not job.sid or not job.resource_id:
            if replacing:
                return  # nothing to stop: the second phase starts it
            self._finish(c, FAILED, "no session ID recorded: cannot stop")
            return
        started = self.monotonic()
        self.hooks.started(c.name, c.action)
        self.hooks.step(c.name, c.action, "stop")
        self.record(
            Record(
                c.name,
                "stop",
                "intent",
                resource_id=job.resource_id,
                sid=job.sid,
                replacing=replacing,
            )
        )
        try:
            result = self.client.stop(
                job.app_id, job.resource_id, job.sid, job.mode, job.cname, job.uid
            )
        except Exception as exc:
            crash_point("after-stop", c.name)
            gone = isinstance(exc, (WorkerNotFoundError, InvalidOperationError))
            if gone or isinstance(exc, NoRecordedDataError):
                # 404: already gone; 49: already exiting; 435: stopped, nothing was recorded
                self.record(
                    Record(
                        c.name,
                        "stop",
                        "done",
                        sid=job.sid,
                        replacing=replacing,
                        error=error_fields(exc),
                    )
                )
                if not replacing:
                    self._finish(c, SUCCEEDED, stopped_detail(exc), started=started)
                return
            self.record(
                Record(
                    c.name,
                    "stop",
                    "failed",
                    sid=job.sid,
                    replacing=replacing,
                    error=error_fields(exc),
                )
            )
            self._finish(c, FAILED, f"stop failed: {one_line(exc)}", exc=exc, started=started)
            return
        crash_point("after-stop", c.name)
        self.record(Record(c.name, "stop", "done", sid=job.sid, replacing=replacing))
        if not replacing:
            uploading = getattr(result, "uploading_status", None)
            self._finish(
                c,
                SUCCEEDED,
                f"stopped (uploadingStatus {uploading})" if uploading else "stopped",
                started=started,
            )

    # -- phase 2: updates and starts -------------------------------------------------------------

    def _second_phase(self, c: Change) -> None:
        if c.action == Action.REPLACE:
            failed = self.outcomes.get(c.name)
            if failed is not None and failed.result == FAILED:
                return  # its stop failed: starting would conflict (code 53)
        if c.action == Action.UPDATE:
            self._update(c)
        else:
            self._start(c)

    def _update(self, c: Change) -> None:
        job = self.state.jobs[c.name]
        w = self.work[c.name]
        d = w.desired
        assert d is not None and w.body is not None  # apply builds a body for every update
        body = update_request(w.body, {f.path for f in c.fields})
        started = self.monotonic()
        self.hooks.started(c.name, c.action)
        self.hooks.step(c.name, c.action, "update")
        self.record(Record(c.name, "update", "intent", sid=job.sid, spec=d.spec, protect=d.protect))
        try:
            self.client.update(
                job.app_id, job.resource_id, job.sid, job.mode, job.cname, job.uid, body
            )
        except Exception as exc:
            ended = isinstance(exc, WorkerNotFoundError)
            self.record(
                Record(
                    c.name, "update", "failed", sid=job.sid, ended=ended, error=error_fields(exc)
                )
            )
            detail = f"update failed: {one_line(exc)}"
            if ended:
                detail += " (the session has ended; apply again to start it)"
            self._finish(c, FAILED, detail, exc=exc, started=started)
            return
        self.record(Record(c.name, "update", "done", sid=job.sid, spec=d.spec, protect=d.protect))
        self._finish(c, SUCCEEDED, "updated in place", sid=job.sid, started=started)

    def _start(self, c: Change) -> None:
        w = self.work[c.name]
        d, spec = w.desired, w.body
        assert d is not None and spec is not None  # apply builds a body for every start
        previous = self._before.get(c.name)
        current = self.state.jobs.get(c.name)
        replacing = current is not None
        session = {
            "appId": str(spec["appId"]),
            "cname": str(spec["cname"]),
            "uid": str(spec["uid"]),
            "mode": spec["mode"],
        }
        started = self.monotonic()
        self.hooks.started(c.name, c.action)

        # an interrupted start: try its own resourceId first; code 7 proves it started
        if current is not None and current.status == PENDING and current.resource_id:
            outcome = self._start_with(
                c, current.resource_id, spec, session, d, replacing, previous, started, retry=True
            )
            if outcome is not None:
                return
            replacing = True  # the pending entry stays until the new start's outcome

        self.hooks.step(c.name, c.action, "acquire")
        self.record(Record(c.name, "acquire", "intent", session=session))
        try:
            acquired = self.client.acquire(
                session["appId"], session["cname"], session["uid"], spec.get("acquire") or {}
            )
        except Exception as exc:
            self.record(Record(c.name, "acquire", "failed", error=error_fields(exc)))
            self._finish(c, FAILED, f"acquire failed: {one_line(exc)}", exc=exc, started=started)
            return
        self.record(Record(c.name, "acquire", "done", resource_id=acquired.resource_id))
        crash_point("after-acquire", c.name)
        self._start_with(
            c, acquired.resource_id, spec, session, d, replacing, previous, started, retry=False
        )

    def _start_with(
        self,
        c: Change,
        resource_id: str,
        spec: Mapping[str, Any],
        session: dict[str, str],
        d: Desired,
        replacing: bool,
        previous: JobState | None,
        started: float,
        *,
        retry: bool,
    ) -> Outcome | None:
        """Start with ``resource_id``. With ``retry`` (a pending start), return None when the
        resourceId is no longer usable so that the caller acquires a fresh one."""
        self.hooks.step(c.name, c.action, "start")
        base = {"session": session, "resource_id": resource_id, "replacing": replacing}
        request = spec.get("clientRequest") or {}
        expires = None  # minted here, so the token exists only in this call's body
        if self.minter is not None:
            request, expires = self.minter.request(request, session)
        intent = Record(c.name, "start", "intent", spec=d.spec, protect=d.protect, **base)
        intent.token_expires_at = expires
        self.record(intent)
        crash_point("after-start-intent", c.name)
        try:
            result = self.client.start(
                session["appId"],
                resource_id,
                session["mode"],
                session["cname"],
                session["uid"],
                request,
            )
        except Exception as exc:
            crash_point("after-start", c.name)
            return self._start_failed(c, exc, d, base, previous, started, retry)
        crash_point("after-start", c.name)
        self.record(
            Record(c.name, "start", "done", sid=result.sid, spec=d.spec, protect=d.protect, **base)
        )
        crash_point("after-start-recorded", c.name)
        return self._finish(c, SUCCEEDED, "started", sid=result.sid, started=started)

    def _start_failed(
        self,
        c: Change,
        exc: BaseException,
        d: Desired,
        base: dict[str, Any],
        previous: JobState | None,
        started: float,
        retry: bool,
    ) -> Outcome | None:
        error = error_fields(exc)
        if isinstance(exc, (AlreadyStartedError, TaskConflictError)):
            # evidence, not failure: a session runs for this job's App ID + cname + uid
            if isinstance(exc, TaskConflictError) and recorded_session(previous, base):
                # refresh saw its recorded session as gone, yet it runs (404 during a failover)
                self.record(
                    Record(
                        c.name,
                        "start",
                        "evidence",
                        error=error,
                        **{**base, "resource_id": previous.resource_id},
                        sid=previous.sid,
                        spec=previous.spec,
                    )
                )
                return self._finish(
                    c,
                    SUCCEEDED,
                    "the recorded session is still running (code 53); kept",
                    sid=previous.sid,
                    started=started,
                    changed=False,
                )
            if isinstance(exc, TaskConflictError) and earlier_start(previous):
                # the session that runs is the one an earlier, unanswered start began: keep
                # its resourceId, which its sid (once learned) is queried and stopped with
                base = {**base, "resource_id": previous.resource_id}
            self.record(
                Record(
                    c.name, "start", "evidence", error=error, spec=d.spec, protect=d.protect, **base
                )
            )
            code = error.get("code")
            return self._finish(
                c,
                SUCCEEDED,
                f"already running (code {code}: {error.get('reason')}); its sid is unknown",
                started=started,
                changed=False,
            )
        if retry and (isinstance(exc, (ResourceExpiredError, ResourceMismatchError))):
            self.record(Record(c.name, "start", "uncertain", error=error, **base))
            return None
        definitive = not (
            isinstance(exc, (TransportError, ServerError)) or getattr(exc, "retryable", False)
        )
        self.record(
            Record(c.name, "start", "failed" if definitive else "uncertain", error=error, **base)
        )
        detail = f"start failed: {one_line(exc)}"
        if not definitive:
            detail += " (whether it started is unknown: apply again to verify)"
        return self._finish(c, FAILED, detail, exc=exc, started=started)
