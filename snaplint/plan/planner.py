"""The planner: every job decided, then targeting, protection, drift, diagnostics and order.

:func:`make_plan` applies :func:`~snaplint.plan.decision.decide` to every job and orders the
result so that every stop happens before any start (a cname+uid must be free before its next
start, or the API answers code 53). Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from snaplint.plan.changes import (
    ENDED,
    REASON_ADOPT,
    REASON_SID_UNKNOWN,
    REASON_SPEC_UNKNOWN,
    RUNNING,
    UNKNOWN,
    UNTRACKED,
    Action,
    Change,
    Desired,
    Diagnostic,
    Drift,
    Live,
    Plan,
    PlanOptions,
    Recorded,
)
from snaplint.plan.decision import Decision, decide
from snaplint.plan.moves import Move, resolve


def make_plan(
    desired: Sequence[Desired],
    recorded: Sequence[Recorded],
    live: Mapping[str, Live],
    options: PlanOptions | None = None,
    *,
    lineage: str | None = None,
    serial: int = 0,
    moves: Sequence[Move] = (),
) -> Plan:
    """Decide every job and order the result (pure); ``moves`` rename recorded jobs first
    (:mod:`snaplint.plan.moves`)."""
    options = options or PlanOptions()
    want = {d.name: d for d in desired}
    have = {r.name: r for r in recorded}
    renames, diagnostics = resolve(moves, have)
    if not diagnostics:
        live = dict(live)
        for new, old in renames.items():
            have[new] = dataclasses.replace(have.pop(old), name=new)
            if old in live:
                live[new] = live.pop(old)
    else:
        renames = {}
    names = sorted(set(want) | set(have))

    for flag, chosen in (("--target", options.targets), ("--exclude", options.excludes)):
        for name in chosen:
            if name not in want and name not in have and name not in renames.values():
                diagnostics.append(
                    Diagnostic(
                        "error", f"{flag} {name}: no job of that name in the manifests or the state"
                    )
                )
    # a move's old name targets it too
    targets = set(options.targets) | {n for n, o in renames.items() if o in options.targets}
    selected = targets if options.targets else set(names)
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
                moved_from=renames.get(name),
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
