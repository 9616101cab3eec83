"""Helpers for project rules (not a rule)."""

from __future__ import annotations

from typing import Any

from snaplint.findings.diagnostics import JsonPath
from snaplint.findings.references import is_ref


def where(doc: Any, path: JsonPath) -> str:
    """``file:line`` of a value in another document, for messages that point at it."""
    span = doc.locate(path)
    return f"{doc.source.display}:{span.line}"


# what recorder_key and label read of a job or raw body: a rule using them declares these
# among its PROJECT_FIELDS (see snaplint.findings.rule)
RECORDER_KEY_FIELDS: tuple[tuple[str, ...], ...] = (
    ("metadata", "name"),
    ("spec", "appId"),
    ("spec", "cname"),
    ("spec", "uid"),
    ("cname",),
    ("uid",),
)


def recorder_key(doc: Any, default_app_id: str | None = None) -> tuple[str | None, str, str] | None:
    """(appId, cname, uid) of a job or raw start body, or None when any part is known later.

    A job without ``spec.appId`` uses the project's App ID (``ctx.default_app_id``); when that is
    unknown too it is written as None, which matches other jobs without one.
    """
    if doc.kind not in ("job", "start"):
        return None  # an acquire body pairs with a start body of the same cname/uid
    # leaf reads: a job kept for the project stage answers them without rebuilding its body
    base = doc.body_path
    cname, uid = doc.get((*base, "cname")), doc.get((*base, "uid"))
    app = (doc.get((*base, "appId")) if doc.kind == "job" else None) or default_app_id
    if not isinstance(cname, str) or not isinstance(uid, str):
        return None
    if is_ref(cname) or is_ref(uid) or is_ref(app):
        return None
    return app, cname, uid


def label(doc: Any) -> str:
    """How a message names another document: the job name, or the body's file."""
    return f'job "{doc.name}"' if doc.name else f"the body in {doc.source.display}"
