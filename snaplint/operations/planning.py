"""Refresh and plan: the middle every plan/apply/destroy shares (reads only; nothing here
writes the state or changes a session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
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


def read_state(store: StateStore, settings: Settings | None = None) -> tuple[State, bool, int]:
    """The state (a new one when none exists), whether it exists, and how many journal
    records of an interrupted apply were folded in (in memory only). With ``settings`` (the
    operations that may start sessions), a missing default state beside other workspaces'
    states is refused unless the workspace was chosen explicitly."""
    from snaplint.state import journal
    from snaplint.state.codec import State, StateError

    try:
        stored = store.read()
    except StateError as exc:
        raise OperationError(
            f"cannot read the state {store.describe()}: {exc}\n{_backup_hint(store)}"
        ) from exc
    if stored is None:
        _refuse_fresh_start(store)
        if settings is not None:
            _refuse_implicit_default(settings)
    state = stored or State.new()
    try:
        recovered, records = journal.recover(store.backend, state)
    except StateError as exc:
        raise OperationError(str(exc)) from exc
    return recovered, stored is not None, len(records)


def _backup_hint(store: StateStore) -> str:
    """How to get the version before the last write back (every unreadable-state error)."""
    backend = store.backend
    if getattr(backend, "name", "") == "file":
        where = store.describe()
        return (
            f"The version before the last write is kept in {where}.backup: check it "
            f"(`python -m json.tool {where}.backup`), then restore it with "
            f"`cp {where}.backup {where}` and run `snaplint plan`."
        )
    return (
        "The version before the last write is kept beside it in the same backend (its backup "
        "column): see docs/state-backends.md for restoring it."
    )


def _refuse_fresh_start(store: StateStore) -> None:
    """No state, yet a journal or a backup of one: it was deleted or moved, and starting
    afresh would forget running sessions (and start them a second time)."""
    backend = store.backend
    left: list[str] = []
    try:
        if backend.journal_read():
            left.append("a journal of an interrupted apply")
        if backend.read_backup() is not None:
            left.append("a backup of an earlier state")
    except Exception:  # a backend that cannot tell: reading the state already worked
        return
    if left:
        raise OperationError(
            f"there is no state at {store.describe()}, but there is {' and '.join(left)}: "
            "the state was deleted or moved, and starting afresh would lose track of running "
            f"sessions. {_backup_hint(store)} To really start afresh, remove those files too "
            "(after stopping the sessions they record)."
        )


def _refuse_implicit_default(settings: Settings) -> None:
    """No state in the workspace nobody chose (``default``), while other workspaces record
    sessions: the same manifests would be started a second time in the same channels (code
    53 at best). Terraform asks for the workspace in that case too; naming it goes ahead."""
    from snaplint.state.backends import DEFAULT_WORKSPACE, BackendError
    from snaplint.state.workspaces import current, list_workspaces

    section = settings.config.section("state")
    if settings.workspace is not None or current(section, settings.env, None) != DEFAULT_WORKSPACE:
        return
    try:
        others = [
            name
            for name in list_workspaces(section, project_root=settings.root, env=settings.env)
            if name != DEFAULT_WORKSPACE
        ]
    except BackendError:
        return  # the state itself was readable; listing is a courtesy
    if others:
        raise OperationError(
            "the default workspace has no state, but these workspaces record sessions: "
            f"{', '.join(others)}. Choose one with `--workspace NAME` (or SNAPLINT_WORKSPACE); "
            "to start the default workspace afresh, name it: `--workspace default`."
        )


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
    from snaplint.operations.emulated_events import attach
    from snaplint.operations.eventstore import event_store_for

    # the embedded emulator's notifications go to the event store beside the state
    attach(client, lambda: event_store_for(open_store(settings).backend, settings.root))
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

    wanted = {name: job for name, job in state.jobs.items() if targeted(name, options)}
    return refresh(
        client,
        wanted,
        parallelism=settings.effective_parallelism(),
        on_start=lambda name: view.refreshing(name, state.jobs[name].sid),
        on_done=lambda name, live: view.refreshed(name, state.jobs[name].sid, live.status),
    )


def learn_sids(
    settings: Settings,
    client: Any,
    state: State,
    desired: dict[str, Desired],
    options: PlanOptions,
) -> dict[str, Live]:
    """For each untracked job (a session may run; its start answer was lost): the sid of its
    session, read from the object keys of the screenshots in its bucket and confirmed by a
    ``query`` answering "running" — or, when it cannot be learned, why (shown in the plan)."""
    from snaplint.operations.eventuse import confirmed_status
    from snaplint.operations.refresh import STATUS_TEXT
    from snaplint.plan.changes import RUNNING, UNTRACKED
    from snaplint.plan.changes import Live as LiveView
    from snaplint.plan.jobs import UnsetReference, request_bodies
    from snaplint.state.codec import now_iso
    from snaplint.storage.listing import Unlistable, list_keys, listing_for
    from snaplint.storage.sids import sids_newest_first

    folder = emulator_storage(settings, client)
    found: dict[str, Live] = {}
    for job in state:
        if job.status != UNTRACKED or not targeted(job.name, options):
            continue
        evidence = job.evidence or "its start answer was lost"

        def unlearned(why: str, name: str = job.name, evidence: str = evidence) -> None:
            found[name] = LiveView(
                UNTRACKED, None, now_iso(), f"{evidence}; sid not learned: {why}"
            )

        d = desired.get(job.name)
        if d is None or d.job is None:
            unlearned("its manifest is gone, so its storage is not known")
            continue
        try:
            storage = request_bodies(d.job, settings.env)["clientRequest"]["storageConfig"]
        except (UnsetReference, KeyError, TypeError) as exc:
            unlearned(f"its storage credentials are not set ({exc})")
            continue
        if folder is None and _loopback(client):
            unlearned(
                "the emulator's storage folder is not known: set SNAPLINT_EMULATOR_STORAGE "
                "to its --storage-dir"
            )
            continue
        listing = listing_for(storage, folder=folder)
        if isinstance(listing, Unlistable):
            unlearned(listing.reason)
            continue
        keys, failure = list_keys(listing)
        if failure:
            unlearned(failure)
            continue
        candidates = sids_newest_first(keys, job.cname)[:5]
        for seen in candidates:
            status = confirmed_status(client, job, seen.sid)
            if status is not None:
                found[job.name] = LiveView(
                    RUNNING,
                    status,
                    now_iso(),
                    f"sid {seen.sid} learned from its screenshot {seen.key}; query: "
                    f"{STATUS_TEXT.get(status, status)}",
                    sid=seen.sid,
                )
                break
        else:
            unlearned(
                f"{len(candidates)} session(s) with screenshots of channel {job.cname} in "
                "storage, none answering query as running with its resourceId"
                if candidates
                else f"no screenshot of channel {job.cname} in storage yet"
            )
    return found


def emulator_storage(settings: Settings, client: Any) -> Path | None:
    """The emulator's screenshot folder when it is the service (embedded, or a local
    ``snaplint emulator`` named by ``SNAPLINT_EMULATOR_STORAGE``)."""
    from snaplint.storage.listing import ENV_EMULATOR_STORAGE

    embedded = getattr(client, "embedded", None)
    if embedded is not None:
        return Path(embedded.storage_dir)
    folder = settings.env.get(ENV_EMULATOR_STORAGE)
    return Path(folder) if folder else None


def _loopback(client: Any) -> bool:
    from urllib.parse import urlsplit

    from snaplint.agora.endpoint import is_loopback_host

    endpoints = getattr(client, "endpoints", None) or [""]
    return is_loopback_host(urlsplit(endpoints[0]).hostname)


def targeted(name: str, options: PlanOptions) -> bool:
    return (not options.targets or name in options.targets) and name not in options.excludes


# --------------------------------------------------------------------------- planning


def desire(
    settings: Settings, project: Project, salt: str
) -> tuple[list[Desired], list[Diagnostic]]:
    from snaplint.operations.minting import mark_minted, minting_problem
    from snaplint.plan.changes import Desired
    from snaplint.plan.jobs import fingerprint

    desired: list[Desired] = []
    diagnostics: list[Diagnostic] = [_problem(p) for p in project.problems]
    for job in project.jobs:
        fp = fingerprint(job, salt, settings.env)
        problems = [*fp.problems, *minting_problem(job, settings.env)]
        if problems:
            diagnostics.extend(_problem(p) for p in problems)
            continue
        mark_minted(fp.spec, settings.env)
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
    from snaplint.plan.planner import make_plan

    if state is None:
        state, state_exists, recovered = read_state(store, settings)
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
    desired_list, diagnostics = desire(settings, project, state.salt) if project else ([], [])
    client = None
    live: dict[str, Live] = {}
    if options.refresh and any(j.status in ("running", "untracked") for j in state):
        client = connect(settings, view)
        live = refresh_state(settings, view, client, state, options)
        wanted = {d.name: d for d in desired_list}
        live.update(learn_sids(settings, client, state, wanted, options))
    else:
        note_target(settings, view)
    if options.refresh:
        from snaplint.operations.eventuse import use_events

        selected = lambda name: targeted(name, options)  # noqa: E731
        diagnostics.extend(use_events(settings, client, state, desired_list, live, selected))
    from snaplint.plan.cost import Price

    plan = make_plan(
        desired_list,
        recorded(state),
        live,
        options,
        lineage=state.lineage if state_exists else None,
        serial=state.serial if state_exists else 0,
        moves=project.moves if project is not None else (),
    )
    plan.diagnostics[:0] = diagnostics
    plan.price = Price.from_config(settings.config.section("pricing") or None)
    return Planned(
        plan, {d.name: d for d in desired_list}, live, state, state_exists, recovered, client
    )
