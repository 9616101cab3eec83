"""``--format json``: a JSON array of findings, one object each (documented in README).

Fields: file, line, column, end_line, end_column (one past the last character),
rule, code, severity, message, path (JSON path inside the document: keys and
indexes), document (0-based index in the file), fixable. New fields may be
added; existing ones keep their meaning.
"""

from __future__ import annotations

import json
from typing import TextIO

from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump([d.to_dict() for d in result.diagnostics], stream, indent=2, ensure_ascii=False)
    stream.write("\n")
