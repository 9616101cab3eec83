"""``plan``: what apply would start, update, replace or stop — and saved plans (``plan
--out``): writing them, reading them back, and telling whether one is stale."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from snaplint.operations.settings import CHANGES, ERROR, OK, OperationError, Settings

if TYPE_CHECKING:
    from snaplint.operations.planning import Planned
    from snaplint.operations.project import Project
    from snaplint.operations.view import View
    from snaplint.plan.changes import Plan
    from snaplint.plan.saved import SavedPlan
    from snaplint.state.codec import State


@dataclass
class PlanResult:
    status: str  # ok | changes | error
    plan: Plan | None = None
    saved_to: Path | None = None


def plan(settings: Settings, view: View, *, out: Path | None = None) -> PlanResult:
    """Refresh and plan (the state is read, never locked or written); ``out`` saves the plan."""
    from snaplint.operations.planning import make, open_store
    from snaplint.operations.project import load_project

    options = settings.options
    if options.refresh_only and options.replace:
        raise OperationError("--refresh-only cannot be combined with --replace")
    if options.refresh_only and not options.refresh:
        raise OperationError("--refresh-only needs --refresh=true")
    project = load_project(settings, view)
    if project.lint_errors:
        return PlanResult(ERROR)
    planned = make(settings, view, project, open_store(settings), options)
    result = planned.plan
    view.plan(result, "plan")
    saved_to = None
    if out is not None:
        if result.errors:
            view.note(f"The plan has errors: it was not saved to {out}.", "warn")
        else:
            save_plan(settings, planned, project, out)
            saved_to = out
            view.note(f"Saved the plan to: {out}")
            view.text(f"To perform exactly these actions, run: snaplint apply {out}")
    if result.errors or result.unknown:
        return PlanResult(ERROR, result, saved_to)
    return PlanResult(CHANGES if result.has_changes else OK, result, saved_to)


def save_plan(settings: Settings, planned: Planned, project: Project, path: Path) -> None:
    """Write the plan as versioned JSON without secrets (owner-only permissions)."""
    import secrets as _secrets

    from snaplint import __version__
    from snaplint.operations.project import relative
    from snaplint.plan.saved import SavedPlan, encode, now_iso

    salt = _secrets.token_hex(16)
    saved = SavedPlan(
        plan=planned.plan,
        created_at=now_iso(),
        manifests=project.manifests,
        config=project.config_digest,
        salt=salt,
        digests=_digests(settings, planned, project, salt),
        snaplint_version=__version__,
        extra={
            # where to find the project again at apply time (paths relative to its root)
            "root": str(settings.root),
            "paths": [relative(p, settings.root) for p in settings.paths] or ["."],
        },
    )
    data = encode(saved)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _digests(settings: Settings, planned: Planned, project: Project, salt: str) -> dict[str, str]:
    """Each planned job's manifest digest under ``salt``: how a saved plan's jobs are told
    apart from edited ones (written by plan --out, compared by apply)."""
    from snaplint.plan.jobs import fingerprint

    by_name = {j.name: j for j in project.jobs}
    return {
        name: fingerprint(by_name[name], salt, settings.env).digest
        for name in planned.desired
        if name in by_name
    }


def read_saved_plan(path: str | Path) -> SavedPlan | None:
    """The saved plan at ``path``, or None when the file is not one (then it is a manifest)."""
    from snaplint.plan.saved import PlanFileError, decode, looks_like_plan

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OperationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not looks_like_plan(data):
        return None
    try:
        return decode(data)
    except PlanFileError as exc:
        raise OperationError(f"{path}: {exc}") from exc


def saved_plan_paths(saved: SavedPlan) -> list[str]:
    """The manifests a saved plan was made from, found where the plan was made (the project
    root it records) or, failing that, relative to the working directory."""
    root = Path(str(saved.extra.get("root") or "."))
    if not root.is_dir():
        root = Path(".")
    return [str(root / rel) for rel in saved.extra.get("paths") or ["."]]


def stale_reasons_of(
    settings: Settings, saved: SavedPlan, state: State, exists: bool, recovered: int
) -> list[str]:
    """Why ``saved`` may no longer be applied (empty: it may)."""
    from snaplint.operations.project import config_digest, discover_manifests, manifest_digests
    from snaplint.plan.saved import DEFAULT_MAX_AGE, ENV_MAX_AGE, parse_duration, stale_reasons

    try:
        found = discover_manifests(settings)
    except OperationError:
        found = []
    max_age_text = (
        settings.env.get(ENV_MAX_AGE)
        or settings.config.section("plan").get("max-age")
        or DEFAULT_MAX_AGE
    )
    reasons = stale_reasons(
        saved,
        lineage=state.lineage if exists else None,
        serial=state.serial if exists else 0,
        manifests=manifest_digests(settings, found),
        config=config_digest(settings),
        max_age=float(parse_duration(max_age_text)),
    )
    if recovered:
        reasons.insert(0, "an interrupted apply was recovered since the plan was made")
    return reasons


def deviations_of(
    settings: Settings, saved: SavedPlan, planned: Planned, project: Project
) -> list[str]:
    """How today's plan differs from the saved one (live sessions changed meanwhile)."""
    from snaplint.plan.saved import deviations

    return deviations(saved, planned.plan, _digests(settings, planned, project, saved.salt))
