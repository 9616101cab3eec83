"""Values and changed fields as plan text: ``value_text``, the block tree, the colours.

A change's fields are shown nested in their blocks, ``+``/``-``/``~`` with ``before -> after``
and ``# forces replacement`` on the fields that force it; unchanged ones are counted, not
shown. Secrets print as ``(sensitive value)``: specs carry only sensitive markers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from snaplint.plan import jobs
from snaplint.plan.changes import Action, Change
from snaplint.plan.diff import MISSING, FieldChange, Path

SENSITIVE_TEXT = "(sensitive value)"

COLORS = {"+": "32", "~": "33", "-": "31", "-/+": "35", "!": "1;31", "note": "2"}


def paint(text: str, code: str | None, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def value_text(value: Any) -> str:
    """A value as HCL-ish text: strings quoted, lists and maps inline, secrets hidden."""
    if jobs.is_sensitive(value):
        if value.get(jobs.SENSITIVE_REF) == jobs.MINTED_REF:
            return f"(minted at start, valid {value.get('validity') or '24h'})"
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


def tree_lines(change: Change, color: bool) -> list[str]:
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
            out.append(f"{pad}{paint(sym, COLORS.get(sym), color)} {key} {{")
            _block(value, sub, changed, forces, creating, indent + 4, out, color)
            out.append(f"{pad}  }}")
            continue
        fc = changed.get(sub)
        if fc is None:
            continue
        force = paint(" # forces replacement", "31", color) if sub in forces else ""
        if fc.kind == "add":
            line = f"{pad}{paint('+', '32', color)} {key.ljust(width)} = {value_text(fc.after)}"
        elif fc.kind == "remove":
            line = (
                f"{pad}{paint('-', '31', color)} {key.ljust(width)} = "
                f"{value_text(fc.before)} -> null"
            )
        else:
            line = (
                f"{pad}{paint('~', '33', color)} {key.ljust(width)} = "
                f"{value_text(fc.before)} -> {value_text(fc.after)}"
            )
        out.append(line + force)
    if not creating:
        hidden = len([k for k in node if k not in visible])
        if hidden:
            noun = "attribute" if hidden == 1 else "attributes"
            out.append(paint(f"{pad}  # ({hidden} unchanged {noun} hidden)", COLORS["note"], color))


def _is_block(value: Any, path: Path, changed: Mapping[Path, FieldChange]) -> bool:
    return isinstance(value, dict) and not jobs.is_sensitive(value) and path not in changed


def _block_symbol(path: Path, changed: Mapping[Path, FieldChange]) -> str:
    kinds = {c.kind for p, c in changed.items() if p[: len(path)] == path}
    if kinds == {"add"}:
        return "+"
    if kinds == {"remove"}:
        return "-"
    return "~"
