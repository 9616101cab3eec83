"""The state commands: list, show, rm, mv, unprotect, migrate, force-unlock, and the workspaces.

Reads need no lock; every write holds it (:func:`~snaplint.operations.lock.state_lock`) and
first folds an interrupted apply's journal in (:func:`~snaplint.operations.apply.recover`).
None of them calls the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from snaplint.operations.lock import NotLocked, backend_lock, state_lock
from snaplint.operations.settings import ERROR, OK, OperationError, Settings

if TYPE_CHECKING:
    from snaplint.operations.view import View
    from snaplint.state.codec import JobState, State


@dataclass
class StateView:
    """What a read of the state found."""

    status: str
    state: State | None = None
    exists: bool = False
    where: str = ""  # the store, described
    job: JobState | None = None


def read(settings: Settings, view: View, *, warn: bool = True) -> StateView:
    """The state as recorded (an interrupted apply's journal folded in, in memory only;
    ``warn`` says so when it did)."""
    from snaplint.operations.planning import open_store, read_state

    store = open_store(settings)
    state, exists, recovered = read_state(store)
    if recovered and warn:
        view.note(
            f"Warning: {recovered} journal records of an interrupted apply are included; "
            "run `snaplint apply` to finish it",
            "warn",
        )
    return StateView(OK, state, exists, store.describe())


def show(settings: Settings, view: View, name: str) -> StateView:
    found = read(settings, view, warn=False)
    assert found.state is not None
    found.job = found.state.jobs.get(name)
    if found.job is None:
        view.error(f"no job {name} in the state", known(found.state))
        found.status = ERROR
    return found


def known(state: State) -> str:
    names = [j.name for j in state]
    return "recorded jobs: " + (", ".join(names) if names else "none")


def forget(settings: Settings, view: View, names: Sequence[str], *, dry_run: bool) -> str:
    """``state rm``: forget jobs; their sessions, if any, keep running unmanaged."""
    from snaplint.operations.apply import recover
    from snaplint.operations.planning import open_store, read_state

    store = open_store(settings)

    def edit(state: State) -> str:
        missing = [n for n in names if n not in state.jobs]
        if missing:
            view.error(f"no job {', '.join(missing)} in the state", known(state))
            return ERROR
        for name in names:
            job = state.jobs[name]
            running = (
                f"; its session (sid {job.sid}) keeps running and is no longer managed"
                if job.has_session and job.sid
                else ""
            )
            view.text(
                f"{'Would remove' if dry_run else 'Removed'} job.{name} from the state{running}"
            )
            if not dry_run:
                del state.jobs[name]
        return OK

    if dry_run:
        return edit(read_state(store)[0])
    try:
        with state_lock(store, "state rm", settings.lock_timeout, view):
            state, _, _ = recover(store, view)
            status = edit(state)
            if status == OK:
                store.save(state)
            return status
    except NotLocked:
        return ERROR


def move(settings: Settings, view: View, source: str, to: str) -> str:
    """``state mv``: record job ``source``'s session under the name ``to`` (no API call),
    as a ``kind: Moved`` document does at the next apply."""
    from snaplint.operations.apply import recover
    from snaplint.operations.planning import open_store

    store = open_store(settings)
    try:
        with state_lock(store, "state mv", settings.lock_timeout, view):
            state, _, _ = recover(store, view)
            if source not in state.jobs:
                view.error(f"no job {source} in the state", known(state))
                return ERROR
            if to in state.jobs:
                view.error(
                    f"job {to} is already recorded in the state",
                    f"`snaplint state rm {to}` first if that record is wrong",
                )
                return ERROR
            job = state.jobs.pop(source)
            job.name = to
            state.jobs[to] = job
            store.save(state)
            view.text(f"Moved job.{source} to job.{to} in the state; its session is unchanged")
            return OK
    except NotLocked:
        return ERROR


def unprotect(settings: Settings, view: View, name: str) -> str:
    """``state unprotect``: lift a job's recorded protection."""
    from snaplint.operations.apply import recover
    from snaplint.operations.planning import open_store

    store = open_store(settings)
    try:
        with state_lock(store, "state unprotect", settings.lock_timeout, view):
            state, _, _ = recover(store, view)
            job = state.jobs.get(name)
            if job is None:
                view.error(f"no job {name} in the state", known(state))
                return ERROR
            if not job.protect:
                view.text(f"job.{name} is not protected in the state; nothing to do")
                return OK
            job.protect = False
            store.save(state)
            view.text(
                f"job.{name} is no longer protected in the state. If its manifest still sets "
                "metadata.protect: true, the next apply records the protection again."
            )
            return OK
    except NotLocked:
        return ERROR


def force_unlock(settings: Settings, view: View, lock_id: str) -> str:
    """Remove a lock whose holder is stuck, given the holder's ID (after confirmation)."""
    from snaplint.operations.planning import open_store
    from snaplint.state.backends import LockError

    store = open_store(settings)
    holder = store.backend.lock_holder()
    if holder is None:
        view.error(f"the state {store.describe()} is not locked", "nothing to unlock")
        return ERROR
    if holder.id != lock_id:
        view.error(
            f"lock ID {lock_id} does not match the lock on {store.describe()}",
            "force-unlock needs the holder's ID:\n" + holder.describe(),
        )
        return ERROR
    approved = view.confirm("force-unlock", "The state is locked by:\n" + holder.describe())
    if approved is None:
        return ERROR
    if not approved:
        view.text("force-unlock cancelled.")
        return ERROR
    try:
        removed = store.backend.force_unlock(lock_id)
    except LockError as exc:
        view.error(str(exc).splitlines()[0], "")
        return ERROR
    view.text(
        f"snaplint state has been successfully unlocked (lock {removed.id}, held by "
        f"{removed.who}, pid {removed.pid}, since {removed.created})."
    )
    return OK


# --------------------------------------------------------------------------- workspaces


@dataclass
class Workspaces:
    selected: str
    names: list[str] = field(default_factory=list)


def workspaces(settings: Settings, *, listing: bool) -> Workspaces:
    """The selected workspace and (with ``listing``) every workspace with a state."""
    from snaplint.state.backends import BackendError, check_workspace
    from snaplint.state.workspaces import current, list_workspaces

    section = settings.config.section("state")
    selected = current(section, settings.env, settings.workspace)
    try:
        check_workspace(selected)
        if not listing:
            return Workspaces(selected)
        names = list_workspaces(section, project_root=settings.root, env=settings.env)
    except BackendError as exc:
        raise OperationError(str(exc)) from exc
    if selected not in names:
        names.append(selected)  # selected but not written yet: still where apply would write
        names.sort(key=lambda n: (n != "default", n))
    return Workspaces(selected, names)


# --------------------------------------------------------------------------- migrate


def migrate(
    settings: Settings,
    view: View,
    *,
    to: str,
    source: str | None,
    all_workspaces: bool,
    force: bool,
) -> str:
    """Copy the state (lineage and serial kept) to another backend, workspace by workspace."""
    from snaplint.state.backends import ENV_BACKEND, BackendError, open_backend
    from snaplint.state.migrate import MigrateError
    from snaplint.state.migrate import migrate as move
    from snaplint.state.workspaces import backend_kind, current, list_workspaces

    section = dict(settings.config.section("state"))
    source_kind = source or backend_kind(section, settings.env)
    if source_kind == to:
        raise OperationError(f"the state already is in the {to} backend (use --from to choose)")
    env = {k: v for k, v in settings.env.items() if k != ENV_BACKEND}  # the kinds are explicit
    source_config = {**section, "backend": source_kind}
    destination_config = {**section, "backend": to}
    root = settings.root
    failed = False
    try:
        if all_workspaces:
            names = list_workspaces(source_config, project_root=root, env=env)
        else:
            names = [current(section, settings.env, settings.workspace)]
        for name in names:
            origin = open_backend(source_config, project_root=root, env=env, workspace=name)
            destination = open_backend(
                destination_config, project_root=root, env=env, workspace=name
            )
            timeout = settings.lock_timeout
            try:
                with (
                    backend_lock(origin, "state migrate", timeout, view),
                    backend_lock(destination, "state migrate", timeout, view),
                ):
                    done = move(origin, destination, workspace=name, force=force)
            except NotLocked:
                failed = True
                continue
            except MigrateError as exc:
                view.error(f"workspace {name}: not migrated", str(exc))
                failed = True
                continue
            finally:
                origin.close()
                destination.close()
            if done.state is None:
                view.text(f"workspace {name}: no state in {done.source}; nothing to migrate")
            elif done.unchanged:
                view.text(f"workspace {name}: {done.destination} already holds this state")
            else:
                view.text(
                    f"workspace {name}: migrated {len(done.state.jobs)} jobs (lineage "
                    f"{done.state.lineage}, serial {done.state.serial}) from {done.source} "
                    f"to {done.destination}"
                )
    except BackendError as exc:
        raise OperationError(str(exc)) from exc
    if failed:
        return ERROR
    view.text(
        f"\nFrom now on use the {to} backend: set `state.backend: {to}` in the project "
        f"config (or {ENV_BACKEND}={to}). The {source_kind} state was left in place; "
        "remove it once every runner uses the new backend."
    )
    return OK
