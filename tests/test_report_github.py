"""``--format github``: workflow-command escaping, severity order, per-step caps, step summary."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from snaplint.findings.diagnostics import Diagnostic
from snaplint.lint.linter import LintResult
from snaplint.report import ReportOptions
from snaplint.report import github as gh
from tests._reports import SECRET_VALUE, make_repo

COMMAND_RE = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def diag(i: int, severity: str = "error", message: str = "m", file: str = "a.yaml") -> Diagnostic:
    return Diagnostic(file, i, 1, i, 2, f"rule-{severity}", "SNP100", severity, message)  # type: ignore[arg-type]


def render(diagnostics: list[Diagnostic], env: dict[str, str] | None = None, **kw) -> str:
    result = LintResult(diagnostics, {}, [], sorted({d.file for d in diagnostics}) or ["a.yaml"])
    out = io.StringIO()
    gh.render(result, out, ReportOptions(env=env or {}, **kw))
    return out.getvalue()


def annotations(text: str) -> list[re.Match[str]]:
    found = []
    for line in text.splitlines():
        if line.startswith("::stop-commands::"):
            break  # everything after is the plain listing
        m = COMMAND_RE.match(line)
        if m:
            found.append(m)
    return found


def unescape(value: str) -> str:
    # the Actions runner's decoding, in reverse order of the encoding
    return (
        value.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
    )


def test_escaping_follows_the_toolkit_rules() -> None:
    assert gh.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert gh.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    # a message cannot end its command early or start another one
    message = "bad key '::error::pwned'\n::warning file=x::injected, 100%"
    text = render([diag(1, message=message, file="dir,with:odd%name.yaml")])
    [m] = annotations(text)
    assert unescape(m["message"]) == message
    props = dict(p.split("=", 1) for p in m["props"].split(","))
    assert unescape(props["file"]) == "dir,with:odd%name.yaml"
    assert "\n" not in m.group(0)


def test_control_and_bidi_characters_in_a_message_are_escaped_newlines_kept() -> None:
    message = "unknown field 'a\x1b[2Jb\u202ec'\nsecond line\r"
    [m] = annotations(render([diag(1, message=message)]))
    shown = unescape(m["message"])
    assert "\x1b" not in shown and "\u202e" not in shown and "\r" not in shown
    assert shown == "unknown field 'a\\x1b[2Jb\\u202ec'\nsecond line\\r"


def test_sorted_by_severity_then_position() -> None:
    text = render([diag(3, "info"), diag(2, "warning"), diag(5, "error"), diag(1, "error")])
    kinds = [
        (m.group(1), dict(p.split("=", 1) for p in m["props"].split(","))["line"])
        for m in annotations(text)
    ]
    assert kinds == [("error", "1"), ("error", "5"), ("warning", "2"), ("notice", "3")]


def test_caps_per_step_then_one_notice_with_the_count() -> None:
    many = [diag(i, "error") for i in range(1, 16)] + [diag(i, "warning") for i in range(1, 4)]
    many += [diag(i, "info") for i in range(1, 13)]
    text = render(many, env={"GITHUB_STEP_SUMMARY": ""})
    found = annotations(text)
    counts = {k: sum(1 for m in found if m.group(1) == k) for k in ("error", "warning", "notice")}
    # 10 errors, all 3 warnings, 9 notices + the overflow notice (10 notices in all)
    assert counts == {"error": 10, "warning": 3, "notice": 10}
    last = found[-1]
    assert last.group(1) == "notice"
    # hidden: 5 errors + 3 infos (12 - 9 shown)
    assert unescape(last["message"]).startswith("8 more findings not shown as annotations")
    assert "full list printed below" in unescape(last["message"])
    # ... and the full list is in the log, where commands are switched off
    assert text.count("rule-error") >= 15
    token = re.search(r"^::stop-commands::(\w+)$", text, re.M).group(1)
    assert f"\n::{token}::\n" in text


def test_no_overflow_notice_under_the_caps() -> None:
    text = render([diag(i, "info") for i in range(1, 11)])
    found = annotations(text)
    assert len(found) == 10 and all("more finding" not in m["message"] for m in found)


def test_step_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    diags = [diag(i, "error", message="a | b <script>") for i in range(1, 13)]
    text = render(diags, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert "see the job summary and the full list" in unescape(annotations(text)[-1]["message"])
    md = summary.read_text()
    assert md.startswith("previous step\n## snaplint")
    assert "| 12 | 0 | 0 | 1 |" in md
    assert md.count("a \\| b &lt;script&gt;") == 12  # table-safe, no HTML from manifests


def test_cli_auto_selects_github_under_actions(cli, tmp_path: Path, monkeypatch) -> None:
    project = make_repo(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code, out, _ = cli("lint", "jobs", cwd=project)
    assert code == 1
    assert out.startswith("::error file=deploy/jobs/bad.yaml,line=")  # repository-relative
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    code, out, _ = cli("lint", "jobs", cwd=project)
    assert not out.startswith("::")


def test_cli_github_with_summary_and_no_secret(cli, tmp_path: Path, monkeypatch) -> None:
    project = make_repo(tmp_path)
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = cli("lint", "--format", "github", "jobs", cwd=project)
    assert code == 1
    assert SECRET_VALUE not in out and SECRET_VALUE not in summary.read_text()
    assert "deploy/jobs/bad.yaml" in summary.read_text()


@pytest.mark.parametrize(
    "severity,command", [("error", "error"), ("warning", "warning"), ("info", "notice")]
)
def test_severity_maps_to_command(severity: str, command: str) -> None:
    [m] = annotations(render([diag(1, severity)]))
    assert m.group(1) == command
