"""``--format junit``: JUnit XML (xunit2 family; validated in tests against Jenkins' junit-10.xsd).

* ``<testsuites>`` → one ``<testsuite>`` per linted file (``name`` and ``file``: its path
  relative to the repository root) → one ``<testcase>`` per finding with
  ``classname`` = the rule ID and ``name`` = ``path:line:col rule`` (GitLab drops test
  cases with duplicate names, so a repeated name gets ``#2``, ``#3``…);
* a finding at or above ``--fail-on`` (default ``error``) is a failing case, holding a
  ``<failure type=severity message=…>`` whose text is the located finding;
* a finding below ``--fail-on`` does not fail the run, so it does not fail its case either:
  the case passes and carries the located finding in its ``<system-out>`` (shown by GitLab
  and Jenkins beside the case), so it stays visible without turning the test view red;
* a file without findings gets one passing test case, so totals mean something;
* ``tests`` and ``failures`` of every ``<testsuite>`` and of ``<testsuites>`` count exactly
  those cases: a report has failures if and only if the run's exit code is 1 (``--exit-zero``
  forces exit 0 without changing the report, which still shows what would have failed).

GitLab (``artifacts: reports: junit:``) and Jenkins read this; the report does not set the
job status, snaplint's exit code does, and the two agree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from snaplint.findings.diagnostics import SEVERITY_RANK, Diagnostic, json_path_text
from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions, repo_relative


def _clean(value: str) -> str:
    """Drop characters XML 1.0 cannot carry at all (control characters from binary files)."""
    return "".join(
        ch
        if ch in "\t\n\r"
        or " " <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
        else "?"
        for ch in value
    )


def _text(value: str) -> str:
    return escape(_clean(value))


def _attr(value: object) -> str:
    return quoteattr(_clean(str(value)))


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.diagnostics:
        by_file[d.file].append(d)
    files = list(result.files) + [f for f in by_file if f not in set(result.files)]
    timestamp = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
    threshold = SEVERITY_RANK[options.fail_on]

    def fails(d: Diagnostic) -> bool:
        return SEVERITY_RANK[d.severity] >= threshold

    total = sum(max(1, len(by_file.get(f, []))) for f in files)
    failures = sum(1 for d in result.diagnostics if fails(d))
    w = stream.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(
        f"<testsuites name={_attr('snaplint')} tests={_attr(total)} "
        f"failures={_attr(failures)} errors={_attr(0)} time={_attr('0.000')}>\n"
    )
    for file in files:
        rel = repo_relative(file, options)
        diags = by_file.get(file, [])
        w(
            f"  <testsuite name={_attr(rel)} tests={_attr(max(1, len(diags)))} "
            f"failures={_attr(sum(1 for d in diags if fails(d)))} errors={_attr(0)} "
            f"skipped={_attr(0)} time={_attr('0.000')} timestamp={_attr(timestamp)} "
            f"file={_attr(rel)}>\n"
        )
        if not diags:
            w(
                f"    <testcase classname={_attr('snaplint')} name={_attr(rel)} time={_attr('0.000')}/>\n"
            )
        names: dict[str, int] = {}
        for d in diags:
            name = f"{rel}:{d.line}:{d.column} {d.rule}"
            n = names.get(name, 0) + 1
            names[name] = n
            if n > 1:
                name = f"{name} #{n}"
            body = f"{rel}:{d.line}:{d.column}: {d.severity} {d.rule} {d.message}"
            if d.path:
                body += f"\n(at {json_path_text(d.path)})"
            if fails(d):
                inner = (
                    f"      <failure type={_attr(d.severity)} message={_attr(d.message)}>"
                    f"{_text(body)}</failure>\n"
                )
            else:
                inner = f"      <system-out>{_text(body)}</system-out>\n"
            w(
                f"    <testcase classname={_attr(d.rule)} name={_attr(name)} time={_attr('0.000')}>\n"
                f"{inner}"
                "    </testcase>\n"
            )
        w("  </testsuite>\n")
    w("</testsuites>\n")
