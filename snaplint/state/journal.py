"""Apply's write-ahead journal: intents and outcomes of API calls, folded into state.

Before every acquire, start, update and stop, apply appends an *intent* record, and right
after the call an *outcome* record (``done``, ``failed``, ``evidence`` or ``uncertain``);
each append is durable before the call goes out (:meth:`Backend.journal_append`). The state
itself is written once at the end of apply, by folding the records into it with
:func:`fold` — the same function that recovers an interrupted apply, so "what a finished
apply records" and "what recovery records" cannot drift apart.

A record is bound to the state it was written against (``lineage`` and base ``serial``). The
state write that concludes an apply increments the serial before the journal is cleared, so
records whose serial is older than the state's were already folded and are skipped: a crash
between the two steps does not fold anything twice.

Records hold no secrets (specs are fingerprints) and no more than the IDs the state holds.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from snaplint.state.backends.base import Backend
from snaplint.state.codec import JobState, State, StateError, now_iso

JOURNAL_VERSION = 1
# an ended job's evidence when its session was stopped by a replace whose start has not run yet
STOPPED_FOR_REPLACE = "stopped to be replaced; the new session was not started yet"
# a replace's stop was sent but its answer not recorded (killed in between): the session may be
# gone, and if it is, it was stopped by the replace — an end no restart policy may keep
STOP_SENT_FOR_REPLACE = "stop sent for a replace; its answer was not recorded"
REPLACE_MARKERS = frozenset({STOPPED_FOR_REPLACE, STOP_SENT_FOR_REPLACE})
STEPS = ("acquire", "start", "update", "stop", "forget")
PHASES = ("intent", "done", "failed", "evidence", "uncertain")


@dataclass
class Record:
    job: str
    step: str
    phase: str
    lineage: str = ""
    serial: int = 0
    seq: int = 0
    at: str = ""
    resource_id: str | None = None
    sid: str | None = None
    session: dict[str, str] | None = None  # appId, cname, uid, mode
    spec: dict[str, Any] | None = None  # fingerprint (secrets hashed)
    protect: bool | None = None
    replacing: bool = False  # a replace's stop keeps the job; a delete's stop forgets it
    ended: bool = False  # the failed call showed the session is gone (404)
    error: dict[str, Any] | None = None  # http_status, code, reason
    token_expires_at: str | None = None  # start: a minted token's expiry (never the token)
    v: int = JOURNAL_VERSION

    def encode(self) -> bytes:
        # empty fields are left out; ``protect`` is tri-state (None: the job's flag stays as
        # it is), so its False must be written
        data = {
            k: v
            for k, v in asdict(self).items()
            if v not in (None, False) or k == "v" or (k == "protect" and v is False)
        }
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def decode(cls, line: bytes) -> Record | None:
        try:
            data = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("v") != JOURNAL_VERSION:
            return None
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        try:
            record = cls(**known)
        except TypeError:
            return None
        if record.step not in STEPS or record.phase not in PHASES:
            return None
        return record


@dataclass
class Journal:
    """Appends records for one apply, bound to the state it started from."""

    backend: Backend
    lineage: str
    serial: int
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def for_state(cls, backend: Backend, state: State) -> Journal:
        return cls(backend, state.lineage, state.serial)

    def append(self, record: Record) -> Record:
        with self._lock:
            self._seq += 1
            record.lineage, record.serial, record.seq = self.lineage, self.serial, self._seq
            record.at = record.at or now_iso()
            self.backend.journal_append(record.encode())
        return record


class JournalError(StateError):
    """A journal record that cannot be read: the interrupted apply it belongs to cannot be
    finished safely, so nothing may go on as if it were not there."""


def read(backend: Backend) -> list[Record]:
    """Every record of the backend's journal (a torn last line, cut short by a crash mid-
    append, never reaches here); :class:`JournalError` names a damaged one by number."""
    records = []
    for number, line in enumerate(backend.journal_read(), 1):
        record = Record.decode(line)
        if record is None:
            raise JournalError(
                f"the journal of {backend.describe()} is damaged: record {number} cannot be "
                "read. It holds the API calls of an interrupted apply; check which sessions "
                "run for its jobs before removing that record or the journal"
            )
        records.append(record)
    return records


def unfolded(records: list[Record], state: State) -> list[Record]:
    """The records not yet folded into ``state``."""
    return [r for r in records if r.lineage == state.lineage and r.serial == state.serial]


def fold(state: State, record: Record) -> None:
    """Apply one record to ``state`` in place."""
    name = record.job
    job = state.jobs.get(name)
    step, phase = record.step, record.phase
    if step == "forget" and phase == "done":
        state.jobs.pop(name, None)
    elif step == "start":
        _fold_start(state, record, job)
    elif step == "update" and job is not None:
        if phase == "done":
            if record.spec is not None:
                job.spec = record.spec
            if record.protect is not None:
                job.protect = record.protect
        elif phase == "failed" and record.ended:
            _ended(job)
    elif step == "stop" and job is not None and phase == "intent" and record.replacing:
        job.evidence = STOP_SENT_FOR_REPLACE  # status stays: refresh tells whether it ended
    elif (
        step == "stop"
        and job is not None
        and (phase == "done" or (phase == "failed" and record.ended))
    ):
        if record.replacing:
            _ended(job)
            job.evidence = STOPPED_FOR_REPLACE  # not an end of its own: reconcile resumes it
        else:
            state.jobs.pop(name, None)
    # acquire records only document progress: no session exists before start


def _fold_start(state: State, record: Record, job: JobState | None) -> None:
    name, phase = record.job, record.phase
    session = record.session or {}
    if phase == "intent":
        state.jobs[name] = JobState(
            name=name,
            app_id=session.get("appId", job.app_id if job else ""),
            cname=session.get("cname", job.cname if job else ""),
            uid=session.get("uid", job.uid if job else ""),
            mode=session.get("mode", job.mode if job else "individual"),
            resource_id=record.resource_id,
            sid=None,
            status="pending",
            started_at=None,
            last_seen_running=job.last_seen_running if job else None,
            spec=record.spec if record.spec is not None else (job.spec if job else {}),
            protect=bool(record.protect)
            if record.protect is not None
            else bool(job and job.protect),
            imported=False,
            evidence=f"start sent at {record.at}; its answer was not recorded",
            token_expires_at=record.token_expires_at,
        )
        return
    if job is None:
        if phase != "done":
            return
        # an outcome without its intent (a journal cut short): rebuild from the outcome
        job = JobState(
            name, session.get("appId", ""), session.get("cname", ""), session.get("uid", "")
        )
        job.mode = session.get("mode", "individual")
        job.spec = record.spec or {}
        state.jobs[name] = job
    if phase == "done":
        job.status, job.sid = "running", record.sid
        job.resource_id = record.resource_id or job.resource_id
        job.started_at = job.last_seen_running = record.at
        job.evidence = None
        if record.spec is not None:
            job.spec = record.spec
    elif phase == "evidence" and record.sid:
        # code 53 while restarting a job whose recorded session looked ended: that session
        # lives on (a 404 during a failover); keep it
        job.status, job.sid, job.resource_id = "running", record.sid, record.resource_id
        job.evidence = None
        if record.spec is not None:
            job.spec = record.spec
    elif phase == "evidence":
        job.status, job.sid = "untracked", None
        job.resource_id = record.resource_id or job.resource_id  # the running session's
        error = record.error or {}
        job.evidence = (
            f"start answered code {error.get('code')} ({error.get('reason')}) at {record.at}: "
            "a session runs for this cname and uid, but its sid is unknown"
        )
    elif phase == "failed":
        if record.replacing:
            _ended(job)
        else:
            state.jobs.pop(name, None)
    elif phase == "uncertain":
        job.status = "pending"
        job.evidence = f"start sent at {record.at}; its outcome is unknown ({_reason(record)})"


def _ended(job: JobState) -> None:
    # the last session's IDs stay as history (refresh queries running jobs only)
    job.status, job.evidence = "ended", None


def _reason(record: Record) -> str:
    error = record.error or {}
    return str(error.get("reason") or "no answer")


def recover(backend: Backend, state: State) -> tuple[State, list[Record]]:
    """``state`` with the journal's unfolded records applied (a copy), and those records."""
    records = unfolded(read(backend), state)
    if not records:
        return state, []
    recovered = state.copy()
    for record in records:
        fold(recovered, record)
    return recovered, records
