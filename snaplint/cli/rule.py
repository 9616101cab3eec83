"""``snaplint rule ID``: print a rule's documentation."""

from __future__ import annotations

import argparse
import inspect
import sys

NAME = "rule"
HELP = "Print a rule's documentation (by ID or code)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "rule", metavar="RULE", help="rule ID (e.g. duplicate-key) or code (e.g. SNP002)"
    )


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.lint.plugins import PluginError, load_rules
    from snaplint.lint.schema import suggest

    try:
        table = load_rules()
    except PluginError as exc:
        raise UsageError(str(exc)) from exc
    rule = table.get(args.rule)
    if rule is None:
        hint = suggest(args.rule, list(table.rules))
        raise UsageError(
            f"unknown rule {args.rule!r}" + (f"; did you mean {hint!r}?" if hint else "")
        )
    sys.stdout.write(render(rule, table.plugin_of[rule.ID]))
    return 0


def render(rule: object, plugin: str) -> str:
    from snaplint.findings.rule import is_suppressible

    doc = inspect.cleandoc(rule.__doc__ or "(no documentation)")
    head = (
        f"# {rule.ID} ({rule.CODE})\n\n"  # type: ignore[attr-defined]
        f"Severity: {rule.SEVERITY} · Scope: {rule.SCOPE} · Plugin: {plugin}"  # type: ignore[attr-defined]
        f"{'' if is_suppressible(rule) else ' · Not suppressible'}\n\n"
    )
    return head + doc + "\n"
