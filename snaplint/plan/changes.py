"""The plan: desired jobs + recorded state + refreshed status → ordered changes (pure).

:func:`decide` is the whole policy for one job, a small pure function tested from a table;
:func:`make_plan` applies it to every job, adds protection checks, targeting, drift and
diagnostics, and orders the result so that every stop happens before any start (a cname+uid
must be free before its next start, or the API answers code 53).

Actions keep Terraform's names and symbols:

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from snaplint.plan.diff import MISSING, FieldChange, Path, diff, leaves


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

_RC = ("clientRequest", "recordingConfig")
_SC = ("clientRequest", "storageConfig")
# What ``update`` can change in a running individual-mode session (reference §4): the
# subscription lists and the storage credentials (STS refresh). Everything else has no update
# path and needs stop + acquire + start.
IN_PLACE: frozenset[Path] = frozenset(
    {
        (*_RC, "subscribeVideoUids"),
        (*_RC, "unsubscribeVideoUids"),
        (*_RC, "subscribeAudioUids"),
        (*_RC, "unsubscribeAudioUids"),
        (*_SC, "accessKey"),
        (*_SC, "secretKey"),
        (*_SC, "stsToken"),
        (*_SC, "stsExpiration"),
    }
)
SUBSCRIPTION_FIELDS = frozenset(p for p in IN_PLACE if p[:2] == _RC)
STORAGE_CREDENTIAL_FIELDS = frozenset(p for p in IN_PLACE if p[:2] == _SC)

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
class Decision:
    action: Action
    reason: str | None = None
    fields: tuple[FieldChange, ...] = ()
    forces: frozenset[Path] = frozenset()


def is_in_place(path: Path) -> bool:
    return tuple(path) in IN_PLACE


def decide(
    desired: Mapping[str, Any] | None,
    recorded: Mapping[str, Any] | None,
    status: str | None,
    *,
    replace: bool = False,
    destroy: bool = False,
) -> Decision:
    """What to do with one job.

    ``desired``: its fingerprint spec from the manifests (None: not in manifests);
    ``recorded``: the last-applied spec in state (None: not recorded); ``status``: the
    recorded session's live status (None when not recorded).
    """
    if destroy or desired is None:
        if status is None:
            return Decision(Action.NOOP)
        reason = REASON_DESTROY if destroy else REASON_NO_CONFIG
        if status in (RUNNING, UNKNOWN):
            return Decision(Action.DELETE, reason, _removed(recorded))
        if status == ENDED:
            return Decision(Action.FORGET, reason)
        # pending/untracked: no sid, so nothing can be stopped through the API
        return Decision(Action.NOOP, REASON_SID_UNKNOWN)
    created = _created(desired)
    if status is None:
        return Decision(Action.CREATE, None, created)
    if status == ENDED:
        return Decision(Action.CREATE, REASON_ENDED, created)
    if status == PENDING:
        return Decision(Action.CREATE, REASON_VERIFY, created)
    if status == UNTRACKED:
        # a session may run for it: a second start would only answer code 53, so none is
        # planned unless asked for (--replace); the plan lists it as untracked instead
        if replace:
            return Decision(Action.CREATE, REASON_SID_UNKNOWN, created)
        return Decision(Action.NOOP, REASON_SID_UNKNOWN)
    if not recorded and status == RUNNING and not replace:
        # what the session was started with is not recorded: nothing to compare, so no
        # replace; apply records the manifest's spec as its last-applied one
        return Decision(Action.NOOP, REASON_SPEC_UNKNOWN)
    changes = tuple(diff(recorded or {}, desired))
    if status == UNKNOWN:
        return Decision(Action.NOOP, REASON_UNKNOWN, changes)
    forces = frozenset(c.path for c in changes if not is_in_place(c.path))
    if replace:
        return Decision(Action.REPLACE, REASON_REQUESTED, changes, forces)
    if not changes:
        return Decision(Action.NOOP)
    if forces:
        return Decision(Action.REPLACE, REASON_CANNOT_UPDATE, changes, forces)
    return Decision(Action.UPDATE, None, changes)


def _created(spec: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(p, MISSING, v) for p, v in leaves(spec) if v is not None)


def _removed(spec: Mapping[str, Any] | None) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(p, v, MISSING) for p, v in leaves(spec or {}) if v is not None)


# --------------------------------------------------------------------------- the plan


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
    def remote_changes(self) -> list[Change]:
        return [c for c in self.changes if c.action.remote]

    @property
    def has_changes(self) -> bool:
        """Would apply change anything: a session, or the state (forget, drift)?"""
        return (
            bool(self.remote_changes)
            or any(c.action == Action.FORGET or c.reason == REASON_ADOPT for c in self.changes)
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


def make_plan(
    desired: Sequence[Desired],
    recorded: Sequence[Recorded],
    live: Mapping[str, Live],
    options: PlanOptions | None = None,
    *,
    lineage: str | None = None,
    serial: int = 0,
) -> Plan:
    """Decide every job and order the result (pure)."""
    options = options or PlanOptions()
    want = {d.name: d for d in desired}
    have = {r.name: r for r in recorded}
    diagnostics: list[Diagnostic] = []
    names = sorted(set(want) | set(have))

    for flag, chosen in (("--target", options.targets), ("--exclude", options.excludes)):
        for name in chosen:
            if name not in want and name not in have:
                diagnostics.append(
                    Diagnostic(
                        "error", f"{flag} {name}: no job of that name in the manifests or the state"
                    )
                )
    selected = set(options.targets) if options.targets else set(names)
    selected -= set(options.excludes)
    for name in options.replace:
        if name not in want:
            diagnostics.append(
                Diagnostic("error", f"--replace {name}: no job of that name in the manifests")
            )
        elif name not in selected:
            diagnostics.append(
                Diagnostic("error", f"--replace {name}: the job is excluded by --target/--exclude")
            )

    changes: list[Change] = []
    drift: list[Drift] = []
    for name in names:
        if name not in selected:
            continue
        d, r = want.get(name), have.get(name)
        status = _status(r, live.get(name)) if r is not None else None
        info = live.get(name)
        if r is not None and r.status == RUNNING and status == ENDED:
            drift.append(
                Drift(
                    name,
                    "ended",
                    (info.detail if info and info.detail else "the session has ended"),
                    r.last_seen_running,
                )
            )
        adopted = r is not None and r.status == UNTRACKED and _found(info)
        if adopted:
            status = RUNNING  # planned as the running session it is; apply records the sid
        if options.refresh_only and not adopted:
            continue
        decision = decide(
            d.spec if d else None,
            r.spec if r else None,
            status,
            replace=name in options.replace,
            destroy=options.destroy,
        )
        if adopted and decision.action == Action.NOOP:
            decision = Decision(Action.NOOP, REASON_ADOPT, decision.fields)
        if options.refresh_only:
            if adopted:
                changes.append(Change(name, Action.NOOP, REASON_ADOPT, detail=info.detail))
            continue
        protect = d.protect if d is not None and not options.destroy else bool(r and r.protect)
        changes.append(
            Change(
                name=name,
                action=decision.action,
                reason=decision.reason,
                fields=decision.fields,
                forces=decision.forces,
                before=r.spec if r else None,
                after=d.spec if d and not options.destroy else None,
                desired_digest=d.digest if d and not options.destroy else None,
                status=status,
                last_seen_running=r.last_seen_running if r else None,
                protect=protect,
                detail=(info.detail if info else None) or (r.evidence if r else None),
            )
        )
        diagnostics.extend(_job_diagnostics(name, d, r, status, decision, options, info))
    changes.sort(key=lambda c: c.sort_key)
    return Plan(changes, drift, diagnostics, options, lineage, serial)


def _found(info: Live | None) -> bool:
    return info is not None and info.sid is not None and info.status == RUNNING


def _status(recorded: Recorded, info: Live | None) -> str:
    if recorded.status != RUNNING:
        return recorded.status  # ended, pending, untracked: nothing to query
    return info.status if info is not None else RUNNING


def _job_diagnostics(
    name: str,
    d: Desired | None,
    r: Recorded | None,
    status: str | None,
    decision: Decision,
    options: PlanOptions,
    info: Live | None,
) -> Iterable[Diagnostic]:
    where = {"job": name, "source": d.source if d else None}
    if r is not None and r.protect and (d is None or options.destroy):
        verb = "destroy" if options.destroy else "remove"
        yield Diagnostic(
            "error",
            f"job {name} is protected: refusing to {verb} it",
            (
                "its protection (metadata.protect: true) is recorded in state, so deleting the "
                f"manifest does not lift it; run `snaplint state unprotect {name}` first"
                if not options.destroy
                else f"set metadata.protect: false and apply, or run "
                f"`snaplint state unprotect {name}`, then destroy"
            ),
            **where,
        )
    elif decision.action == Action.REPLACE and d is not None and d.protect:
        fields = ", ".join(".".join(map(str, p)) for p in sorted(decision.forces, key=str))
        yield Diagnostic(
            "error",
            f"job {name} is protected: refusing to replace it",
            f"replacing stops its running session ({fields or 'requested with --replace'}); "
            "set metadata.protect: false to allow it",
            **where,
        )
    if status == UNKNOWN:
        yield Diagnostic(
            "warning",
            f"job {name}: session status unknown; it is left as it is",
            (info.detail if info and info.detail else "query failed")
            + ("" if d is None else ". Re-run plan when the API answers again"),
            **where,
        )
    if (
        decision.reason == REASON_SID_UNKNOWN
        and decision.action == Action.NOOP
        and status != UNTRACKED  # untracked jobs are a category of their own in the plan
    ):
        yield Diagnostic(
            "warning",
            f"job {name}: a session may run for it but its sid is unknown",
            (r.evidence if r and r.evidence else "")
            + "; without the sid it cannot be queried or stopped: it ends on its own after "
            "maxIdleTime without publishers. `snaplint import` it if you know the sid, or "
            f"`snaplint state rm {name}` to forget it",
            **where,
        )
    if decision.reason == REASON_SPEC_UNKNOWN:
        yield Diagnostic(
            "warning",
            f"job {name}: the state does not record what its session was started with",
            "its lastApplied is missing, so changes cannot be detected; apply records the "
            f"manifest's spec as the session's (`snaplint apply --replace {name}` restarts it "
            "with the manifest's, if it may differ)",
            **where,
        )
    if d is not None and d.unset_secrets and decision.action in (Action.NOOP, Action.UPDATE):
        names = ", ".join(sorted({ref for _, ref in d.unset_secrets}))
        yield Diagnostic(
            "warning",
            f"job {name}: {names} not set; changes of those secrets cannot be detected",
            "secrets are compared by reference only while their variables are unset",
            **where,
        )
