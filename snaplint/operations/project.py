"""The project's manifests, linted, as desired jobs: what plan, apply and import start from."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.operations.settings import OperationError, Settings

if TYPE_CHECKING:
    from snaplint.operations.view import View
    from snaplint.plan.jobs import Job, JobProblem
    from snaplint.plan.moves import Move


@dataclass
class Project:
    jobs: list[Job]
    problems: list[JobProblem]
    manifests: dict[str, str]  # path relative to the root → sha256
    config_digest: str | None
    lint_errors: int = 0
    moves: list[Move] = field(default_factory=list)  # kind: Moved documents


def is_saved_plan(path: str | Path) -> bool:
    from snaplint.plan.saved import looks_like_plan

    try:
        with open(path, "rb") as fh:
            return looks_like_plan(fh.read(200))
    except OSError:
        return False


def file_digest(path: str | Path) -> str:
    """The sha256 of a file: how saved plans recognise the manifests they were made from."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def relative(path: str, root: Path) -> str:
    """``path`` relative to the project root (POSIX), or absolute when outside it."""
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def discover_manifests(settings: Settings) -> list[str]:
    """The manifest files of the run (saved plans inside the project left out)."""
    from snaplint.lint.discovery import MissingPath, discover

    config = settings.config
    try:
        files = discover(
            list(settings.paths) or [str(settings.root)],
            root=settings.root,
            include=config.include,
            exclude=config.exclude,
            force_exclude=config.force_exclude,
        )
    except MissingPath as exc:
        raise OperationError(f"no such file or directory: {exc}") from exc
    # a plan saved inside the project (`plan --out plan.json`) is not a manifest
    return [f for f in files if f != "-" and not is_saved_plan(f)]


def manifest_digests(settings: Settings, files: list[str]) -> dict[str, str]:
    return {relative(f, settings.root): file_digest(f) for f in files if os.path.isfile(f)}


def config_digest(settings: Settings) -> str | None:
    source = settings.config.source
    return file_digest(source) if source else None


def load_project(settings: Settings, view: View) -> Project:
    """Lint the manifests (errors go to the view and refuse the plan) and build the jobs."""
    from snaplint.agora.connection import embedded_app_id
    from snaplint.config import ConfigError
    from snaplint.lint.linter import Linter, LintOptions
    from snaplint.lint.plugins import PluginError, load_rules
    from snaplint.plan.jobs import desired_jobs
    from snaplint.plan.moves import moves_of

    config = settings.config
    try:
        table = load_rules(allow=config.plugins)
        linter = Linter(config, table, LintOptions())
    except (PluginError, ConfigError) as exc:
        raise OperationError(str(exc)) from exc
    files = discover_manifests(settings)
    # The manifests read are exactly the paths given (default: the whole project): jobs in
    # state but not in them are planned to stop, so reading a subset deserves a warning.
    if settings.paths and not any(Path(p).resolve() == settings.root for p in settings.paths):
        view.note(
            "Warning: reading only some of the project's manifests; jobs recorded in state "
            "but not in them are planned to stop (use --target to limit a run instead)",
            "warn",
        )
    result = linter.lint_files(files)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors:
        view.lint_errors(result, errors, table)
    manifests = manifest_digests(settings, list(result.files)) or manifest_digests(settings, files)
    checked = [doc for doc in result.documents if not _has_error(doc, errors)]
    jobs, problems = desired_jobs(
        checked,
        config_app_id=settings.api.get("app-id"),
        env=settings.env,
        default_app_id=embedded_app_id(settings.api.get("endpoint"), settings.env),
    )
    return Project(
        jobs, problems, manifests, config_digest(settings), len(errors), moves_of(checked)
    )


def _has_error(doc: Any, errors: list[Any]) -> bool:
    return any(d.file == doc.source.display and d.document == doc.index for d in errors)
