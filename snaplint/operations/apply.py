"""Apply: the only place where API calls and state writes meet.

Flow (Terraform's local backend): lock the state → finish an interrupted apply's journal →
(saved plan: refuse it if stale) → lint and load the manifests → refresh → plan → show →
confirm → build the request bodies (every secret resolved before the first call) → execute
(journaled, :mod:`snaplint.operations.executor`) → write the state. The lock is held from the
first read to the last write. ``destroy`` is the same flow with a destroy plan; ``import``
(:func:`adopt`) queries a session and records it, under the same lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from snaplint.operations.lock import NotLocked, state_lock
from snaplint.operations.settings import ERROR, INTERRUPTED, OK, Settings

if TYPE_CHECKING:
    from snaplint.operations.outcomes import Outcome
    from snaplint.operations.planning import Planned
    from snaplint.operations.view import View
    from snaplint.plan.changes import Plan
    from snaplint.plan.saved import SavedPlan
    from snaplint.state.codec import State, StateStore


@dataclass
class ApplyResult:
    status: str  # ok | error | interrupted
    plan: Plan | None = None
    outcomes: list[Outcome] = field(default_factory=list)


def recover(
    store: StateStore, view: View, settings: Settings | None = None
) -> tuple[State, bool, int]:
    """Fold an interrupted apply's journal into the state and store it (under the lock);
    ``settings``: see :func:`~snaplint.operations.planning.read_state`."""
    from snaplint.operations.planning import read_state

    state, exists, recovered = read_state(store, settings)
    if recovered:
        store.save(state)
        store.backend.journal_clear()
        view.note(
            f"Recovered an interrupted apply: {recovered} journal records folded into the "
            "state; unverified starts are checked below.",
            "warn",
        )
    elif exists:
        store.backend.journal_clear()  # records of an apply whose state write completed
    return state, exists, recovered


def apply(
    settings: Settings,
    view: View,
    *,
    saved: SavedPlan | None = None,
    operation: str = "apply",
) -> ApplyResult:
    """Make the live sessions match the manifests (or carry out a saved plan)."""
    from snaplint.operations.planning import open_store

    store = open_store(settings)
    try:
        with state_lock(store, operation, settings.lock_timeout, view):
            result = _locked(settings, view, store, saved, operation)
    except NotLocked:
        return ApplyResult(ERROR)
    if operation == "destroy" and result.plan is not None and result.plan.untracked:
        _report_untracked(view, result.plan)
        result.status = ERROR
    return result


def apply_held(
    settings: Settings,
    view: View,
    store: StateStore,
    *,
    adjust: Callable[[Planned], None] | None = None,
) -> ApplyResult:
    """apply's work with the state lock already held by the caller (the reconcile loop, which
    takes it once per round); ``adjust`` may change the plan before it is shown and carried
    out (the loop's restart policies, :mod:`snaplint.plan.restart`)."""
    # the guard rail holds for the loop as for a person (a typo in a shared value must not
    # replace the fleet unattended); its restarts are starts, which the guard does not count
    return _locked(settings, view, store, None, "apply", adjust)


def _report_untracked(view: View, plan: Plan) -> None:
    """Sessions destroy cannot stop: without a sid there is no call that can."""
    lines = []
    for c in plan.untracked:
        spec = c.before or {}
        lines.append(f"- job.{c.name}: cname {spec.get('cname')}, uid {spec.get('uid')}")
    view.error(
        f"{len(lines)} session(s) may still run: their sid is unknown",
        "\n".join(lines)
        + "\n\nWithout a sid no call can stop them. They end on their own at maxIdleTime once "
        "the channel is idle; or learn the sid (the object keys of their screenshots, or the "
        "notification events), run `snaplint import NAME --resource-id ID --sid SID`, then "
        "destroy again.",
    )


def destroy(settings: Settings, view: View) -> ApplyResult:
    """Stop every session the state records (or the targeted ones)."""
    options = dataclasses.replace(settings.options, destroy=True)
    return apply(dataclasses.replace(settings, options=options), view, operation="destroy")


def refresh(settings: Settings, view: View) -> ApplyResult:
    """Record in the state what changed outside snaplint (sessions that ended), changing no
    session: Terraform's ``apply -refresh-only``."""
    options = dataclasses.replace(settings.options, refresh_only=True, refresh=True)
    return apply(dataclasses.replace(settings, options=options), view)


def _locked(
    settings: Settings,
    view: View,
    store: StateStore,
    saved: SavedPlan | None,
    operation: str,
    adjust: Callable[[Planned], None] | None = None,
) -> ApplyResult:
    from snaplint.operations.plan import deviations_of, stale_reasons_of
    from snaplint.operations.planning import make
    from snaplint.operations.project import load_project
    from snaplint.plan.changes import Action

    options = settings.options
    state, state_exists, recovered = recover(store, view, settings)
    if saved is not None:
        reasons = stale_reasons_of(settings, saved, state, state_exists, recovered)
        if reasons:
            view.error(
                "Saved plan is stale",
                "\n".join(f"- {r}" for r in reasons) + "\n\nRun `snaplint plan --out FILE` again.",
            )
            return ApplyResult(ERROR)
    project = None
    if not options.destroy:
        project = load_project(settings, view)
        if project.lint_errors:
            return ApplyResult(ERROR)
    planned = make(settings, view, project, store, options, state=state, state_exists=state_exists)
    if adjust is not None:
        adjust(planned)
    plan = planned.plan
    if saved is not None and project is not None:
        found = deviations_of(settings, saved, planned, project)
        if found:
            view.error(
                "Saved plan is stale: the live sessions changed since it was made",
                "\n".join(f"- {d}" for d in found) + "\n\nRun `snaplint plan --out FILE` again.",
            )
            return ApplyResult(ERROR, plan)
    view.plan(plan, operation)
    if plan.errors:
        return ApplyResult(ERROR, plan)
    if _mass_change_refused(settings, view, state, plan, operation):
        return ApplyResult(ERROR, plan)

    work = [c for c in plan.changes if c.action != Action.NOOP or c.moved_from]
    state_only = bool(planned.live) or any(
        planned.desired.get(j.name) is not None and planned.desired[j.name].protect != j.protect
        for j in state
    )
    if not work and not options.refresh_only:
        if state_only and state_exists:
            _save_state_only(store, planned)
        if plan.unknown:
            from snaplint.operations.outcomes import UNTOUCHED, Outcome

            outcomes = [
                Outcome(c.name, c.action, UNTOUCHED, f"status unknown: {c.detail}")
                for c in plan.unknown
            ]
            view.outcomes(outcomes)
            return ApplyResult(ERROR, plan, outcomes)
        return ApplyResult(OK, plan)
    if options.refresh_only and not plan.drift and not state_only:
        return ApplyResult(OK, plan)
    if saved is None:
        approved = view.confirm(operation)
        if approved is None:
            return ApplyResult(ERROR, plan)
        if not approved:
            view.note(f"{operation.capitalize()} cancelled.")
            return ApplyResult(ERROR, plan)

    bodies, missing = request_bodies(settings, planned)
    if missing:
        view.error(
            "environment variables referenced by the manifests are not set",
            "\n".join(missing) + "\nNothing was changed.",
        )
        return ApplyResult(ERROR, plan)
    if not state_exists or plan.moved:
        # journal records are bound to a stored lineage (and name the jobs by their new
        # names): store the new state, and the moves, first
        record_moves(planned.state, plan, planned.live)
        store.save(planned.state)
    return _execute(settings, view, store, planned, bodies, operation)


def record_moves(state: State, plan: Plan, live: dict[str, Any] | None = None) -> None:
    """Record the plan's moves: each session under its job's new name (no API call)."""
    for c in plan.moved:
        if live is not None and c.moved_from in live:
            live[c.name] = live.pop(c.moved_from)
        job = state.jobs.pop(c.moved_from or "", None)
        if job is not None and c.name not in state.jobs:
            job.name = c.name
            state.jobs[c.name] = job


def _mass_change_refused(
    settings: Settings, view: View, state: State, plan: Plan, operation: str
) -> bool:
    """The guard rail: too many running sessions stopped or replaced at once (destroy is
    exempt: stopping everything is what it is asked to do)."""
    from snaplint.plan import guard

    if operation == "destroy" or settings.allow_mass_change:
        return False
    limits = guard.Limits.from_config(settings.config.section("apply").get("mass-change") or {})
    running = sum(1 for j in state if j.status == "running")
    found = guard.check(plan, running, limits)
    if found is None:
        return False
    view.error(*found.message())
    return True


def request_bodies(
    settings: Settings, planned: Planned
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The start bodies of every job to start, update or replace, secrets resolved from the
    environment, and the references that are not set (then nothing may be called)."""
    from snaplint.plan.changes import Action
    from snaplint.plan.jobs import UnsetReference
    from snaplint.plan.jobs import request_bodies as bodies_of

    bodies: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for c in planned.plan.changes:
        if c.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE):
            continue
        desired = planned.desired[c.name]
        try:
            bodies[c.name] = bodies_of(desired.job, settings.env)
        except UnsetReference as exc:
            missing.append(str(exc))
    return bodies, missing


def _save_state_only(store: StateStore, planned: Planned) -> None:
    """Refresh results and protection flags, recorded without any API call."""
    from snaplint.operations.executor import Executor
    from snaplint.operations.outcomes import job_work
    from snaplint.state.journal import Journal

    work = job_work(planned.plan, planned.desired, {}, planned.live)
    executor = Executor(None, Journal.for_state(store.backend, planned.state), planned.state, work)
    executor.sync_protection()
    store.save(planned.state)


def _execute(
    settings: Settings,
    view: View,
    store: StateStore,
    planned: Planned,
    bodies: dict[str, dict[str, Any]],
    operation: str,
) -> ApplyResult:
    from snaplint.operations.executor import Executor
    from snaplint.operations.minting import minter_for
    from snaplint.operations.outcomes import (
        FAILED,
        UNTOUCHED,
        crash_point,
        job_work,
        summary_counts,
    )
    from snaplint.operations.planning import connect
    from snaplint.state.journal import Journal

    plan = planned.plan
    client = planned.client
    if client is None and any(c.action.remote for c in plan.changes):
        client = connect(settings, view)
    progress = view.progress(len([c for c in plan.changes if c.action.remote]))
    executor = Executor(
        client,
        Journal.for_state(store.backend, planned.state),
        planned.state,
        job_work(plan, planned.desired, bodies, planned.live),
        parallelism=settings.effective_parallelism(),
        hooks=progress,
        minter=minter_for(settings.env)[0],
    )
    interrupted = False
    try:
        with progress:
            outcomes = executor.run()
    except KeyboardInterrupt:
        interrupted = True
        outcomes = list(executor.outcomes.values())
    executor.sync_protection()
    crash_point("before-state-write")
    store.save(planned.state)
    store.backend.journal_clear()

    failed = [o for o in outcomes if o.result in (FAILED, UNTOUCHED)]
    view.outcomes(outcomes)
    view.summary(plan, operation, summary_counts(outcomes), len(failed))
    if interrupted:
        view.note("Interrupted: what completed is recorded in the state.", "warn")
        return ApplyResult(INTERRUPTED, plan, outcomes)
    return ApplyResult(ERROR if failed else OK, plan, outcomes)


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    status: str
    sid: str | None = None
    query_status: int | None = None


def adopt(settings: Settings, view: View, name: str, resource_id: str, sid: str) -> ImportResult:
    """``import``: record a session started elsewhere as job ``name``'s, once ``query`` finds
    it running with the job's cname and uid. There is no "list sessions" call, so a session
    can only be adopted by its IDs; ``query`` does not return its configuration, so the
    manifest's spec is recorded as the last-applied one."""
    from snaplint.operations.planning import open_store
    from snaplint.operations.project import load_project

    project = load_project(settings, view)
    if project.lint_errors:
        return ImportResult(ERROR)
    job = next((j for j in project.jobs if j.name == name), None)
    if job is None:
        view.error(
            f"no job {name} in the manifests",
            "import adopts a session for a job that a manifest describes: write its manifest "
            "first (the same App ID, cname, uid and mode as the session)",
        )
        return ImportResult(ERROR)
    store = open_store(settings)
    try:
        with state_lock(store, "import", settings.lock_timeout, view):
            return _adopt(settings, view, store, job, resource_id, sid)
    except NotLocked:
        return ImportResult(ERROR)


def _adopt(
    settings: Settings, view: View, store: StateStore, job: Any, resource_id: str, sid: str
) -> ImportResult:
    from snaplint.operations.planning import connect
    from snaplint.operations.refresh import RUNNING_STATUSES, STATUS_TEXT
    from snaplint.plan.jobs import fingerprint
    from snaplint.state.codec import JobState, iso_of_ms, now_iso

    name = job.name
    state, _, _ = recover(store, view, settings)
    existing = state.jobs.get(name)
    if existing is not None and existing.has_session:
        view.error(
            f"job {name} already has a session in the state (status {existing.status}, "
            f"sid {existing.sid or 'unknown'})",
            f"run `snaplint state rm {name}` first if the state is wrong",
        )
        return ImportResult(ERROR)
    fp = fingerprint(job, state.salt, settings.env)
    if fp.problems:
        view.error(fp.problems[0].message)
        return ImportResult(ERROR)
    client = connect(settings, view)
    try:
        result = client.query(job.app_id, resource_id, sid, job.mode)
    except Exception as exc:
        view.error(
            f"cannot import {name}: the session was not found",
            " ".join(str(exc).split()) + "\nCheck the resourceId, sid, App ID and mode.",
        )
        return ImportResult(ERROR)
    raw = getattr(result, "raw", None) or {}
    cname, uid = raw.get("cname"), raw.get("uid")
    if (cname is not None and str(cname) != str(job.cname)) or (
        uid is not None and str(uid) != str(job.uid)
    ):
        view.error(
            f"cannot import {name}: the session records cname {cname} uid {uid}, the "
            f"manifest cname {job.cname} uid {job.uid}",
            "a job's session is identified by its App ID, cname and uid",
        )
        return ImportResult(ERROR)
    if result.status not in RUNNING_STATUSES:
        view.error(
            f"cannot import {name}: the session is not running "
            f"(status {result.status}: {STATUS_TEXT.get(result.status, '?')})"
        )
        return ImportResult(ERROR)
    state.jobs[name] = JobState(
        name=name,
        app_id=str(job.app_id),
        cname=str(job.cname),
        uid=str(job.uid),
        mode=job.mode,
        resource_id=resource_id,
        sid=sid,
        status="running",
        started_at=iso_of_ms(result.slice_start_time),
        last_seen_running=now_iso(),
        spec=fp.spec,
        protect=job.protect,
        imported=True,
    )
    store.save(state)
    return ImportResult(OK, sid, result.status)
