"""``--format concise``: one line per finding, ``path:line:col: severity rule message``, then the summary.

The text format without source snippets: what a terminal in a narrow CI log or an
editor's problem matcher wants.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TextIO

from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    from snaplint.report import text

    text.render(result, stream, replace(options, show_source=False))
