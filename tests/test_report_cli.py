"""Several reports in one run, ``--output-file``, ``--statistics``, concise and json-lines, secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snaplint.report import REPORTERS
from tests._reports import CLEAN as CLEAN_TEMPLATE
from tests._reports import SECRET_KEY_VALUE, SECRET_VALUE, make_repo


def test_several_formats_in_one_run(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    code, out, err = cli(
        "lint",
        "--format",
        "concise",
        "--format",
        "sarif:reports/snaplint.sarif",
        "--format",
        "junit:reports/junit.xml",
        "--format",
        "gitlab:gl-code-quality-report.json",
        "jobs",
        cwd=project,
    )
    assert code == 1, err
    assert out.splitlines()[0].startswith("jobs/bad.yaml:")  # concise on stdout
    sarif = json.loads((project / "reports" / "snaplint.sarif").read_text())
    gitlab = json.loads((project / "gl-code-quality-report.json").read_text())
    junit = (project / "reports" / "junit.xml").read_text()
    n = len(out.splitlines()) - 1  # minus the summary line
    assert len(sarif["runs"][0]["results"]) == len(gitlab) == junit.count("<failure") == n
    assert "\x1b[" not in junit  # files never get colour


def test_output_file_pairs_with_the_plain_format(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    code, out, _ = cli("lint", "--format", "json", "-o", "out/findings.json", "jobs", cwd=project)
    assert code == 1 and out == ""
    assert json.loads((project / "out" / "findings.json").read_text())


@pytest.mark.parametrize(
    "args,message",
    [
        (["--format", "text", "--format", "json"], "only one report can go to standard output"),
        (["--format", "sarif:a.sarif", "-o", "b.txt"], "already has its own file"),
        (["--format", "sarif:a.out", "--format", "junit:a.out"], "same file"),
    ],
)
def test_output_usage_errors(cli, tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = cli("lint", *args, "jobs", cwd=make_repo(tmp_path))
    assert code == 2 and message in err


def test_unknown_format_is_a_usage_error(cli, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("lint", "--format", "xml", "jobs", cwd=make_repo(tmp_path))
    assert exc.value.code == 2


def test_statistics(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    _, out, _ = cli("lint", "--format", "concise", "--statistics", "jobs", cwd=project)
    assert "capture-interval-out-of-range" in out and "SNP" in out
    # machine formats keep stdout parseable: the table goes to stderr
    _, out, err = cli("lint", "--format", "json", "--statistics", "jobs", cwd=project)
    json.loads(out)
    assert "capture-interval-out-of-range (error)" in err


def test_json_lines(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    _, out, _ = cli("lint", "--format", "json-lines", "jobs", cwd=project)
    _, whole, _ = cli("lint", "--format", "json", "jobs", cwd=project)
    assert [json.loads(line) for line in out.splitlines()] == json.loads(whole)
    _, clean, _ = cli("lint", "--format", "json-lines", "jobs/good.yaml", cwd=project)
    assert clean == ""


def test_exit_zero_and_fail_on(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    assert cli("lint", "--format", "concise", "--exit-zero", "jobs", cwd=project)[0] == 0
    assert (
        cli("lint", "--format", "concise", "--fail-on", "info", "jobs/good.yaml", cwd=project)[0]
        == 0
    )


@pytest.mark.parametrize("fmt", sorted(set(REPORTERS) - {"text"}))
def test_no_format_prints_a_secret(cli, tmp_path: Path, fmt: str) -> None:
    project = make_repo(tmp_path)
    code, out, err = cli("lint", "--format", f"{fmt}:report.out", "jobs/secret.yaml", cwd=project)
    assert code == 1, err
    report = (project / "report.out").read_text()
    assert "wrong-type" in report  # the finding on the secret field is reported ...
    for secret in (SECRET_VALUE, "12345", SECRET_KEY_VALUE):
        assert secret not in report + out + err, fmt  # ... without its value


FIXABLE = (
    CLEAN_TEMPLATE.format(name="typos")
    .replace("captureInterval: 15", "captureIntervall: 15")  # unknown-field, safe rename
    .replace("      subscribeUidGroup: 0\n", "")  # subscribe-uid-group-missing, safe set
    .replace("${env:AWS_ACCESS_KEY_ID}", SECRET_VALUE)  # literal-secret: an unsafe fix only
)
WRONG_TYPE = CLEAN_TEMPLATE.format(name="typed").replace('uid: "910001"', "uid: 910002")


def _summary_fixable(out: str) -> int:
    import re

    m = re.search(r"(\d+) fixable with --fix\.", out.splitlines()[-1])
    return int(m.group(1)) if m else 0


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_fixable_findings_are_marked_and_counted(cli, tmp_path: Path, fmt: str) -> None:
    import re

    project = make_repo(tmp_path)
    (project / "jobs" / "typos.yaml").write_text(FIXABLE)
    (project / "jobs" / "typed.yaml").write_text(WRONG_TYPE)
    files = ("jobs/typos.yaml", "jobs/typed.yaml")
    _, out, _ = cli("lint", "--format", fmt, "--no-cache", *files, cwd=project)
    headlines = [line for line in out.splitlines() if re.match(r"jobs/\S+:\d+:\d+: ", line)]
    marked = {line.split()[2] for line in headlines if " [*] " in line}
    assert marked == {"unknown-field", "subscribe-uid-group-missing", "wrong-type"}
    [secret] = [line for line in headlines if " literal-secret " in line]
    assert "[*]" not in secret  # its fix is unsafe: plain --fix does not apply it
    assert re.search(
        r"^jobs/typos\.yaml:\d+:\d+: error unknown-field \[\*\] unknown field", out, re.M
    )
    count = _summary_fixable(out)
    assert count == sum(" [*] " in line for line in headlines) == 3

    # --fix applies exactly what was counted: those findings are gone, the rest stay
    code, out, err = cli("lint", "--format", fmt, "--fix", *files, cwd=project)
    assert code == 1 and f"fixed {count} findings" in err  # the literal secret still fails
    _, again, _ = cli("lint", "--format", "json", "--no-cache", *files, cwd=project)
    assert sorted(d["rule"] for d in json.loads(again)) == ["literal-secret"]
    assert "[*]" not in out and _summary_fixable(out) == 0


def test_colour_keeps_the_mark() -> None:
    import io

    from snaplint.findings.result import LintResult
    from snaplint.lint.linter import lint_text
    from snaplint.report import ReportOptions
    from snaplint.report.text import render

    diags = lint_text(FIXABLE, filename="typos.yaml")
    stream = io.StringIO()
    render(LintResult(diags, {}, [], ["typos.yaml"]), stream, ReportOptions(color=True))
    coloured = stream.getvalue()
    assert "\x1b[" in coloured
    assert coloured.count(" [*] ") == 2 == sum(1 for d in diags if d.fix and d.fix.safe)
