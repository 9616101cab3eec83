"""What an operation is asked to do: plain values, built by the CLI (or a reconcile loop) from
argv, a config file and the environment. Nothing here reads argv, prints or exits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.plan.changes import PlanOptions

if TYPE_CHECKING:
    from snaplint.config import Config


class OperationError(Exception):
    """The operation cannot run as configured (a usage or configuration problem: the CLI's
    exit 2). Problems of the run itself are results, not exceptions."""


@dataclass(frozen=True)
class Settings:
    """One operation's inputs."""

    config: Config
    root: Path  # the project root (resolved)
    env: Mapping[str, str]
    paths: tuple[str, ...] = ()  # manifests asked for (empty: the whole project)
    workspace: str | None = None
    options: PlanOptions = field(default_factory=PlanOptions)
    parallelism: int | None = None  # None: plan.parallelism of the config, else 4
    lock_timeout: float = 0.0
    allow_mass_change: bool = False  # apply: lift the guard rail (snaplint.plan.guard)

    @property
    def api(self) -> dict[str, Any]:
        """The config's ``api`` section."""
        return dict(self.config.section("api"))

    def effective_parallelism(self) -> int:
        value = self.parallelism or self.config.section("plan").get("parallelism")
        return max(1, int(value or 4))


# Result statuses every operation returns; the CLI maps them to exit codes.
OK, ERROR, CHANGES, INTERRUPTED = "ok", "error", "changes", "interrupted"
