"""Refresh and plan: the middle every plan/apply/destroy shares (reads only; nothing here
writes the state or changes a session)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import OperationError, Settings

if TYPE_CHECKING:
    from snaplint.operations.project import Project
    from snaplint.operations.view import View
    from snaplint.plan.changes import Desired, Diagnostic, Live, Plan, PlanOptions
    from snaplint.plan.jobs import JobProblem
    from snaplint.state.codec import State, StateStore


def open_store(settings: Settings) -> StateStore:
    from snaplint.state.backends import BackendError, open_backend
    from snaplint.state.codec import StateStore

    try:
        backend = open_backend(
            settings.config.section("state"),
            project_root=settings.root,
            env=settings.env,
            workspace=settings.workspace,
        )
    except BackendError as exc:
        raise OperationError(str(exc)) from exc
    return StateStore(backend)


def read_state(store: StateStore) -> tuple[State, bool, int]:
    """The state (a new one when none exists), whether it exists, and how many journal
    records of an interrupted apply were folded in (in memory only)."""
    from snaplint.operations import journal
    from snaplint.state.codec import State, StateError

    try:
        stored = store.read()
    except StateError as exc:
        raise OperationError(f"cannot read the state {store.describe()}: {exc}") from exc
    state = stored or State.new()
    recovered, records = journal.recover(store.backend, state)
    return recovered, stored is not None, len(records)


def recorded(state: State) -> list[Any]:
    from snaplint.plan.changes import Recorded

    return [
        Recorded(j.name, j.spec, j.status, j.protect, j.last_seen_running, j.evidence, j.imported)
        for j in state
    ]


# --------------------------------------------------------------------------- API


def connect(settings: Settings, view: View) -> Any:
    """A Cloud Recording client for the settings (the endpoint checked before any request)."""
    from snaplint.agora.connection import ConnectionConfigError, open_client

    api = settings.api
    try:
        client, description = open_client(
            project_root=settings.root,
            endpoint=api.get("endpoint"),
            app_id=api.get("app-id"),
            env=settings.env,
            qps=float(api.get("qps") or 10),
        )
    except ConnectionConfigError as exc:
        raise OperationError(str(exc)) from exc
    view.note(f"Using {description}")
    return client


def note_target(settings: Settings, view: View) -> None:
    """Say which service the plan is for, without connecting (nothing to refresh); a refused
    endpoint or incomplete credentials are an error now, not first at apply."""
    from snaplint.agora.connection import ConnectionConfigError, describe_connection

    try:
        conn = describe_connection(endpoint=settings.api.get("endpoint"), env=settings.env)
    except ConnectionConfigError as exc:
        raise OperationError(str(exc)) from exc
    view.note(f"Planning for {conn.description}")


def refresh_state(
    settings: Settings, view: View, client: Any, state: State, options: PlanOptions
) -> dict[str, Live]:
    from snaplint.operations.refresh import refresh

    wanted = {
        name: job
        for name, job in state.jobs.items()
        if (not options.targets or name in options.targets) and name not in options.excludes
    }
    return refresh(
        client,
        wanted,
        parallelism=settings.effective_parallelism(),
        on_start=lambda name: view.refreshing(name, state.jobs[name].sid),
        on_done=lambda name, live: view.refreshed(name, state.jobs[name].sid, live.status),
    )


# --------------------------------------------------------------------------- planning


def desire(
    settings: Settings, project: Project, salt: str
) -> tuple[list[Desired], list[Diagnostic]]:
    from snaplint.plan.changes import Desired
    from snaplint.plan.jobs import fingerprint

    desired: list[Desired] = []
    diagnostics: list[Diagnostic] = [_problem(p) for p in project.problems]
    for job in project.jobs:
        fp = fingerprint(job, salt, settings.env)
        if fp.problems:
            diagnostics.extend(_problem(p) for p in fp.problems)
            continue
        desired.append(
            Desired(
                job.name,
                fp.spec,
                fp.digest,
                job.protect,
                job.source,
                job.document,
                fp.unset_secrets,
                job,
            )
        )
    return desired, diagnostics


def _problem(p: JobProblem) -> Diagnostic:
    from snaplint.plan.changes import Diagnostic

    return Diagnostic("error", p.message, "", p.job, p.source or None)


@dataclass
class Planned:
    plan: Plan
    desired: dict[str, Desired]
    live: dict[str, Live]
    state: State
    state_exists: bool
    recovered: int
    client: Any = None


def make(
    settings: Settings,
    view: View,
    project: Project | None,
    store: StateStore,
    options: PlanOptions,
    *,
    state: State | None = None,
    state_exists: bool = True,
    recovered: int = 0,
) -> Planned:
    """Refresh and plan. Without ``state`` (plan: reads without locking) the state is read
    here, and a writer at work or an interrupted apply is pointed out."""
    from snaplint.plan.changes import make_plan

    if state is None:
        state, state_exists, recovered = read_state(store)
        holder = store.backend.lock_holder()
        if holder is not None:
            view.note(
                f"Warning: the state is locked by {holder.operation} ({holder.who}, "
                f"pid {holder.pid}, since {holder.created}); this plan may be outdated",
                "warn",
            )
        if recovered and holder is None:
            view.note(
                f"Warning: an earlier apply was interrupted; {recovered} journal records "
                "are shown as if applied. Run `snaplint apply` to finish it.",
                "warn",
            )
    client = None
    live: dict[str, Live] = {}
    if options.refresh and any(j.status == "running" for j in state):
        client = connect(settings, view)
        live = refresh_state(settings, view, client, state, options)
    else:
        note_target(settings, view)
    desired_list, diagnostics = desire(settings, project, state.salt) if project else ([], [])
    plan = make_plan(
        desired_list,
        recorded(state),
        live,
        options,
        lineage=state.lineage if state_exists else None,
        serial=state.serial if state_exists else 0,
    )
    plan.diagnostics[:0] = diagnostics
    return Planned(
        plan, {d.name: d for d in desired_list}, live, state, state_exists, recovered, client
    )
