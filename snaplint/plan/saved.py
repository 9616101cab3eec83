"""Saved plans (``plan --out FILE``): versioned JSON that is safe to store and share.

A saved plan holds no secret and no resourceId — by construction: its specs are fingerprints
whose secret fields keep only the name of their environment variable (the salted hash is
dropped too), and the session IDs never enter a :class:`~snaplint.plan.changes.Plan`. It records what
apply needs to refuse a stale plan and to say why:

- the state's ``lineage`` and ``serial`` at plan time (any state write makes the plan stale);
- a SHA-256 of every manifest and of the project config (paths relative to the project root);
- the plan's targets and other options, its creation time (and apply's maximum age);
- per job, a digest of its desired spec computed with the plan's own random salt, so that a
  secret rotated between plan and apply is noticed. The digest covers the whole spec at once;
  like the state's salted hashes it tells nothing practical about high-entropy keys.

``apply FILE`` re-plans from the manifests and the state and executes only if that plan equals
the saved one (Pulumi's update plans); any deviation is reported job by job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from snaplint.plan import jobs
from snaplint.plan.changes import Action, Change, Diagnostic, Drift, Plan, PlanOptions
from snaplint.plan.diff import MISSING, FieldChange

PLAN_FORMAT = "snaplint-plan"
PLAN_VERSION = 1
DEFAULT_MAX_AGE = "1h"
ENV_MAX_AGE = "SNAPLINT_PLAN_MAX_AGE"
_AGE_RE = re.compile(r"^([0-9]+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class PlanFileError(Exception):
    """Not a readable snaplint plan."""


def parse_duration(text: str) -> float:
    """``30s``, ``15m``, ``4h``, ``1d`` or plain seconds (``90``, ``2.5``) → seconds: the one
    reading of durations for every option and setting."""
    try:
        seconds = float(text)
    except (TypeError, ValueError):
        seconds = None
    if seconds is not None:
        if not (0 <= seconds < float("inf")):
            raise ValueError(f"a duration must be a finite number of seconds >= 0 (got {text!r})")
        return seconds
    m = _AGE_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"durations look like 30s, 15m, 4h or 1d (got {text!r})")
    return int(m.group(1)) * _UNITS[m.group(2)]


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 120:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


@dataclass
class SavedPlan:
    plan: Plan
    created_at: str
    manifests: dict[str, str]  # path relative to the project root → sha256
    config: str | None  # sha256 of the project config file
    salt: str
    digests: dict[str, str]  # job → desired digest under ``salt``
    snaplint_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at.replace("Z", "+00:00"))


# --------------------------------------------------------------------------- codec


def _strip(value: Any) -> Any:
    """A spec without sensitive hashes (the variable's name stays)."""
    if jobs.is_sensitive(value):
        return jobs.sensitive(None, value.get(jobs.SENSITIVE_REF))
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _field(fc: FieldChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": list(fc.path)}
    if fc.before is not MISSING:
        out["before"] = _strip(fc.before)
    if fc.after is not MISSING:
        out["after"] = _strip(fc.after)
    return out


def _change(c: Change) -> dict[str, Any]:
    return {
        "name": c.name,
        "action": c.action.value,
        "reason": c.reason,
        "fields": [_field(f) for f in c.fields],
        "forces": [list(p) for p in sorted(c.forces, key=str)],
        "before": _strip(c.before),
        "after": _strip(c.after),
        "status": c.status,
        "last_seen_running": c.last_seen_running,
        "protect": c.protect,
        "detail": c.detail,
        "moved_from": c.moved_from,
    }


def encode(saved: SavedPlan) -> bytes:
    p = saved.plan
    doc = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "snaplint_version": saved.snaplint_version,
        "created_at": saved.created_at,
        "state": {"lineage": p.lineage, "serial": p.serial},
        "options": p.options.to_dict(),
        "manifests": dict(sorted(saved.manifests.items())),
        "config": saved.config,
        "salt": saved.salt,
        "digests": dict(sorted(saved.digests.items())),
        "changes": [_change(c) for c in p.changes],
        "drift": [
            {
                "name": d.name,
                "kind": d.kind,
                "detail": d.detail,
                "last_seen_running": d.last_seen_running,
            }
            for d in p.drift
        ],
        "diagnostics": [
            {"severity": d.severity, "summary": d.summary, "detail": d.detail, "job": d.job}
            for d in p.diagnostics
        ],
        **saved.extra,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False).encode() + b"\n"


MAX_PLAN_DEPTH = 100  # manifests nest a few levels; a plan's values a few more


def _too_deep() -> str:
    return f"the plan file is damaged (nested more than {MAX_PLAN_DEPTH} levels deep)"


def _depth_over(doc: Any, limit: int) -> bool:
    """Whether JSON data nests deeper than ``limit``, found without recursing."""
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def looks_like_plan(data: bytes) -> bool:
    head = data[:200].decode("utf-8", "replace")
    return head.lstrip().startswith("{") and f'"format": "{PLAN_FORMAT}"' in head


def decode(data: bytes) -> SavedPlan:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"not a snaplint plan (invalid JSON: {exc})") from None
    except RecursionError:
        raise PlanFileError(_too_deep()) from None
    if _depth_over(doc, MAX_PLAN_DEPTH):
        # rendering and comparing values recurse: refuse what they could not show
        raise PlanFileError(_too_deep())
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise PlanFileError("not a snaplint plan (format is not snaplint-plan)")
    version = doc.get("version")
    if version != PLAN_VERSION:
        raise PlanFileError(
            f"plan format version {version} is not supported (this snaplint reads {PLAN_VERSION})"
        )
    try:
        changes = [
            Change(
                name=c["name"],
                action=Action(c["action"]),
                reason=c.get("reason"),
                fields=tuple(
                    FieldChange(tuple(f["path"]), f.get("before", MISSING), f.get("after", MISSING))
                    for f in c.get("fields", [])
                ),
                forces=frozenset(tuple(p) for p in c.get("forces", [])),
                before=c.get("before"),
                after=c.get("after"),
                status=c.get("status"),
                last_seen_running=c.get("last_seen_running"),
                protect=bool(c.get("protect", False)),
                detail=c.get("detail"),
                moved_from=c.get("moved_from"),
            )
            for c in doc["changes"]
        ]
        state = doc.get("state") or {}
        plan = Plan(
            changes=changes,
            drift=[
                Drift(d["name"], d["kind"], d.get("detail", ""), d.get("last_seen_running"))
                for d in doc.get("drift", [])
            ],
            diagnostics=[
                Diagnostic(d["severity"], d["summary"], d.get("detail", ""), d.get("job"))
                for d in doc.get("diagnostics", [])
            ],
            options=PlanOptions.from_dict(doc.get("options") or {}),
            lineage=state.get("lineage"),
            serial=int(state.get("serial", 0)),
        )
        return SavedPlan(
            plan=plan,
            created_at=doc["created_at"],
            manifests=dict(doc.get("manifests") or {}),
            config=doc.get("config"),
            salt=str(doc["salt"]),
            digests=dict(doc.get("digests") or {}),
            snaplint_version=str(doc.get("snaplint_version", "")),
            extra={k: doc[k] for k in ("root", "paths") if k in doc},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanFileError(f"the plan file is damaged ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- staleness


def stale_reasons(
    saved: SavedPlan,
    *,
    lineage: str | None,
    serial: int,
    manifests: Mapping[str, str],
    config: str | None,
    now: datetime | None = None,
    max_age: float | None = None,
) -> list[str]:
    """Why ``saved`` may no longer be applied (empty: it may)."""
    reasons: list[str] = []
    p = saved.plan
    if p.lineage != lineage:
        if p.lineage is None:
            reasons.append("a state was created since the plan was made")
        elif lineage is None:
            reasons.append("the state the plan was made against no longer exists")
        else:
            reasons.append(
                f"the state is a different one (lineage {lineage}, the plan was made against "
                f"{p.lineage})"
            )
    elif p.serial != serial:
        reasons.append(
            f"the state changed since the plan was made (serial {p.serial} then, {serial} now): "
            "another apply, import or state command ran"
        )
    changed = sorted(
        k for k in saved.manifests if k in manifests and manifests[k] != saved.manifests[k]
    )
    added = sorted(k for k in manifests if k not in saved.manifests)
    removed = sorted(k for k in saved.manifests if k not in manifests)
    for label, names in (("changed", changed), ("added", added), ("removed", removed)):
        if names:
            reasons.append(f"manifests {label} since the plan: {', '.join(names)}")
    if saved.config != config:
        reasons.append("the project configuration changed since the plan")
    if max_age is not None:
        now = now or datetime.now(UTC)
        age = (now - saved.created).total_seconds()
        if age > max_age:
            reasons.append(
                f"the plan is {format_duration(age)} old, older than the maximum age of "
                f"{format_duration(max_age)} (plan.max-age); sessions may have ended meanwhile"
            )
    return reasons


def deviations(saved: SavedPlan, fresh: Plan, fresh_digests: Mapping[str, str]) -> list[str]:
    """How a plan made now differs from the saved one, job by job."""
    old = {c.name: c for c in saved.plan.changes}
    new = {c.name: c for c in fresh.changes}
    out: list[str] = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        was = _describe(a)
        now = _describe(b)
        if was != now:
            out.append(f"job {name}: planned {was}, now {now}")
        elif (
            a is not None
            and a.action in (Action.CREATE, Action.UPDATE, Action.REPLACE)
            and saved.digests.get(name) != fresh_digests.get(name)
        ):
            out.append(
                f"job {name}: its desired spec differs from the plan's (an environment "
                "variable it references changed?)"
            )
    return out


def _describe(c: Change | None) -> str:
    if c is None or (c.action == Action.NOOP and not c.reason):
        return "no change"
    status = f", session {c.status}" if c.status and c.action == Action.NOOP else ""
    reason = f" ({c.reason})" if c.reason else ""
    return f"{c.action.value}{reason}{status}"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
