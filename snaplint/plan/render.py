"""Plans as text for people (pure: a plan in, text out).

:func:`render_plan` is Terraform-style text: one block per job with ``+ ~ -/+ -``, per-field
``before -> after`` (the field tree is :mod:`snaplint.plan.difftext`), ``(sensitive value)``
for secrets; beyond Terraform, the object key pattern of the job's screenshots and the
projected screenshots per hour; then the summary line. The machine-readable forms are
:mod:`snaplint.plan.events` (the JSON event stream) and :mod:`snaplint.plan.document`
(``show --json``).

Secret values never reach this module: specs carry sensitive markers (hash and reference),
and even the hash is never printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from snaplint.plan.cost import DEFAULT, Price, cost_text, job_cost, plan_cost
from snaplint.plan.difftext import COLORS, paint, tree_lines, value_text

IDENTITY_KEYS = ("appId", "cname", "uid", "mode")


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
    if change.moved_from:
        return f"# job.{change.moved_from} has moved to {addr}"
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
        out.append(paint("Note: Objects have changed outside of snaplint", "1", color))
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
        c
        for c in plan.changes
        if (c.action != Action.NOOP or c.reason or c.moved_from) and c not in untracked
    ]
    if plan.options.refresh_only:
        shown = plan.adopted
    if untracked:
        out.extend(untracked_lines(untracked, color=color))
    acting = plan.adopted or any(c.action != Action.NOOP or c.moved_from for c in plan.changes)
    if not plan.options.refresh_only and not acting:
        if not plan.errors:
            out.append(paint("No changes.", "1;32", color) + f" {nothing}")
            out.append("")
        for c in shown:  # unknown / sid-unknown notes
            out.append("  " + paint(headline(c), COLORS["note"], color))
        if shown:
            out.append("")
    elif not plan.options.refresh_only:
        out.append(title or "snaplint will perform the following actions:")
        out.append("")
        for change in shown:
            out.extend(change_lines(change, color=color, price=plan.price))
            out.append("")
    for d in plan.diagnostics:
        out.extend(diagnostic_lines(d, color=color))
        out.append("")
    if not plan.options.refresh_only and acting:
        out.append(paint(summary_line(plan), "1", color))
        forget = plan.count(Action.FORGET)
        if forget:
            out.append(f"{forget} ended job{'s' if forget != 1 else ''} to forget from the state.")
        out.append(cost_line(plan))
    return "\n".join(out).rstrip("\n") + "\n"


def summary_line(plan: Plan) -> str:
    s = plan.summary()
    extra = ""
    if plan.adopted:
        extra += f", {len(plan.adopted)} to adopt"
    if plan.moved:
        extra += f", {len(plan.moved)} to move"
    if plan.untracked:
        extra += f"; {len(plan.untracked)} untracked"
    return (
        f"Plan: {s['start']} to start, {s['update']} to update, {s['replace']} to replace, "
        f"{s['stop']} to stop{extra}. "
        f"Cost: {(plan.price or DEFAULT).money(plan_cost(plan).change_30_days, sign=True)}"
        "/30 days."
    )


def cost_line(plan: Plan) -> str:
    """The planned jobs' cost once applied (:mod:`snaplint.plan.cost`)."""
    price = plan.price or DEFAULT
    cost = plan_cost(plan, price)
    n = len([j for j in cost.jobs.values() if not j.free])
    return (
        f"Cost once applied: {price.money(cost.after_per_hour)}/hour, "
        f"{price.money(cost.after_30_days)}/30 days for {n} screenshot task{'s' if n != 1 else ''} "
        f"(Cloud-Based Screenshot Upload, {price.money(price.per_1000_minutes)} per 1,000 "
        f"minutes: {price.source})."
    )


def untracked_lines(changes: list[Change], *, color: bool = False) -> list[str]:
    """The untracked jobs, a category of their own: a session may run, billed, for each, but
    without its sid nothing can query or stop it."""
    out = [
        paint(
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
    lines = ["╷", "│ " + paint(f"{label}: ", code, color) + d.summary]
    if d.source:
        where = d.source + (f":{d.line}:{d.column}" if d.line else "")
        lines.append(f"│   on {where}")
    if d.detail:
        lines.append("│")
        lines.extend("│ " + line for line in d.detail.splitlines())
    lines.append("╵")
    return lines


def change_lines(change: Change, *, color: bool = False, price: Price | None = None) -> list[str]:
    symbol = change.action.symbol
    code = COLORS.get(symbol)
    lines = ["  " + paint(headline(change), COLORS["note"], color)]
    if change.moved_from and change.action != Action.NOOP:
        lines.insert(0, f"  # job.{change.moved_from} has moved to job.{change.name}")
    if change.action == Action.NOOP:
        return lines
    head = f'{symbol} job "{change.name}" {{'
    lines.append(paint(head.rjust(len(head) + (2 if len(symbol) == 1 else 0)), code, color))
    if change.action in (Action.DELETE, Action.FORGET):
        spec = change.before or {}
        width = max((len(k) for k in IDENTITY_KEYS if k in spec), default=0)
        for key in IDENTITY_KEYS:
            if key in spec:
                lines.append(
                    f"      {paint('-', code, color)} {key.ljust(width)} = {value_text(spec[key])}"
                )
        hidden = len([k for k in spec if k not in IDENTITY_KEYS])
        if hidden:
            lines.append(paint(f"        # ({hidden} more blocks hidden)", COLORS["note"], color))
    else:
        lines.extend(tree_lines(change, color))
    lines.append("    }")
    if change.after is not None and change.action in (
        Action.CREATE,
        Action.UPDATE,
        Action.REPLACE,
    ):
        lines.extend(projection_lines(change.after, color, price))
    return lines


def projection_lines(
    spec: Mapping[str, Any], color: bool = False, price: Price | None = None
) -> list[str]:

    cr = spec.get("clientRequest") or {}
    _, how = jobs.screenshots_per_hour(cr)
    uids = ((cr.get("recordingConfig") or {}).get("subscribeVideoUids")) or []
    which = (
        f" (<uid> ∈ {', '.join(str(u) for u in uids)})"
        if uids and jobs.ALL_STREAMS not in uids
        else " (<uid>: each subscribed video stream)"
    )
    return [
        paint(f"    # screenshots: {jobs.key_pattern(spec)}{which}", COLORS["note"], color),
        paint(f"    # per hour:    {how}", COLORS["note"], color),
        paint(
            f"    # cost:        {cost_text(job_cost(spec, price or DEFAULT), price or DEFAULT)}",
            COLORS["note"],
            color,
        ),
    ]
