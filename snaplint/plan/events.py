"""The JSON event stream (``--json``), shaped like Terraform's machine-readable UI.

A ``version`` message first, then ``planned_change``, ``resource_drift``, ``change_summary``,
``diagnostic``, ``refresh_*`` and ``apply_*`` messages, each with ``@level``, ``@message``,
``@module``, ``@timestamp`` and ``type``. Consumers must ignore unknown keys; minor versions
only add.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from snaplint.plan.changes import Action, Change, Diagnostic, Plan
from snaplint.plan.cost import job_cost, plan_cost
from snaplint.plan.render import headline, summary_line

UI_VERSION = "1.0"
RESOURCE_TYPE = "snapshot_job"


def resource(name: str) -> dict[str, Any]:
    return {
        "addr": f"job.{name}",
        "module": "",
        "resource": f"job.{name}",
        "implied_provider": "agora",
        "resource_type": RESOURCE_TYPE,
        "resource_name": name,
        "resource_key": None,
    }


def _timestamp() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="microseconds")


class Events:
    """Writes the JSON event stream, one object per line; thread-safe enough for apply
    (one ``write`` per event)."""

    def __init__(self, stream: IO[str], clock: Callable[[], str] = _timestamp) -> None:
        self.stream = stream
        self.clock = clock

    def emit(self, type_: str, message: str, level: str = "info", **fields: Any) -> dict[str, Any]:
        event = {
            "@level": level,
            "@message": message,
            "@module": "snaplint.ui",
            "@timestamp": self.clock(),
            "type": type_,
            **fields,
        }
        self.stream.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        self.stream.flush()
        return event

    def version(self) -> None:
        from snaplint import __version__

        self.emit("version", f"snaplint {__version__}", snaplint=__version__, ui=UI_VERSION)

    def diagnostic(self, d: Diagnostic) -> None:
        body: dict[str, Any] = {"severity": d.severity, "summary": d.summary, "detail": d.detail}
        if d.job:
            body["address"] = f"job.{d.job}"
        if d.source:
            body["range"] = {
                "filename": d.source,
                "start": {"line": d.line or 1, "column": d.column or 1},
                "end": {"line": d.line or 1, "column": (d.column or 1) + 1},
            }
        level = "error" if d.severity == "error" else "warn"
        self.emit("diagnostic", f"{d.severity.capitalize()}: {d.summary}", level, diagnostic=body)

    def plan(self, plan: Plan, operation: str = "plan") -> None:
        """``resource_drift``, ``planned_change``, diagnostics and ``change_summary``."""
        for d in plan.drift:
            self.emit(
                "resource_drift",
                f"job.{d.name}: {d.detail}",
                change={
                    "resource": resource(d.name),
                    "action": "delete",
                    "reason": d.kind,
                    "last_seen_running": d.last_seen_running,
                },
            )
        if not plan.options.refresh_only:
            for c in plan.changes:
                if c.action == Action.NOOP and not c.reason and not c.moved_from:
                    continue
                self.emit(
                    "planned_change",
                    f"{headline(c)[2:]}",
                    change=planned_change(c, plan),
                )
        for d in plan.diagnostics:
            self.diagnostic(d)
        self.summary(plan, operation)

    def summary(self, plan: Plan, operation: str, done: Mapping[str, int] | None = None) -> None:
        s = dict(done) if done is not None else plan.summary()
        changes = {
            "add": s["start"] + s["replace"],
            "change": s["update"],
            "import": len(plan.adopted),  # untracked sessions found and adopted
            "remove": s["stop"] + s["replace"],
            "operation": operation,
            # snaplint's own words, additive to Terraform's keys
            "start": s["start"],
            "update": s["update"],
            "replace": s["replace"],
            "stop": s["stop"],
            "forget": s.get("forget", 0),
            "move": len(plan.moved),
        }
        if done is None:
            changes["cost"] = plan_cost(plan).to_dict()
        if plan.untracked:  # sessions that may run, unknown to state (issue: no silent orphan)
            changes["untracked"] = len(plan.untracked)
        if operation == "plan" or done is None:
            message = summary_line(plan)
        else:
            message = (
                f"Apply complete! {s['start']} started, {s['update']} updated, "
                f"{s['replace']} replaced, {s['stop']} stopped."
            )
        self.emit("change_summary", message, changes=changes)

    def hook(
        self, type_: str, message: str, name: str, action: str, level: str = "info", **extra: Any
    ) -> None:
        self.emit(
            type_, message, level, hook={"resource": resource(name), "action": action, **extra}
        )


def planned_change(c: Change, plan: Plan | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"resource": resource(c.name), "action": c.action.value}
    if c.after is not None and c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE):
        price = plan.price if plan is not None else None
        body["cost"] = job_cost(c.after, *(() if price is None else (price,))).to_dict()
    if c.reason:
        body["reason"] = c.reason
    if c.moved_from:  # Terraform's key for a moved resource's old address
        body["previous_resource"] = resource(c.moved_from)
    if c.forces:
        body["replace_paths"] = [list(p) for p in sorted(c.forces, key=str)]
    if c.status:
        body["status"] = c.status
    if c.last_seen_running:
        body["last_seen_running"] = c.last_seen_running
    return body


def dumps_lines(events: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
