"""``--format text``: ``path:line:col: severity rule message``, the source line with a caret, a summary.

```
examples/broken/interval.yaml:21:24: error capture-interval-out-of-range captureInterval must be …
   |
21 |       captureInterval: 0
   |                        ^
```
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
        write(_headline(d, color))
        if options.show_source and not options.quiet:
            source = result.sources.get(d.file)
            if source is not None:
                write(_snippet(_shown_line(source.line(d.line), d), d, color))
    if options.statistics:
        write(statistics(result.diagnostics))
    if not options.quiet or result.count("error"):
        write(summary(result, color, options.fix_hint))


def _headline(d: Diagnostic, color: bool) -> str:
    # file names and messages (which quote keys and values) are input: escaped, never raw
    where = f"{escape(d.file)}:{d.line}:{d.column}:"
    message = escape(d.message)
    if not color:
        return f"{where} {d.severity} {d.rule} {message}\n"
    return f"{_BOLD}{where}{_RESET} {_COLORS[d.severity]}{d.severity}{_RESET} {_DIM}{d.rule}{_RESET} {message}\n"


def _shown_line(line: str, d: Diagnostic) -> str:
    """The source line as it may be shown: secret values never reach the terminal or CI logs."""
    from snaplint.redaction import SECRET_KEYS, mask_source_line

    if d.path and str(d.path[-1]) in SECRET_KEYS and "${env:" not in line:
        # a finding on a secret field itself: hide everything from its value on
        return line[: max(d.column - 1, 0)] + "***"
    return mask_source_line(line)


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
    fixable = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.safe)
    if fix_hint and fixable:
        text += f" {fixable} fixable with --fix."
    return f"{_BOLD}{text}{_RESET}\n" if color else text + "\n"
