"""``reconcile``: refresh → plan → apply, round after round, so that jobs stay alive.

Each round takes the state lock — waiting for it in short slices while another loop or an
apply holds it, so several loops on one state take turns and never apply at once — then runs
apply's work (:func:`snaplint.operations.apply.apply_held`: journal recovery, lint, refresh,
plan, the guard rails, the journaled calls, the state write) with the jobs' restart policies
applied to the plan (:mod:`snaplint.plan.restart`), counts the sessions by state, and releases
the lock. The loop then sleeps until the next round.

A stop request (:mod:`snaplint.operations.shutdown`, set by the CLI on SIGTERM) is honoured
between rounds, while waiting, and by the executor between jobs: the call in flight and its
journal record complete, the state is written, and the loop returns. A SIGKILL at any moment
leaves the journal, which the next round's recovery folds in (as for an interrupted apply).

Nothing here prints or reads argv: each round is a :class:`Round` value given to a
:class:`LoopView` (the CLI prints it as one JSON line) and to the optional metrics.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from snaplint.operations import shutdown
from snaplint.operations.settings import ERROR, INTERRUPTED, OK, Settings
from snaplint.plan.changes import summary_counts

if TYPE_CHECKING:
    from snaplint.operations.planning import Planned
    from snaplint.plan.restart import End
    from snaplint.state.codec import JobState, State, StateStore

WAITING = "waiting"  # the round could not take the lock within an interval
DEFAULT_INTERVAL = 300.0
LOCK_SLICE = 1.0  # seconds per lock attempt: how soon a waiting loop notices SIGTERM
SESSION_STATES = ("running", "ended", "pending", "untracked")
_NO_CHANGES = summary_counts(())  # every kind, so that a line always has them all


@dataclass
class Round:
    """What one round did (the JSON line and the metrics are made from it)."""

    number: int
    status: str  # ok | error | waiting | interrupted
    started_at: float
    finished_at: float = 0.0
    lock_wait: float = 0.0
    locked_at: float | None = None  # when the state lock was taken and released
    released_at: float | None = None
    planned: dict[str, int] = field(default_factory=dict)  # per kind: start, update, …
    changes: dict[str, int] = field(default_factory=dict)  # carried out, per kind
    failed: int = 0
    ended: list[str] = field(default_factory=list)  # sessions found ended this round
    not_restarted: list[str] = field(default_factory=list)  # left ended by metadata.restart
    sessions: dict[str, int] = field(default_factory=dict)  # jobs in state per status
    token_expires_in: float | None = None  # seconds until the earliest recorded token expiry
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    next_round: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "status": self.status,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "duration_seconds": round(self.finished_at - self.started_at, 3),
            "lock_wait_seconds": round(self.lock_wait, 3),
            "locked_at": _iso(self.locked_at) if self.locked_at is not None else None,
            "released_at": _iso(self.released_at) if self.released_at is not None else None,
            "planned": {**_NO_CHANGES, **self.planned},
            "changes": {**_NO_CHANGES, **self.changes},
            "failed": self.failed,
            "ended": self.ended,
            "not_restarted": self.not_restarted,
            "sessions": self.sessions,
            "token_expires_in_seconds": self.token_expires_in,
            "errors": self.errors,
            "error_count": self.error_count,
            "warnings": self.warnings,
            "next_round": _iso(self.next_round) if self.next_round is not None else None,
        }


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class LoopView(Protocol):
    def round(self, result: Round) -> None:
        """One round is over (called once per round, from the loop's thread)."""

    def note(self, message: str, level: str = "info") -> None:
        """Something about the loop itself (waiting for the lock, stopping)."""


class Observer(Protocol):
    def observe(self, result: Round) -> None: ...


@dataclass
class ReconcileResult:
    status: str  # ok | error (only --once: its round's outcome); a stop is a clean end: ok
    rounds: list[Round]


def reconcile(
    settings: Settings,
    view: LoopView,
    *,
    interval: float = DEFAULT_INTERVAL,
    once: bool = False,
    observer: Observer | None = None,
    clock: Callable[[], float] = time.time,
    max_rounds: int | None = None,
) -> ReconcileResult:
    """Run rounds every ``interval`` seconds until a stop is requested (``once``: one round;
    ``max_rounds``: at most that many, for tests). Rounds that fail do not end the loop."""
    loop = _Loop(settings, view, interval, clock)
    rounds: list[Round] = []
    while not shutdown.requested():
        result = loop.round(len(rounds) + 1)
        rounds.append(result)
        last = once or (max_rounds is not None and len(rounds) >= max_rounds)
        if not last and not shutdown.requested():
            # rounds start an interval apart (at once after a longer round, or after one that
            # already waited an interval for the lock)
            result.next_round = (
                clock() if result.status == WAITING else max(clock(), result.started_at + interval)
            )
        view.round(result)
        if observer is not None:
            observer.observe(result)
        if last or shutdown.requested():
            break
        if result.next_round is not None:
            shutdown.wait(result.next_round - clock())
    if shutdown.requested():
        view.note("Stop requested: the loop ended after completing its current work.")
    if once and rounds and rounds[-1].status in (ERROR, WAITING):
        return ReconcileResult(ERROR, rounds)
    return ReconcileResult(OK, rounds)


class _Loop:
    def __init__(
        self, settings: Settings, view: LoopView, interval: float, clock: Callable[[], float]
    ) -> None:
        self.settings = settings
        self.view = view
        self.interval = interval
        self.clock = clock
        # jobs seen ending abnormally whose restart has not succeeded yet (on-failure keeps
        # trying them in later rounds; kept in memory: a new loop asks refresh again)
        self.failed: set[str] = set()
        self.backend_name = ""

    def round(self, number: int) -> Round:
        from snaplint.operations.planning import open_store
        from snaplint.operations.settings import OperationError

        result = Round(number, OK, self.clock())
        store = None
        try:
            store = open_store(self.settings)
            self.backend_name = getattr(store.backend, "name", "")
            held = self._lock(store, result)
            if held is not None:
                result.locked_at = self.clock()
                try:
                    self._work(store, result)
                finally:
                    store.backend.unlock(held.id)
                    result.released_at = self.clock()
        except OperationError as exc:
            result.status = ERROR
            _add_error(result, str(exc))
        except Exception as exc:  # a round's failure is reported; the next round tries again
            result.status = ERROR
            _add_error(result, f"{type(exc).__name__}: {' '.join(str(exc).split())}")
        finally:
            if store is not None:
                _close(store)  # a round's connection (PostgreSQL) does not outlive it
        result.finished_at = self.clock()
        return result

    def _lock(self, store: StateStore, result: Round) -> Any:
        """The state lock, waited for up to an interval (None: not taken)."""
        from snaplint.operations.lock import patient_lock

        def who(holder: Any) -> str:
            return f"{holder.operation} ({holder.who}, pid {holder.pid})" if holder else "another"

        held, result.lock_wait, holder = patient_lock(
            store,
            "reconcile",
            self.interval,
            stop=shutdown.requested,
            waiting=lambda h: self.view.note(f"Waiting for the state lock held by {who(h)}."),
            slice_seconds=LOCK_SLICE,
        )
        if held is None:
            if shutdown.requested():
                result.status = INTERRUPTED
            else:
                # another worker's turn, not an error: this loop's work waits a round
                result.status = WAITING
                result.warnings.append(f"the state lock is held by {who(holder)}")
        return held

    def _work(self, store: StateStore, result: Round) -> None:
        from snaplint.operations.apply import apply_held
        from snaplint.operations.outcomes import SUCCEEDED, summary_counts
        from snaplint.operations.roundview import RoundView
        from snaplint.plan.restart import not_restarted

        view = RoundView()
        seen: list[Planned] = []

        def adjust(planned: Planned) -> None:
            seen.append(planned)
            self._restart_policies(planned)

        applied = apply_held(self.settings, view, store, adjust=adjust)
        plan = applied.plan or view.plan_seen
        if plan is not None:
            result.planned = plan.summary()
            result.ended = [d.name for d in plan.drift if d.kind == "ended"]
            result.not_restarted = not_restarted(plan)
        result.changes = summary_counts(applied.outcomes)
        result.failed = sum(1 for o in applied.outcomes if o.result != SUCCEEDED)
        for o in applied.outcomes:
            if o.result == SUCCEEDED and o.sid:
                self.failed.discard(o.name)  # running again
        result.errors, result.error_count = view.errors, view.error_count
        result.warnings = view.warnings
        if shutdown.requested():
            result.status = INTERRUPTED
        elif applied.status != OK:
            result.status = ERROR
        state = seen[0].state if seen else _read(store)
        if state is not None:
            result.sessions = sessions_by_state(state)
            result.token_expires_in = token_expires_in(state, self.clock())

    def _restart_policies(self, planned: Planned) -> None:
        """Hold the restarts of ended sessions that their job's ``metadata.restart`` does not
        allow (apply calls this between planning and carrying out)."""
        from snaplint.plan.changes import REASON_ENDED, Action
        from snaplint.plan.restart import FAILURE, ON_FAILURE, REPLACED, End, end_of, hold
        from snaplint.state.journal import REPLACE_MARKERS

        policies = {name: getattr(d.job, "restart", "never") for name, d in planned.desired.items()}
        ends: dict[str, End] = {}
        for c in planned.plan.changes:
            if c.action != Action.CREATE or c.reason != REASON_ENDED:
                continue
            job = planned.state.jobs.get(c.name)
            if job is not None and job.evidence in REPLACE_MARKERS:
                ends[c.name] = End(REPLACED, "stopped for a replace that did not finish")
                continue
            expiry = _token_expiry(job) if job is not None else None
            expired = expiry is not None and expiry <= self.clock()
            events = self._events(job) if policies.get(c.name) == ON_FAILURE else ()
            end = end_of(planned.live.get(c.name), events, token_expired=expired)
            if end.kind == FAILURE:
                self.failed.add(c.name)
            elif c.name in self.failed:
                end = End(FAILURE, "it ended abnormally in an earlier round")
            ends[c.name] = end
        planned.plan = hold(planned.plan, policies, ends)

    def _events(self, job: JobState | None) -> list[Any]:
        """The notification events of the job's last session, when the project keeps any."""
        if job is None or not job.sid:
            return []
        from snaplint.notifications.store import FILE_NAME
        from snaplint.operations.eventstore import open_event_store

        local = self.backend_name != "postgres"
        if local and not (self.settings.root / ".snaplint" / FILE_NAME).is_file():
            return []
        try:
            store = open_event_store(self.settings)
        except Exception:  # no events to read is not a round failure: refresh still decides
            return []
        try:
            return list(store.events(sid=job.sid))
        except Exception:
            return []
        finally:
            store.close()


def _close(store: StateStore) -> None:
    # closing is best effort: the round's outcome is already known
    with contextlib.suppress(Exception):
        store.backend.close()


def _add_error(result: Round, message: str) -> None:
    result.errors.append(message)
    result.error_count += 1


def _read(store: StateStore) -> State | None:
    try:
        return store.read()
    except Exception:  # counted sessions are a nicety; the round's errors say what failed
        return None


def sessions_by_state(state: State) -> dict[str, int]:
    """How many jobs the state records per session status (every status, zeros included)."""
    counts = dict.fromkeys(SESSION_STATES, 0)
    for job in state:
        counts[job.status] = counts.get(job.status, 0) + 1
    return counts


def _token_expiry(job: Any) -> float | None:
    """The job's recorded token expiry (Unix time), when the state records one: the minted-
    token work of issue 16 stores it as ``token_expires_at`` (ISO 8601 text or a number)."""
    value = getattr(job, "token_expires_at", None)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def token_expires_in(state: State, now: float) -> float | None:
    """Seconds until the earliest token expiry among running sessions (None: none recorded)."""
    times = [t for j in state if j.status == "running" and (t := _token_expiry(j)) is not None]
    return round(min(times) - now, 3) if times else None
