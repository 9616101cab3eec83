"""State: which session runs for which job, as last applied — and its codec and store.

Agora has no "list sessions" call, so the state is the only record of what snaplint started.
Per job it keeps the session's identity (App ID, cname, uid, mode, resourceId, sid), when it
started and was last seen running, the **last-applied spec** (``query`` does not return a
session's configuration, so drift is measured against it) with every secret replaced by a
salted HMAC (:func:`snaplint.plan.jobs.fingerprint`), and the protection flag.

The document (``format: snaplint-state``) is versioned JSON::

    {"format": "snaplint-state", "version": 1, "lineage": UUID, "serial": N,
     "snaplintVersion": "…", "salt": HEX, "writtenAt": ISO,
     "jobs": {NAME: {"appId", "cname", "uid", "mode", "resourceId", "sid", "status",
                     "startedAt", "lastSeenRunning", "protect", "imported", "evidence",
                     "tokenExpiresAt" (a minted token's expiry, when there is one),
                     "lastApplied": {…spec…}}}}

``lineage`` names one state's history (set at creation, never changed); ``serial`` counts its
writes. :class:`StateStore` owns both: every save checks that nobody wrote the backend since
this process read it (same lineage and serial) and then increments the serial — the backends
only move bytes.

Job status: ``running`` (a session with a sid), ``ended`` (its session is gone; the job stays
recorded for its protection flag and history), ``pending`` (start was sent but its answer was
lost: the sid is unknown until apply verifies), ``untracked`` (start answered "already
started" or "task conflict": the session runs but its sid is unknown).
"""

from __future__ import annotations

import copy
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from snaplint.state.backends import Backend

STATE_FORMAT = "snaplint-state"
STATE_VERSION = 1
STATUSES = ("running", "ended", "pending", "untracked")


class StateError(Exception):
    """The state cannot be decoded, or was changed underneath this process."""


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def iso_of_ms(ms: int | None) -> str | None:
    """A Unix time in milliseconds (as the API reports them) in the state's format."""
    if not ms:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class JobState:
    """One job's session as recorded."""

    name: str
    app_id: str
    cname: str
    uid: str
    mode: str = "individual"
    resource_id: str | None = None
    sid: str | None = None
    status: str = "running"
    started_at: str | None = None
    last_seen_running: str | None = None
    spec: dict[str, Any] = field(default_factory=dict)  # last applied, secrets hashed
    protect: bool = False
    imported: bool = False
    evidence: str | None = None  # pending/untracked: what we know and since when
    token_expires_at: str | None = None  # a minted token's expiry (ISO 8601), never the token

    @property
    def has_session(self) -> bool:
        """Is there (possibly) a live session snaplint is responsible for?"""
        return self.status in ("running", "pending", "untracked")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "appId": self.app_id,
            "cname": self.cname,
            "uid": self.uid,
            "mode": self.mode,
            "resourceId": self.resource_id,
            "sid": self.sid,
            "status": self.status,
            "startedAt": self.started_at,
            "lastSeenRunning": self.last_seen_running,
            "protect": self.protect,
            "imported": self.imported,
            "evidence": self.evidence,
            "lastApplied": self.spec,
        }
        if self.token_expires_at is not None:
            data["tokenExpiresAt"] = self.token_expires_at
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> JobState:
        if not isinstance(data, dict):
            raise StateError(f"job {name}: expected an object")
        try:
            status = data.get("status", "running")
            if status not in STATUSES:
                raise StateError(f"job {name}: unknown status {status!r}")
            spec = data.get("lastApplied") or {}
            if not isinstance(spec, dict):
                raise StateError(f"job {name}: lastApplied must be an object")
            return cls(
                name=name,
                app_id=str(data["appId"]),
                cname=str(data["cname"]),
                uid=str(data["uid"]),
                mode=str(data.get("mode") or "individual"),
                resource_id=data.get("resourceId"),
                sid=data.get("sid"),
                status=status,
                started_at=data.get("startedAt"),
                last_seen_running=data.get("lastSeenRunning"),
                spec=dict(spec),
                protect=bool(data.get("protect", False)),
                imported=bool(data.get("imported", False)),
                evidence=data.get("evidence"),
                token_expires_at=_optional_text(data.get("tokenExpiresAt")),
            )
        except KeyError as exc:
            raise StateError(f"job {name}: missing {exc.args[0]}") from None


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class State:
    lineage: str
    serial: int = 0
    salt: str = ""
    jobs: dict[str, JobState] = field(default_factory=dict)
    written_at: str | None = None
    snaplint_version: str | None = field(default=None, compare=False)  # of the last writer

    @classmethod
    def new(cls) -> State:
        return cls(lineage=str(uuid.uuid4()), serial=0, salt=secrets.token_hex(16))

    def copy(self) -> State:
        return copy.deepcopy(self)

    def __iter__(self) -> Iterator[JobState]:
        return iter(self.jobs[name] for name in sorted(self.jobs))


# --------------------------------------------------------------------------- codec


def encode(state: State) -> bytes:
    from snaplint import __version__

    doc = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "lineage": state.lineage,
        "serial": state.serial,
        "snaplintVersion": __version__,
        "salt": state.salt,
        "writtenAt": state.written_at,
        "jobs": {name: state.jobs[name].to_dict() for name in sorted(state.jobs)},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False).encode() + b"\n"


def decode(data: bytes) -> State:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError(f"the state is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT:
        raise StateError("this is not a snaplint state (format is not snaplint-state)")
    version = doc.get("version")
    if not isinstance(version, int):
        raise StateError("the state has no version")
    if version > STATE_VERSION:
        raise StateError(
            f"the state was written by a newer snaplint (state version {version}, this snaplint "
            f"reads up to {STATE_VERSION}); upgrade snaplint"
        )
    lineage, serial, salt = doc.get("lineage"), doc.get("serial"), doc.get("salt")
    if not isinstance(lineage, str) or not isinstance(serial, int) or not isinstance(salt, str):
        raise StateError("the state lacks lineage, serial or salt")
    jobs = doc.get("jobs") or {}
    if not isinstance(jobs, dict):
        raise StateError("the state's jobs must be an object")
    return State(
        lineage=lineage,
        serial=serial,
        salt=salt,
        jobs={name: JobState.from_dict(name, data) for name, data in jobs.items()},
        written_at=doc.get("writtenAt"),
        snaplint_version=doc.get("snaplintVersion"),
    )


# --------------------------------------------------------------------------- store


class StateStore:
    """Lineage- and serial-aware access to a backend's state and journal."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._base: tuple[str, int] | None = None  # (lineage, serial) as last read or written

    def describe(self) -> str:
        return self.backend.describe()

    def read(self) -> State | None:
        """The stored state, or None when none was written yet."""
        data = self.backend.read()
        if data is None:
            self._base = None
            return None
        state = decode(data)
        self._base = (state.lineage, state.serial)
        return state

    def load(self) -> State:
        """The stored state, or a new empty one (lineage and salt fresh, serial 0)."""
        return self.read() or State.new()

    def save(self, state: State) -> State:
        """Write ``state`` as the next serial; refuses when someone else wrote meanwhile."""
        current_data = self.backend.read()
        current = decode(current_data) if current_data is not None else None
        seen = (current.lineage, current.serial) if current is not None else None
        if seen != self._base:
            what = f"serial {current.serial}" if current is not None else "no state"
            raise StateError(
                f"the state at {self.describe()} changed while this command ran (now {what}); "
                "was its lock forced? nothing was overwritten"
            )
        if current is not None and current.lineage != state.lineage:
            raise StateError(
                f"refusing to overwrite state lineage {current.lineage} with {state.lineage}"
            )
        state.serial = (current.serial if current is not None else state.serial) + 1
        state.written_at = now_iso()
        self.backend.write(encode(state))
        self._base = (state.lineage, state.serial)
        return state
