"""``snaplint lint --add-noqa --reason TEXT [--until DATE]``: adopt snaplint on an existing tree.

Every current finding that may be suppressed gets a trailing suppression comment on its line
(``# snaplint: ignore[RULE, …] reason="…" until=…``, the syntax of
:mod:`snaplint.lint.suppressions`), so a team can turn the hook on today and fix the findings
over time. Findings of rules that cannot be suppressed (a committed secret) are left and
reported, as are those of files that cannot take a comment (JSON, stdin). Only the flagged
lines change, by an appended comment (or by more rule IDs in the suppression already on the
line); every other byte stays. A second run adds nothing: the findings are suppressed by then.
A file whose new text would parse differently, or not suppress what it should, is left as it
was.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from snaplint.findings.diagnostics import Diagnostic
from snaplint.findings.rule import is_suppressible
from snaplint.lint import suppressions
from snaplint.lint.fix import LOAD_RULES, _original_text, _write

# findings about suppression comments themselves: another comment cannot settle them
HOUSEKEEPING = frozenset(
    {
        suppressions.UNUSED,
        suppressions.MISSING_REASON,
        suppressions.EXPIRED,
        suppressions.INVALID,
    }
)
_IGNORE = re.compile(r"(#\s*snaplint:\s*ignore\[)([^\]]*)(\])")
_EOL = re.compile(r"(\r\n|\r|\n)?$")


class NoqaError(ValueError):
    """A bad ``--reason`` or ``--until``: a usage error."""


@dataclass
class NoqaOutcome:
    added: int = 0  # findings newly suppressed
    files: list[str] = field(default_factory=list)  # display paths of the files changed
    left: list[Diagnostic] = field(default_factory=list)  # findings that stay (cannot be)


def comment(rules: Sequence[str], reason: str, until: date | None) -> str:
    """The suppression comment for ``rules``; the reason quoted so the parser reads it back."""
    if not reason.strip():
        raise NoqaError("--add-noqa needs a reason: --reason TEXT")
    if "\n" in reason or "\r" in reason:
        raise NoqaError("--reason must be one line")
    quoted = f"'{reason}'" if '"' in reason and "'" not in reason else f'"{_escape(reason)}"'
    text = f"# snaplint: ignore[{', '.join(rules)}] reason={quoted}"
    return text + (f" until={until.isoformat()}" if until else "")


def _escape(reason: str) -> str:
    return reason.replace("\\", "\\\\").replace('"', '\\"')


def parse_until(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NoqaError(f"--until must be a date YYYY-MM-DD (got {text!r})") from None


def suppressible(linter: Any, diag: Diagnostic) -> bool:
    rule = linter.table.rules.get(diag.rule)
    if rule is None or diag.rule in HOUSEKEEPING or diag.rule in LOAD_RULES:
        return False
    return diag.rule in linter.suppressible_override or is_suppressible(rule)


def annotate(text: str, by_line: dict[int, list[str]], reason: str, until: date | None) -> str:
    """``text`` with a suppression of ``by_line[n]`` (rule IDs) on each line ``n``."""
    lines = text.splitlines(keepends=True)
    for number, rules in by_line.items():
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        eol = _EOL.search(line).group(0)  # type: ignore[union-attr]
        body = line[: len(line) - len(eol)]
        existing = _IGNORE.search(body) if "snaplint:" in body else None
        if existing is not None:  # one suppression per line: add the rules to it
            written = [r.strip() for r in existing.group(2).split(",") if r.strip()]
            merged = written + [r for r in rules if r not in written]
            body = body[: existing.start(2)] + ", ".join(merged) + body[existing.end(2) :]
        else:
            body = body.rstrip(" \t") + "  " + comment(rules, reason, until)
        lines[number - 1] = body + eol
    return "".join(lines)


def add_noqa(
    linter: Any, files: Sequence[str], reason: str, until: date | None
) -> tuple[Any, NoqaOutcome]:
    """Suppress every suppressible finding of ``files``; (the result after, what was done)."""
    from snaplint.lint.manifest import load_text

    comment(["x"], reason, until)  # a bad reason is a usage error before any file changes
    result = linter.lint_files(list(files))
    outcome = NoqaOutcome()
    by_file: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_file.setdefault(d.file, []).append(d)
    for display, diags in by_file.items():
        source = result.sources.get(display)
        todo = [d for d in diags if suppressible(linter, d) and d.line >= 1]
        text = _original_text(source.path, source.text) if source is not None else None
        if not todo or source is None or source.path == "-" or text is None or _is_json(text):
            outcome.left.extend(diags)
            continue
        by_line: dict[int, list[str]] = {}
        for d in todo:
            rules = by_line.setdefault(d.line, [])
            if d.rule not in rules:
                rules.append(d.rule)
        new = annotate(text, by_line, reason, until)
        loaded = load_text(new.removeprefix("\ufeff"), display)
        loaded.source.path = source.path
        after = linter.lint_loaded([(source.path, loaded)]).diagnostics
        wanted = {(d.line, d.rule) for d in todo}
        if any((d.line, d.rule) in wanted or d.rule in LOAD_RULES for d in after):
            outcome.left.extend(diags)  # the comments would change what the file says
            continue
        _write(source.path, new)
        outcome.added += len(todo)
        outcome.files.append(display)
        outcome.left.extend(d for d in diags if d not in todo)
    return linter.lint_files(list(files)), outcome


def _is_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")  # JSON has no comments


def run_add_noqa(args: Any, linter: Any, files: Sequence[str]) -> Any:
    """The CLI's ``--add-noqa``: suppress, say what was done on stderr, return the new result
    (:class:`NoqaError` for a usage error, before any file changes)."""
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        raise NoqaError(
            "--add-noqa cannot be combined with --fix or --diff: fix first, then run it"
        )
    if "-" in files:
        raise NoqaError("--add-noqa writes files: it cannot read stdin")
    until = parse_until(getattr(args, "until", None))
    result, outcome = add_noqa(linter, files, args.reason or "", until)
    n, f = outcome.added, len(outcome.files)
    print(
        f"snaplint: added suppressions for {n} finding{'s' if n != 1 else ''} in {f} "
        f"file{'s' if f != 1 else ''}",
        file=sys.stderr,
    )
    if outcome.left:
        rules = sorted({d.rule for d in outcome.left})
        print(
            f"snaplint: {len(outcome.left)} finding{'s' if len(outcome.left) != 1 else ''} "
            f"cannot be suppressed this way ({', '.join(rules)}): fix them",
            file=sys.stderr,
        )
    return result
