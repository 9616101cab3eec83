"""``snaplint rules``: list every rule (built-in and from plugins)."""

from __future__ import annotations

import argparse
import json
import sys

NAME = "rules"
HELP = "List every rule: ID, code, severity, scope, plugin and summary."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.findings.rule import is_suppressible, summary
    from snaplint.lint.plugins import PluginError, load_rules

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
            "summary": summary(r),
        }
        for r in table
    ]
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        sys.stdout.write(
            f"{r['code']:<7} {r['id']:<{width}} {r['severity']:<7} {r['scope']:<8} {r['plugin']:<10} {r['summary']}\n"
        )
    return 0
