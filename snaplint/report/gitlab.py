"""``--format gitlab``: GitLab Code Quality report (``artifacts: reports: codequality:``).

A JSON array (no byte-order mark, which GitLab rejects) of Code Climate issues with the
fields GitLab requires: ``description``, ``check_name``, ``fingerprint``, ``severity`` and
``location.path`` (relative to the repository root) with ``location.lines.begin``; plus
``categories`` and ``content.body`` (the rule's summary) for the widget.

Severity follows the rule's kind and the finding's severity: a security finding (a rule that
cannot be suppressed, such as ``literal-secret``: a committed credential) is ``critical``
whatever its configured severity, in category ``Security``; otherwise ``error`` → ``major``,
``warning`` → ``minor``, ``info`` → ``info``.

The merge-request widget merges issues that share a fingerprint, so each finding's
fingerprint is unique within the report and stable across runs and line shifts: an MD5
of the shared finding identity (rule, path, job, JSON path, occurrence).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions, fingerprints, is_security, repo_relative

# Code Climate severities: info, minor, major, critical, blocker
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
SECURITY_SEVERITY = "critical"


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(to_codequality(result, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_codequality(result: LintResult, options: ReportOptions) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    for d, fp in zip(result.diagnostics, fingerprints(result, options), strict=True):
        rule = options.rules.get(d.rule)
        security = rule is not None and is_security(rule)
        issue: dict[str, Any] = {
            "type": "issue",
            "description": d.message,
            "check_name": d.rule,
            "fingerprint": hashlib.md5(fp.encode("ascii"), usedforsecurity=False).hexdigest(),
            "severity": SECURITY_SEVERITY if security else SEVERITY[d.severity],
            "categories": ["Security" if security else "Bug Risk"],
            "location": {
                "path": repo_relative(d.file, options),
                # Code Climate allows lines or positions, not both; GitLab reads lines.begin
                "lines": {"begin": d.line, "end": max(d.end_line, d.line)},
            },
        }
        if rule is not None:
            from snaplint.findings.rule import summary

            body = summary(rule)
            if body:
                issue["content"] = {"body": body}
        issues.append(issue)
    return issues
