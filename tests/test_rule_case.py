"""Rule IDs and codes are matched without regard to case, wherever they are written."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from snaplint.lint.plugins import PluginError, RuleTable
from tests.test_cli_lint import BAD_INTERVAL, CLEAN

RULE = "capture-interval-out-of-range"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "bad.yaml").write_text(BAD_INTERVAL)
    return tmp_path


@pytest.fixture
def code(rule_table) -> str:
    return rule_table.rules[RULE].CODE


def test_rule_command_takes_codes_and_ids_in_any_case(cli) -> None:
    code, out, _ = cli("rule", "snp204")
    assert code == 0 and out.startswith("# subscribe-audio-without-video (SNP204)")
    code, out, _ = cli("rule", "Duplicate-KEY")
    assert code == 0 and out.startswith("# duplicate-key (SNP002)")


def test_select_and_ignore_on_the_command_line(cli, project: Path, code: str) -> None:
    assert cli("lint", "--no-cache", "--ignore", code.lower(), "jobs", cwd=project)[0] == 0
    assert cli("lint", "--no-cache", "--ignore", RULE.upper(), "jobs", cwd=project)[0] == 0
    assert cli("lint", "--no-cache", "--select", "snp0", "jobs", cwd=project)[0] == 0
    assert cli("lint", "--no-cache", "--select", code[:4].lower(), "jobs", cwd=project)[0] == 1
    assert cli("lint", "--no-cache", "--select", "all", "jobs", cwd=project)[0] == 1


@pytest.mark.parametrize(
    "config",
    [
        "ignore: [{code}]\n",
        "select: [snp0, Snp9]\n",
        "per-file-ignores: {{'jobs/bad.yaml': [{code}]}}\n",
        "severity: {{{code}: info}}\n",
    ],
)
def test_config_selectors_and_overrides(cli, project: Path, code: str, config: str) -> None:
    (project / ".snaplint.yaml").write_text(config.format(code=code.lower()))
    result, out, err = cli("lint", "--no-cache", "jobs", cwd=project)
    assert result == 0, out + err


def test_per_rule_options_by_code_in_any_case(cli, tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text(CLEAN)  # maxIdleTime: 300
    (tmp_path / ".snaplint.yaml").write_text("rules:\n  snp224: {recommended: 600}\n")
    _, out, _ = cli("lint", "--no-cache", "job.yaml", cwd=tmp_path)
    assert "max-idle-time-below-recommendation" in out, out
    (tmp_path / ".snaplint.yaml").write_text(
        "rules:\n  MAX-IDLE-TIME-BELOW-RECOMMENDATION: {recommended: 600}\n"
    )
    assert "max-idle-time-below-recommendation" in cli("lint", "--no-cache", "job.yaml")[1]


def test_suppression_comments(cli, tmp_path: Path, code: str) -> None:
    for written in (code.lower(), RULE.upper()):
        (tmp_path / "job.yaml").write_text(
            BAD_INTERVAL.replace(
                "captureInterval: 0",
                f'captureInterval: 0  # snaplint: ignore[{written}] reason="x"',
            )
        )
        result, out, _ = cli("lint", "--no-cache", "job.yaml", cwd=tmp_path)
        assert result == 0 and "All checks passed" in out, out


def test_ids_or_codes_that_differ_only_in_case_conflict() -> None:
    def rule(rid: str, code: str) -> SimpleNamespace:
        return SimpleNamespace(ID=rid, CODE=code, SEVERITY="error", SCOPE="manifest")

    table = RuleTable()
    table.add(rule("acme-rule", "ACME001"), "a")
    with pytest.raises(PluginError, match="differ only in case"):
        table.add(rule("ACME-rule", "ACME002"), "b")
    with pytest.raises(PluginError, match="differ only in case"):
        table.add(rule("other", "acme001"), "b")
    assert table.resolve("acme001") == table.resolve("Acme-Rule") == "acme-rule"
    assert table.resolve("acme00") is None and table.get("nope") is None
