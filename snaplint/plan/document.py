"""The whole plan as one JSON document for ``show --json`` (Terraform's json-format shape).

``resource_changes[]`` carry ``before``/``after`` with every secret replaced by null and
Terraform's ``*_sensitive`` masks marking where they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snaplint.plan import jobs
from snaplint.plan.changes import Action, Change, Plan
from snaplint.plan.events import RESOURCE_TYPE


def redacted(value: Any) -> Any:
    """A spec with every sensitive marker replaced by None (the value is in ``*_sensitive``)."""
    if jobs.is_sensitive(value):
        return None
    if isinstance(value, dict):
        return {k: redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def sensitive_mask(value: Any) -> Any:
    """Terraform's ``*_sensitive`` mask: True where the value is secret."""
    if jobs.is_sensitive(value):
        return True
    if isinstance(value, dict):
        mask = {k: sensitive_mask(v) for k, v in value.items()}
        return {k: v for k, v in mask.items() if v}
    return False


_ACTIONS = {
    Action.NOOP: ["no-op"],
    Action.CREATE: ["create"],
    Action.UPDATE: ["update"],
    Action.REPLACE: ["delete", "create"],
    Action.DELETE: ["delete"],
    Action.FORGET: ["forget"],
}


def resource_change(c: Change) -> dict[str, Any]:
    change: dict[str, Any] = {
        "actions": _ACTIONS[c.action],
        "before": redacted(c.before) if c.action != Action.CREATE or c.reason else None,
        "after": redacted(c.after),
        "before_sensitive": sensitive_mask(c.before) if c.before else False,
        "after_sensitive": sensitive_mask(c.after) if c.after else False,
    }
    if c.forces:
        change["replace_paths"] = [list(p) for p in sorted(c.forces, key=str)]
    entry: dict[str, Any] = {
        "address": f"job.{c.name}",
        "mode": "managed",
        "type": RESOURCE_TYPE,
        "name": c.name,
        "change": change,
    }
    if c.reason:
        entry["action_reason"] = c.reason
    if c.status:
        entry["status"] = c.status
    if c.last_seen_running:
        entry["last_seen_running"] = c.last_seen_running
    return entry


def plan_document(plan: Plan, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The plan as one JSON document (``show --json``), Terraform's json-format shape."""
    from snaplint import __version__

    doc: dict[str, Any] = {
        "format_version": "1.0",
        "snaplint_version": __version__,
        "prior_state": {"lineage": plan.lineage, "serial": plan.serial},
        "options": plan.options.to_dict(),
        "resource_changes": [resource_change(c) for c in plan.changes],
        "resource_drift": [
            {
                "address": f"job.{d.name}",
                "type": RESOURCE_TYPE,
                "name": d.name,
                "change": {"actions": ["delete"]},
                "reason": d.kind,
                "detail": d.detail,
                "last_seen_running": d.last_seen_running,
            }
            for d in plan.drift
        ],
        "diagnostics": [
            {"severity": d.severity, "summary": d.summary, "detail": d.detail, "job": d.job}
            for d in plan.diagnostics
        ],
        "summary": plan.summary(),
        "errored": bool(plan.errors),
    }
    if extra:
        doc.update(extra)
    return doc
