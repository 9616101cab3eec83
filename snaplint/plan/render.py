"""Plans for people and for programs (pure: data in, text or dicts out).

- :func:`render_plan` — Terraform-style text: one block per job with ``+ ~ -/+ -``, per-field
  ``before -> after``, ``# forces replacement`` on the fields that force it, ``(sensitive
  value)`` for secrets; beyond Terraform, the object key pattern of the job's screenshots and
  the projected screenshots per hour; then the summary line.
- :class:`Events` — the line-delimited JSON event stream shaped like Terraform's
  machine-readable UI: a ``version`` message first, then ``planned_change``,
  ``resource_drift``, ``change_summary``, ``diagnostic``, ``refresh_*`` and ``apply_*``
  messages, each with ``@level``, ``@message``, ``@module``, ``@timestamp`` and ``type``.
  Consumers must ignore unknown keys; minor versions only add.
- :func:`plan_document` — the whole plan as one JSON document for ``show --json``
  (``resource_changes[]`` with ``before``/``after`` and ``*_sensitive`` masks).

Secret values never reach this module: specs carry sensitive markers (hash and reference),
and even the hash is never printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from snaplint.plan import jobs
from snaplint.plan.changes import (
    REASON_ADOPT,
    REASON_DESTROY,
    REASON_ENDED,
    REASON_REQUESTED,
    REASON_SID_UNKNOWN,
    REASON_UNKNOWN,
    REASON_VERIFY,
    Action,
    Change,
    Diagnostic,
    Drift,
    Plan,
)
from snaplint.plan.diff import MISSING, FieldChange, Path

UI_VERSION = "1.0"
SENSITIVE_TEXT = "(sensitive value)"
RESOURCE_TYPE = "snapshot_job"
IDENTITY_KEYS = ("appId", "cname", "uid", "mode")

_COLORS = {"+": "32", "~": "33", "-": "31", "-/+": "35", "!": "1;31", "note": "2"}


def _paint(text: str, code: str | None, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


# --------------------------------------------------------------------------- values


def value_text(value: Any) -> str:
    """A value as HCL-ish text: strings quoted, lists and maps inline, secrets hidden."""
    if jobs.is_sensitive(value):
        return SENSITIVE_TEXT
    if value is MISSING or value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {value_text(v)}" for k, v in value.items()) + " }"
    return str(value)


# --------------------------------------------------------------------------- text


def headline(change: Change) -> str:
    """The ``# job.NAME will be …`` comment line of a change."""
    addr = f"job.{change.name}"
    seen = f" (last seen running {change.last_seen_running})" if change.last_seen_running else ""
    a, r = change.action, change.reason
    if a == Action.CREATE and r == REASON_ENDED:
        return f"# {addr} will be started: session ended; will be started again{seen}"
    if a == Action.CREATE and r == REASON_VERIFY:
        return (
            f"# {addr} will be started: an interrupted apply sent start without recording its "
            "answer; apply adopts that session if it runs"
        )
    if a == Action.CREATE and r == REASON_SID_UNKNOWN:
        return (
            f"# {addr} will be started if its earlier session (sid unknown) has ended; "
            "a running one answers code 53 and is kept"
        )
    if a == Action.CREATE:
        return f"# {addr} will be started"
    if a == Action.UPDATE:
        return f"# {addr} will be updated in place"
    if a == Action.REPLACE:
        why = " (--replace)" if r == REASON_REQUESTED else ""
        return f"# {addr} must be replaced: stopped, then started again{why}"
    if a == Action.DELETE:
        why = "destroy" if r == REASON_DESTROY else "its manifest was removed"
        unknown = (
            "; its status is unknown, stop is sent anyway" if change.status == "unknown" else ""
        )
        return f"# {addr} will be stopped ({why}){unknown}"
    if a == Action.FORGET:
        why = "destroy" if r == REASON_DESTROY else "its manifest was removed"
        return f"# {addr} will be removed from state: its session has ended ({why}){seen}"
    if r == REASON_UNKNOWN:
        return (
            f"# {addr}: session status unknown ({change.detail or 'query failed'}); left as it is"
        )
    if r == REASON_SID_UNKNOWN:
        return f"# {addr}: a session may run but its sid is unknown; it cannot be stopped"
    if r == REASON_ADOPT:
        return f"# {addr}: its session was found running; apply records its sid ({change.detail})"
    return f"# {addr} is up to date"


def render_plan(
    plan: Plan,
    *,
    color: bool = False,
    title: str | None = None,
    nothing: str = "The live sessions match the manifests.",
) -> str:
    """The whole plan as text (drift, actions, diagnostics, summary)."""
    out: list[str] = []
    if plan.drift:
        out.append(_paint("Note: Objects have changed outside of snaplint", "1", color))
        out.append("")
        for d in plan.drift:
            out.extend(drift_lines(d))
        out.append("")
        if plan.options.refresh_only:
            out.append(
                "This is a refresh-only plan: applying it records these changes in the state "
                "and starts or stops nothing."
            )
            out.append("")
    untracked = plan.untracked
    shown = [
        c for c in plan.changes if (c.action != Action.NOOP or c.reason) and c not in untracked
    ]
    if plan.options.refresh_only:
        shown = plan.adopted
    if untracked:
        out.extend(untracked_lines(untracked, color=color))
    acting = plan.adopted or any(c.action != Action.NOOP for c in plan.changes)
    if not plan.options.refresh_only and not acting:
        if not plan.errors:
            out.append(_paint("No changes.", "1;32", color) + f" {nothing}")
            out.append("")
        for c in shown:  # unknown / sid-unknown notes
            out.append("  " + _paint(headline(c), _COLORS["note"], color))
        if shown:
            out.append("")
    elif not plan.options.refresh_only:
        out.append(title or "snaplint will perform the following actions:")
        out.append("")
        for change in shown:
            out.extend(change_lines(change, color=color))
            out.append("")
    for d in plan.diagnostics:
        out.extend(diagnostic_lines(d, color=color))
        out.append("")
    if not plan.options.refresh_only and acting:
        out.append(_paint(summary_line(plan), "1", color))
        forget = plan.count(Action.FORGET)
        if forget:
            out.append(f"{forget} ended job{'s' if forget != 1 else ''} to forget from the state.")
    return "\n".join(out).rstrip("\n") + "\n"


def summary_line(plan: Plan) -> str:
    s = plan.summary()
    extra = ""
    if plan.adopted:
        extra += f", {len(plan.adopted)} to adopt"
    if plan.untracked:
        extra += f"; {len(plan.untracked)} untracked"
    return (
        f"Plan: {s['start']} to start, {s['update']} to update, {s['replace']} to replace, "
        f"{s['stop']} to stop{extra}."
    )


def untracked_lines(changes: list[Change], *, color: bool = False) -> list[str]:
    """The untracked jobs, a category of their own: a session may run, billed, for each, but
    without its sid nothing can query or stop it."""
    out = [
        _paint(
            "Untracked sessions: a session may run for these jobs, but its sid is unknown",
            "1;33",
            color,
        ),
        "",
    ]
    for c in changes:
        spec = c.before or c.after or {}
        where = f"cname {value_text(spec.get('cname'))}, uid {value_text(spec.get('uid'))}"
        out.append(f"  # job.{c.name} ({where}): {c.detail or 'start answer lost'}")
    out.append("")
    out.append(
        "  No start is planned for them (it would answer code 53 while the session runs). "
        "Without a sid no call can stop them: they end at maxIdleTime once the channel is "
        "idle. `snaplint import NAME --resource-id ID --sid SID` adopts one whose sid you "
        "know (from its screenshots' object keys or the notifications); `snaplint apply "
        "--replace NAME` tries a new start."
    )
    out.append("")
    return out


def drift_lines(d: Drift) -> list[str]:
    seen = f"; last seen running {d.last_seen_running}" if d.last_seen_running else ""
    return [f"  # job.{d.name}: {d.detail}{seen}"]


def diagnostic_lines(d: Diagnostic, *, color: bool = False) -> list[str]:
    label = "Error" if d.severity == "error" else "Warning"
    code = "1;31" if d.severity == "error" else "1;33"
    lines = ["╷", "│ " + _paint(f"{label}: ", code, color) + d.summary]
    if d.source:
        where = d.source + (f":{d.line}:{d.column}" if d.line else "")
        lines.append(f"│   on {where}")
    if d.detail:
        lines.append("│")
        lines.extend("│ " + line for line in d.detail.splitlines())
    lines.append("╵")
    return lines


def change_lines(change: Change, *, color: bool = False) -> list[str]:
    symbol = change.action.symbol
    paint = _COLORS.get(symbol)
    lines = ["  " + _paint(headline(change), _COLORS["note"], color)]
    if change.action == Action.NOOP:
        return lines
    head = f'{symbol} job "{change.name}" {{'
    lines.append(_paint(head.rjust(len(head) + (2 if len(symbol) == 1 else 0)), paint, color))
    if change.action in (Action.DELETE, Action.FORGET):
        spec = change.before or {}
        width = max((len(k) for k in IDENTITY_KEYS if k in spec), default=0)
        for key in IDENTITY_KEYS:
            if key in spec:
                lines.append(
                    f"      {_paint('-', paint, color)} {key.ljust(width)} = "
                    f"{value_text(spec[key])}"
                )
        hidden = len([k for k in spec if k not in IDENTITY_KEYS])
        if hidden:
            lines.append(_paint(f"        # ({hidden} more blocks hidden)", _COLORS["note"], color))
    else:
        lines.extend(_tree_lines(change, color))
    lines.append("    }")
    if change.after is not None and change.action in (
        Action.CREATE,
        Action.UPDATE,
        Action.REPLACE,
    ):
        lines.extend(projection_lines(change.after, color))
    return lines


def projection_lines(spec: Mapping[str, Any], color: bool = False) -> list[str]:
    cr = spec.get("clientRequest") or {}
    _, how = jobs.screenshots_per_hour(cr)
    uids = ((cr.get("recordingConfig") or {}).get("subscribeVideoUids")) or []
    which = (
        f" (<uid> ∈ {', '.join(str(u) for u in uids)})"
        if uids and jobs.ALL_STREAMS not in uids
        else " (<uid>: each subscribed video stream)"
    )
    return [
        _paint(f"    # screenshots: {jobs.key_pattern(spec)}{which}", _COLORS["note"], color),
        _paint(f"    # per hour:    {how}", _COLORS["note"], color),
    ]


def _tree_lines(change: Change, color: bool) -> list[str]:
    """Changed fields nested in their blocks, unchanged ones counted, not shown."""
    creating = change.action == Action.CREATE
    changed = {c.path: c for c in change.fields}
    spec = change.after if creating else _merge(change.before or {}, change.after or {})
    out: list[str] = []
    _block(spec, (), changed, change.forces, creating, 6, out, color)
    return out


def _merge(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in list(after) + [k for k in before if k not in after]:
        a, b = after.get(key, MISSING), before.get(key, MISSING)
        if (
            isinstance(a, dict)
            and isinstance(b, dict)
            and not jobs.is_sensitive(a)
            and not jobs.is_sensitive(b)
        ):
            merged[key] = _merge(b, a)
        else:
            merged[key] = a if a is not MISSING else b
    return merged


def _touches(path: Path, changed: Mapping[Path, FieldChange]) -> bool:
    n = len(path)
    return any(p[:n] == path for p in changed)


def _block(
    node: Mapping[str, Any],
    path: Path,
    changed: Mapping[Path, FieldChange],
    forces: frozenset[Path],
    creating: bool,
    indent: int,
    out: list[str],
    color: bool,
) -> None:
    pad = " " * indent
    visible = [k for k in node if creating or _touches((*path, k), changed)]
    width = max((len(k) for k in visible if not _is_block(node[k], (*path, k), changed)), default=0)
    for key in visible:
        sub = (*path, key)
        value = node[key]
        if value is None and creating:
            continue
        if _is_block(value, sub, changed):
            sym = "+" if creating else _block_symbol(sub, changed)
            out.append(f"{pad}{_paint(sym, _COLORS.get(sym), color)} {key} {{")
            _block(value, sub, changed, forces, creating, indent + 4, out, color)
            out.append(f"{pad}  }}")
            continue
        fc = changed.get(sub)
        if fc is None:
            continue
        force = _paint(" # forces replacement", "31", color) if sub in forces else ""
        if fc.kind == "add":
            line = f"{pad}{_paint('+', '32', color)} {key.ljust(width)} = {value_text(fc.after)}"
        elif fc.kind == "remove":
            line = (
                f"{pad}{_paint('-', '31', color)} {key.ljust(width)} = "
                f"{value_text(fc.before)} -> null"
            )
        else:
            line = (
                f"{pad}{_paint('~', '33', color)} {key.ljust(width)} = "
                f"{value_text(fc.before)} -> {value_text(fc.after)}"
            )
        out.append(line + force)
    if not creating:
        hidden = len([k for k in node if k not in visible])
        if hidden:
            noun = "attribute" if hidden == 1 else "attributes"
            out.append(
                _paint(f"{pad}  # ({hidden} unchanged {noun} hidden)", _COLORS["note"], color)
            )


def _is_block(value: Any, path: Path, changed: Mapping[Path, FieldChange]) -> bool:
    return isinstance(value, dict) and not jobs.is_sensitive(value) and path not in changed


def _block_symbol(path: Path, changed: Mapping[Path, FieldChange]) -> str:
    kinds = {c.kind for p, c in changed.items() if p[: len(path)] == path}
    if kinds == {"add"}:
        return "+"
    if kinds == {"remove"}:
        return "-"
    return "~"


# --------------------------------------------------------------------------- JSON events


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
                if c.action == Action.NOOP and not c.reason:
                    continue
                self.emit(
                    "planned_change",
                    f"{headline(c)[2:]}",
                    change=planned_change(c),
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
        }
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


def planned_change(c: Change) -> dict[str, Any]:
    body: dict[str, Any] = {"resource": resource(c.name), "action": c.action.value}
    if c.reason:
        body["reason"] = c.reason
    if c.forces:
        body["replace_paths"] = [list(p) for p in sorted(c.forces, key=str)]
    if c.status:
        body["status"] = c.status
    if c.last_seen_running:
        body["last_seen_running"] = c.last_seen_running
    return body


# --------------------------------------------------------------------------- JSON document


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


def dumps_lines(events: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
