"""``--format github``: GitHub Actions workflow commands (annotations on the pull request).

Chosen automatically when ``GITHUB_ACTIONS=true`` and standard output is not a terminal.

* One ``::error``/``::warning``/``::notice`` command per finding with ``file`` (relative
  to the repository root), ``line``, ``endLine``, ``col``, ``endColumn`` and a ``title``
  naming the rule. Values are escaped as the Actions toolkit does: in the message
  ``%``, CR and LF; in properties also ``:`` and ``,`` — so no finding can break out of
  its command or inject another.
* GitHub keeps at most 10 error, 10 warning and 10 notice annotations per step (50 per
  job) and drops the rest silently. Findings are sorted by severity, at most the cap of
  each kind is emitted, and when any are left out one last notice says how many and where
  to see them: the step summary (written when ``GITHUB_STEP_SUMMARY`` is set) and the full
  list printed in this step's log, between ``::stop-commands::`` markers so that file
  contents in messages are never interpreted as commands.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import TextIO

from snaplint.findings.diagnostics import SEVERITY_RANK, Diagnostic
from snaplint.findings.escape import escape
from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions, repo_relative, severity_counts

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
# Annotations GitHub keeps per step, per command (the rest are dropped without a word).
STEP_CAP = 10
SUMMARY_ROWS = 1000  # the step summary is capped at 1 MiB; keep well under it


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return (
        f"::{name} {props}::{escape_data(message)}"
        if props
        else f"::{name}::{escape_data(message)}"
    )


def ordered(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Most severe first; within a severity, by file and position."""
    return sorted(diagnostics, key=lambda d: (-SEVERITY_RANK[d.severity], *d.sort_key()))


def select(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], int]:
    """The findings to annotate (per-command caps; one notice slot kept for the overflow note)."""
    by_kind: dict[str, list[Diagnostic]] = {"error": [], "warning": [], "info": []}
    for d in ordered(diagnostics):
        by_kind[d.severity].append(d)
    hidden = sum(max(0, len(v) - STEP_CAP) for v in by_kind.values())
    if hidden and len(by_kind["info"]) >= STEP_CAP:
        hidden += 1  # the overflow notice takes one of the 10 notice slots
    caps = {"error": STEP_CAP, "warning": STEP_CAP, "info": STEP_CAP - (1 if hidden else 0)}
    shown = [d for kind, ds in by_kind.items() for d in ds[: caps[kind]]]
    return shown, hidden


def annotation(d: Diagnostic, options: ReportOptions) -> str:
    props: dict[str, object] = {
        "file": escape(repo_relative(d.file, options)),
        "line": d.line,
        "endLine": max(d.end_line, d.line),
        "col": d.column,
    }
    if d.end_line == d.line and d.end_column > d.column:
        props["endColumn"] = d.end_column
    props["title"] = f"{d.rule} ({d.code})" if d.code else d.rule
    # the toolkit's escaping (%0A, %25) keeps a message in its command; every other control,
    # bidi or undecodable character is escaped line by line, so a multi-line message stays
    # multi-line in the annotation but an ESC or a bidi override in a key never reaches it
    message = "\n".join(escape(line) for line in d.message.split("\n"))
    return command(COMMAND[d.severity], props, message)


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    from snaplint.report.text import summary

    env = options.env if options.env is not None else os.environ
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    shown, hidden = select(result.diagnostics)
    for d in shown:
        stream.write(annotation(d, options) + "\n")
    if hidden:
        where = ["the full list printed below in this step's log"]
        if summary_path:
            where.insert(0, "the job summary")
        stream.write(
            command(
                "notice",
                {"title": "snaplint: more findings"},
                f"{hidden} more finding{'s' if hidden != 1 else ''} not shown as annotations "
                f"(GitHub shows at most {STEP_CAP} errors, {STEP_CAP} warnings and {STEP_CAP} "
                f"notices per step); see {' and '.join(where)}.",
            )
            + "\n"
        )
    if result.diagnostics:
        _full_listing(result, stream, options)
    stream.write(summary(result, False, options.fix_hint))
    if summary_path:
        _step_summary(result, summary_path, options, hidden)


def _full_listing(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    # Inside stop-commands, "::" in a message is printed, never executed.
    token = secrets.token_hex(16)
    stream.write(f"::group::snaplint: all {len(result.diagnostics)} findings\n")
    stream.write(f"::stop-commands::{token}\n")
    for d in ordered(result.diagnostics):
        where = f"{escape(repo_relative(d.file, options))}:{d.line}:{d.column}:"
        message = escape(d.message)
        stream.write(f"{where} {d.severity} {d.rule} {message}\n")
    stream.write(f"::{token}::\n")
    stream.write("::endgroup::\n")


def _md(text: str) -> str:
    """Table-cell safe Markdown: no pipes, newlines or HTML from manifest content."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _step_summary(result: LintResult, path: str, options: ReportOptions, hidden: int) -> None:
    counts = severity_counts(result.diagnostics)
    files = len(result.files)
    lines = ["## snaplint", ""]
    if not result.diagnostics:
        lines.append(f"All checks passed ({files} file{'s' if files != 1 else ''} checked).")
    else:
        lines += [
            "| errors | warnings | info | files checked |",
            "| ---: | ---: | ---: | ---: |",
            f"| {counts['error']} | {counts['warning']} | {counts['info']} | {files} |",
            "",
        ]
        if hidden:
            lines += [
                f"{hidden} of these are not shown as annotations (GitHub's per-step caps).",
                "",
            ]
        lines += ["| location | severity | rule | message |", "| --- | --- | --- | --- |"]
        ordered_diags = ordered(result.diagnostics)
        for d in ordered_diags[:SUMMARY_ROWS]:
            where = f"{escape(repo_relative(d.file, options))}:{d.line}:{d.column}"
            message = escape(d.message)
            lines.append(f"| `{_md(where)}` | {d.severity} | `{_md(d.rule)}` | {_md(message)} |")
        if len(ordered_diags) > SUMMARY_ROWS:
            rest = len(ordered_diags) - SUMMARY_ROWS
            lines += ["", f"… and {rest} more: see the step log or the SARIF report."]
    # append: other steps' summaries in the same file must survive
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
