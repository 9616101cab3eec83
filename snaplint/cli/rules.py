"""``snaplint rules``: list every rule (built-in and from plugins).

The text form is a table that fits 100 columns (or a narrower terminal): code, ID, severity,
whether ``--fix`` can fix it, and the one-line summary, wrapped under its column. Scope and
plugin are in ``--json`` and ``snaplint rule ID``; a PLUGIN column appears when a plugin
provides rules. An ID longer than its column pushes the rest of its row right and its summary
to the next line, as argparse does with long option names; on a terminal too narrow for a
summary column, every summary goes under its row.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

NAME = "rules"
HELP = "List every rule: code, ID, severity, fixable, summary (--json: every field)."

MAX_WIDTH = 100
ID_WIDTH = 32  # longer IDs put their summary on the next line
MIN_SUMMARY = 24
GAP = "  "


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.findings.rule import is_fixable, is_suppressible, summary, title
    from snaplint.lint.plugins import BUILTIN_PLUGIN, PluginError, load_rules

    try:
        table = load_rules()
    except PluginError as exc:
        raise UsageError(str(exc)) from exc
    rows = [
        {
            "id": r.ID,
            "code": r.CODE,
            "severity": r.SEVERITY,
            "scope": r.SCOPE,
            "plugin": table.plugin_of[r.ID],
            "suppressible": is_suppressible(r),
            "fixable": is_fixable(r),
            "summary": summary(r),
            "title": title(r),
        }
        for r in table
    ]
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    plugins = any(r["plugin"] != BUILTIN_PLUGIN for r in rows)
    sys.stdout.write("".join(line + "\n" for line in table_lines(rows, _width(), plugins=plugins)))
    return 0


def table_lines(rows: Sequence[dict[str, Any]], width: int, *, plugins: bool = False) -> list[str]:
    """The rules as aligned lines no longer than ``width``."""
    header = ["CODE", "ID", "SEVERITY", "FIX"] + (["PLUGIN"] if plugins else [])
    cells = [
        [r["code"], r["id"], r["severity"], "yes" if r["fixable"] else ""]
        + ([r["plugin"]] if plugins else [])
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    widths[1] = min(widths[1], ID_WIDTH)
    if plugins:
        widths[-1] = min(widths[-1], 16)
    indent = sum(widths) + len(GAP) * len(widths)
    # too narrow for a summary column: each summary goes under its row, from the ID column
    below = width - indent < MIN_SUMMARY
    if below:
        indent = widths[0] + len(GAP)
    room = max(width - indent, MIN_SUMMARY)

    def line(values: Sequence[str], text: str) -> str:
        padded = GAP.join(v.ljust(w) for v, w in zip(values, widths, strict=True))
        return _clip((padded + GAP + text).rstrip(), width)

    out = [line(header, "SUMMARY")]
    for row, values in zip(rows, cells, strict=True):
        summary = textwrap.wrap(row.get("title") or row["summary"], room) or [""]
        fitted = [_clip(v, w) for v, w in zip(values, widths, strict=True)]
        if below and len(values[1]) <= widths[1]:
            out.append(line(fitted, ""))
            out.extend((" " * indent + more).rstrip() for more in summary)
            continue
        if len(values[1]) > widths[1]:
            # a long ID pushes its row's cells right; the summary starts on the next line
            cells_line = GAP.join([values[0].ljust(widths[0]), *(v for v in values[1:] if v)])
            out.append(_clip(cells_line, width))
            out.extend((" " * indent + more).rstrip() for more in summary)
            continue
        out.append(line(fitted, summary[0]))
        out.extend((" " * indent + more).rstrip() for more in summary[1:])
    return out


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _width() -> int:
    """100 columns, or the terminal's width when it is narrower."""
    if sys.stdout.isatty():
        return min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns)
    return MAX_WIDTH
