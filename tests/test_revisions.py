"""Documented API revisions: rules follow the selected one, and only revision-dependent rules do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from snaplint.config import Config
from snaplint.findings.rule import DEFAULT_REVISION, REVISIONS, doc_section
from snaplint.lint.linter import Linter, LintOptions
from snaplint.lint.manifest import load_text
from snaplint.lint.plugins import load_rules
from tests.cases import linter_for, read_case

CASES_DIR = Path(__file__).resolve().parent.parent / "rules"
TABLE = load_rules(autoload=False)

JOB = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
"""


def lint(text: str, revision: str | None) -> set[tuple[str, str]]:
    linter = Linter(Config(), TABLE, LintOptions(revision=revision))
    return {
        (d.rule, d.severity) for d in linter.lint_loaded([("j.yaml", load_text(text))]).diagnostics
    }


# (what changes, the edit, finding under 2020-10, finding under 2026-06)
TABLE_ROWS: list[tuple[str, tuple[str, str], Any, Any]] = [
    (
        "captureInterval 3: 5-3600 in 2020; 2026 docs disagree (5 vs 1)",
        ("captureInterval: 15", "captureInterval: 3"),
        ("capture-interval-below-documented-minimum", "error"),
        ("capture-interval-below-documented-minimum", "warning"),
    ),
    (
        "recording and screenshots in one session: forbidden by the seed, allowed since 2021-09",
        (
            "    snapshotConfig:",
            '    recordingFileConfig:\n      avFileType: ["hls"]\n    snapshotConfig:',
        ),
        ("recording-file-config-with-snapshot", "error"),
        None,
    ),
    (
        "mode raw: Individual Recording v2 exists only in the 2026 docs",
        ("spec:\n", "spec:\n  mode: raw\n"),
        ("snapshot-mode-unsupported", "error"),
        None,
    ),
    (
        "Azure region 2: ignored before 2025-12, 0 since",
        ("vendor: 1\n      region: 0", "vendor: 5\n      region: 2"),
        None,
        ("storage-region-undocumented", "error"),
    ),
    (
        "Baidu region 0: in the 2020-2022 table, gone (unconfirmed) now",
        ("vendor: 1\n      region: 0", "vendor: 8\n      region: 0"),
        None,
        ("storage-region-undocumented", "warning"),
    ),
    (
        "unsubscribeVideoUids: the current reference's spelling",
        ('subscribeVideoUids: ["1001", "1002"]', 'unsubscribeVideoUids: ["1003"]'),
        ("unsubscribe-field-spelling", "warning"),
        None,
    ),
    (
        "unSubscribeVideoUids: the 2020 release notes' spelling",
        ('subscribeVideoUids: ["1001", "1002"]', 'unSubscribeVideoUids: ["1003"]'),
        None,
        ("unsubscribe-field-spelling", "warning"),
    ),
]


@pytest.mark.parametrize(
    ("what", "edit", "seed", "current"), TABLE_ROWS, ids=[r[0] for r in TABLE_ROWS]
)
def test_rules_follow_the_selected_revision(
    what: str, edit: tuple[str, str], seed, current
) -> None:
    text = JOB.replace(*edit)
    assert text != JOB
    assert lint(text, "2020-10") == ({seed} if seed else set()), what
    assert lint(text, "2026-06") == ({current} if current else set()), what


def test_the_base_job_is_clean_under_both_revisions() -> None:
    assert lint(JOB, "2020-10") == set() == lint(JOB, "2026-06")


def test_default_revision_is_the_seed() -> None:
    assert DEFAULT_REVISION == "2020-10" and REVISIONS == ("2020-10", "2026-06")
    assert Config().api_revision == "2020-10"
    text = JOB.replace("captureInterval: 15", "captureInterval: 3")
    assert lint(text, None) == lint(text, "2020-10")


def test_config_selects_the_revision_and_the_cli_overrides_it(cli, tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text(JOB.replace("captureInterval: 15", "captureInterval: 3"))

    def severities(*args: str) -> list[str]:
        _code, out, _err = cli("lint", "--format", "json", *args, "job.yaml", cwd=tmp_path)
        return [d["severity"] for d in json.loads(out)]

    assert severities() == ["error"]
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2026-06"\n')
    assert severities() == ["warning"]
    assert severities("--api-revision", "2020-10") == ["error"]
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2024-01"\n')
    code, _out, err = cli("lint", "job.yaml", cwd=tmp_path)
    assert code == 2 and "api-revision" in err


def test_a_severity_override_beats_the_revision_severity(tmp_path: Path) -> None:
    config = Config(severity={"capture-interval-below-documented-minimum": "info"})
    text = JOB.replace("captureInterval: 15", "captureInterval: 3")
    for revision in REVISIONS:
        linter = Linter(config, TABLE, LintOptions(revision=revision))
        [d] = linter.lint_loaded([("j.yaml", load_text(text))]).diagnostics
        assert d.severity == "info"


CASE_FILES = sorted(p for p in CASES_DIR.glob("*/*") if p.name.startswith(("ok-", "bad-")))


def test_only_revision_dependent_rules_change_with_the_revision() -> None:
    """Lint every case under both revisions: a rule whose findings differ must say in its
    Source section that it is revision-dependent (and name both revisions)."""
    differs: set[str] = set()
    for path in CASE_FILES:
        text = path.read_bytes().decode("utf-8", "replace")
        results = []
        for revision in REVISIONS:
            settings = {**read_case(text).settings, "api-revision": revision}
            linter = linter_for(settings, TABLE)
            diags = linter.lint_files([str(path)]).diagnostics
            results.append({(d.line, d.rule, d.severity) for d in diags})
        differs |= {rule for _line, rule, _sev in results[0] ^ results[1]}
    assert differs, "no rule depends on the revision?"
    for rule_id in differs:
        source = doc_section(TABLE.get(rule_id).__doc__ or "", "Source")
        assert "Revision-dependent" in source, f"{rule_id} changes with the revision"
        assert "`2020-10`" in source and "`2026-06`" in source, rule_id
    declared = {
        r.ID for r in TABLE if "Revision-dependent" in doc_section(r.__doc__ or "", "Source")
    }
    assert declared == differs, "a rule declared revision-dependent has no case showing it"
