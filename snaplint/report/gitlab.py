"""``--format gitlab``: GitLab Code Quality report (``artifacts: reports: codequality:``).

A JSON array (no byte-order mark, which GitLab rejects) of Code Climate issues with the
fields GitLab requires: ``description``, ``check_name``, ``fingerprint``, ``severity`` and
``location.path`` (relative to the repository root) with ``location.lines.begin``; plus
``categories`` and ``content.body`` (the rule's summary) for the widget.

The merge-request widget merges issues that share a fingerprint, so each finding's
fingerprint is unique within the report and stable across runs and line shifts: an MD5
of the shared finding identity (rule, path, job, JSON path, occurrence).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions, fingerprints, repo_relative

# Code Climate severities: info, minor, major, critical, blocker
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(to_codequality(result, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_codequality(result: LintResult, options: ReportOptions) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    for d, fp in zip(result.diagnostics, fingerprints(result, options), strict=True):
        issue: dict[str, Any] = {
            "type": "issue",
            "description": d.message,
            "check_name": d.rule,
            "fingerprint": hashlib.md5(fp.encode("ascii"), usedforsecurity=False).hexdigest(),
            "severity": SEVERITY[d.severity],
            "categories": ["Bug Risk"],
            "location": {
                "path": repo_relative(d.file, options),
                # Code Climate allows lines or positions, not both; GitLab reads lines.begin
                "lines": {"begin": d.line, "end": max(d.end_line, d.line)},
            },
        }
        rule = options.rules.get(d.rule)
        if rule is not None:
            from snaplint.findings.rule import summary

            body = summary(rule)
            if body:
                issue["content"] = {"body": body}
        issues.append(issue)
    return issues
