"""The plan's vocabulary: actions, the planned change of a job, the plan, and its inputs.

:class:`Plan` holds ordered :class:`Change` s (built by :func:`snaplint.plan.planner.make_plan`
from :class:`Desired` jobs, :class:`Recorded` ones and their :class:`Live` status, with one
:func:`snaplint.plan.decision.decide` per job), its drift and diagnostics. Actions keep
Terraform's names and symbols:

====================  =======  ===============================================================
action                symbol   meaning
====================  =======  ===============================================================
``no-op``                      nothing to do
``create``            ``+``    acquire + start (new job, ended session, unverified start)
``update``            ``~``    update in place: only subscription lists and storage credentials
``replace``           ``-/+``  stop, then acquire + start: another field changed (or --replace)
``delete``            ``-``    stop: the job is recorded in state but no longer in manifests
``forget``            ``-``    drop from state: not desired and its session already ended
====================  =======  ===============================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from snaplint.plan.diff import FieldChange, Path

if TYPE_CHECKING:
    from snaplint.plan.cost import Price


class Action(StrEnum):
    NOOP = "no-op"
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    FORGET = "forget"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def remote(self) -> bool:
        """Does this action call the API?"""
        return self in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)


_SYMBOLS = {
    Action.NOOP: " ",
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.FORGET: "-",
}

# Execution order: stops (delete, the stop half of replace) before updates and starts.
ORDER = {
    Action.DELETE: 0,
    Action.REPLACE: 1,
    Action.UPDATE: 2,
    Action.CREATE: 3,
    Action.FORGET: 4,
    Action.NOOP: 5,
}

# reasons (shown in text and in JSON ``planned_change.change.reason``)
REASON_REQUESTED = "requested"
REASON_CANNOT_UPDATE = "cannot_update"
REASON_ENDED = "session_ended"
REASON_VERIFY = "verify_interrupted_start"
REASON_SID_UNKNOWN = "sid_unknown"
REASON_NO_CONFIG = "delete_because_no_resource_config"
REASON_DESTROY = "delete_because_destroy"
REASON_UNKNOWN = "status_unknown"
REASON_ADOPT = "adopt_learned_sid"
REASON_SPEC_UNKNOWN = "last_applied_unknown"  # lastApplied missing or null in the state  # an untracked job's sid was learned (storage, events)

# live status of a recorded job, after refresh (or as recorded with --refresh=false)
RUNNING, ENDED, UNKNOWN, PENDING, UNTRACKED = "running", "ended", "unknown", "pending", "untracked"


@dataclass(frozen=True)
class Live:
    """A recorded session's status as refresh found it."""

    status: str  # running | ended | unknown | pending | untracked
    agora_status: int | None = None  # query's serverResponse.status
    checked_at: str | None = None
    detail: str | None = None  # unknown: the error, one line; ended: how we know
    http_status: int | None = None
    code: int | None = None
    # an untracked job's session found running, with the sid learned for it (storage, events)
    sid: str | None = None


@dataclass(frozen=True)
class Desired:
    """One desired job as the planner needs it (built from a :class:`snaplint.plan.jobs.Job`)."""

    name: str
    spec: dict[str, Any]  # fingerprint
    digest: str
    protect: bool = False
    source: str = ""
    document: int = 0
    unset_secrets: tuple[tuple[Path, str], ...] = ()
    # the Job it was built from: apply builds its request bodies from it
    job: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Recorded:
    """One job as recorded in state (a view of :class:`snaplint.state.codec.JobState`)."""

    name: str
    spec: dict[str, Any]
    status: str
    protect: bool = False
    last_seen_running: str | None = None
    evidence: str | None = None
    imported: bool = False


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # error | warning
    summary: str
    detail: str = ""
    job: str | None = None
    source: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Change:
    """The planned change of one job."""

    name: str
    action: Action
    reason: str | None = None
    fields: tuple[FieldChange, ...] = ()
    forces: frozenset[Path] = frozenset()
    before: dict[str, Any] | None = None  # last-applied spec
    after: dict[str, Any] | None = None  # desired spec (fingerprint)
    desired_digest: str | None = None
    status: str | None = None  # live status of the recorded session
    last_seen_running: str | None = None
    protect: bool = False
    detail: str | None = None  # live detail (unknown error, evidence)
    moved_from: str | None = None  # a Moved document renames the recorded job (plan/moves.py)

    @property
    def sort_key(self) -> tuple[int, str]:
        return ORDER[self.action], self.name


@dataclass(frozen=True)
class Drift:
    """Something changed outside snaplint since the last apply."""

    name: str
    kind: str  # "ended"
    detail: str
    last_seen_running: str | None = None


@dataclass
class PlanOptions:
    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    refresh_only: bool = False
    refresh: bool = True
    destroy: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": list(self.targets),
            "excludes": list(self.excludes),
            "replace": list(self.replace),
            "refresh_only": self.refresh_only,
            "refresh": self.refresh,
            "destroy": self.destroy,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanOptions:
        return cls(
            targets=tuple(data.get("targets", ())),
            excludes=tuple(data.get("excludes", ())),
            replace=tuple(data.get("replace", ())),
            refresh_only=bool(data.get("refresh_only", False)),
            refresh=bool(data.get("refresh", True)),
            destroy=bool(data.get("destroy", False)),
        )


@dataclass
class Plan:
    changes: list[Change]
    drift: list[Drift] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    options: PlanOptions = field(default_factory=PlanOptions)
    lineage: str | None = None
    serial: int = 0
    price: Price | None = None  # the cost figures' price (None: the built-in table)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def unknown(self) -> list[Change]:
        return [c for c in self.changes if c.reason == REASON_UNKNOWN]

    @property
    def untracked(self) -> list[Change]:
        """Jobs a session may run for whose sid is unknown: nothing can query or stop them."""
        return [c for c in self.changes if c.status == UNTRACKED and c.reason == REASON_SID_UNKNOWN]

    @property
    def adopted(self) -> list[Change]:
        """Untracked jobs whose running session was found (apply records its sid)."""
        return [c for c in self.changes if c.reason == REASON_ADOPT]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def moved(self) -> list[Change]:
        """Recorded jobs renamed by a Moved document (apply records the new name)."""
        return [c for c in self.changes if c.moved_from]

    @property
    def remote_changes(self) -> list[Change]:
        return [c for c in self.changes if c.action.remote]

    @property
    def has_changes(self) -> bool:
        """Would apply change anything: a session, or the state (forget, drift)?"""
        return (
            bool(self.remote_changes)
            or any(
                c.action == Action.FORGET or c.reason == REASON_ADOPT or c.moved_from
                for c in self.changes
            )
            or (self.options.refresh_only and bool(self.drift))
        )

    def summary(self) -> dict[str, int]:
        """The planned changes per kind (the summary line)."""
        return summary_counts(c.action for c in self.changes)

    def change(self, name: str) -> Change | None:
        return next((c for c in self.changes if c.name == name), None)


SUMMARY_KINDS = {
    Action.CREATE: "start",
    Action.UPDATE: "update",
    Action.REPLACE: "replace",
    Action.DELETE: "stop",
    Action.FORGET: "forget",
}


def summary_counts(actions: Iterable[Action]) -> dict[str, int]:
    """Actions counted per summary word (``start``, ``update``, ``replace``, ``stop``,
    ``forget``): the one count of plans and of what an apply did."""
    counts = dict.fromkeys(SUMMARY_KINDS.values(), 0)
    for action in actions:
        kind = SUMMARY_KINDS.get(action)
        if kind is not None:
            counts[kind] += 1
    return counts
