"""``--format json-lines``: one JSON object per finding per line (the ``--format json`` fields).

Streams well into ``jq -c``, log shippers and line-oriented tools; a run without
findings prints nothing. Fields are those of ``--format json`` (see README).
"""

from __future__ import annotations

import json
from typing import TextIO

from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    for d in result.diagnostics:
        # ensure_ascii=False keeps messages readable; a JSON line never contains a raw newline
        stream.write(json.dumps(d.to_dict(), ensure_ascii=False, separators=(",", ":")))
        stream.write("\n")
