"""``--format text``: ``path:line:col: severity rule message``, the source line with a caret, a summary.

```
examples/broken/interval.yaml:21:24: error capture-interval-out-of-range captureInterval must be …
   |
21 |       captureInterval: 0
   |                        ^
```

A finding that ``--fix`` would fix (it carries a safe fix) is marked ``[*]`` after its rule, as
ruff marks them, and the summary's "N fixable with --fix" counts exactly the marked findings.
Unsafe fixes (``--unsafe-fixes``) are not marked: plain ``--fix`` does not apply them.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from snaplint.findings.diagnostics import Diagnostic
from snaplint.findings.escape import escape
from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    write = stream.write
    color = options.color
    for d in result.diagnostics:
        if options.quiet and d.severity != "error":
            continue
        write(_headline(d, color, options.fix_hint and fixable(d)))
        if options.show_source and not options.quiet:
            source = result.sources.get(d.file)
            if source is not None:
                write(_snippet(_shown_line(source.line(d.line), d), d, color))
    if options.statistics:
        write(statistics(result.diagnostics))
    if not options.quiet or result.count("error"):
        write(summary(result, color, options.fix_hint))


def fixable(d: Diagnostic) -> bool:
    """``--fix`` applies this finding's fix: it has one, and it is safe."""
    return d.fix is not None and d.fix.safe


def _headline(d: Diagnostic, color: bool, mark: bool = False) -> str:
    # file names and messages (which quote keys and values) are input: escaped, never raw
    where = f"{escape(d.file)}:{d.line}:{d.column}:"
    message = escape(d.message)
    fix = " [*]" if mark else ""
    if not color:
        return f"{where} {d.severity} {d.rule}{fix} {message}\n"
    return (
        f"{_BOLD}{where}{_RESET} {_COLORS[d.severity]}{d.severity}{_RESET} "
        f"{_DIM}{d.rule}{_RESET}{fix} {message}\n"
    )


def _shown_line(line: str, d: Diagnostic) -> str:
    """The source line as it may be shown: secret values never reach the terminal or CI logs."""
    from snaplint.redaction import is_secret_key, mask_source_line

    masked = mask_source_line(line)
    if masked == line and d.path and is_secret_key(str(d.path[-1])) and "${env:" not in line:
        # a finding on a secret field whose value the line pattern cannot see: hide the rest
        return line[: max(d.column - 1, 0)] + "***"
    return masked


def _snippet(line: str, d: Diagnostic, color: bool) -> str:
    if not line.strip():
        return ""
    line = line.expandtabs(1)  # columns count a tab as one character
    gutter = str(d.line)
    pad = " " * len(gutter)
    width = 1
    if d.end_line == d.line and d.end_column > d.column:
        width = min(d.end_column - d.column, max(len(line) - d.column + 1, 1))
    caret = "^" * max(width, 1)
    if color:
        caret = f"{_COLORS[d.severity]}{caret}{_RESET}"
    shown = escape(line if len(line) <= 200 else line[:200] + "…")
    indent = len(escape(line[: d.column - 1]))  # the caret stays under the escaped text
    return f"{pad} |\n{gutter} | {shown}\n{pad} | {' ' * indent}{caret}\n"


def statistics(diagnostics: list[Diagnostic]) -> str:
    counts = Counter((d.code, d.rule, d.severity) for d in diagnostics)
    lines = [f"{n:>5}  {code:<7} {rule} ({sev})" for (code, rule, sev), n in counts.most_common()]
    return ("\n".join(lines) + "\n") if lines else ""


def summary(result: LintResult, color: bool, fix_hint: bool = True) -> str:
    files = len(result.files)
    docs = result.document_count
    checked = f"{files} file{'s' if files != 1 else ''}, {docs} document{'s' if docs != 1 else ''} checked"
    if not result.diagnostics:
        text = f"All checks passed ({checked})."
        return f"{_BOLD}{text}{_RESET}\n" if color else text + "\n"
    parts = []
    for severity in ("error", "warning", "info"):
        n = result.count(severity)
        if n:
            parts.append(f"{n} {severity}{'s' if n != 1 and severity != 'info' else ''}")
    affected = len({d.file for d in result.diagnostics})
    text = f"Found {', '.join(parts)} in {affected} file{'s' if affected != 1 else ''} ({checked})."
    marked = sum(1 for d in result.diagnostics if fixable(d))
    if fix_hint and marked:
        text += f" {marked} fixable with --fix."
    if result.skipped_rules:
        n = result.skipped_rules
        text += f" {n} rule{'s' if n != 1 else ''} skipped on documents with type errors."
    return f"{_BOLD}{text}{_RESET}\n" if color else text + "\n"
