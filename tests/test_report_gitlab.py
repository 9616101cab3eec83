"""``--format gitlab``: Code Quality issues with GitLab's required fields and unique fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from tests._reports import SECRET_VALUE, make_repo

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
# Code Climate's categories
CATEGORIES = {
    "Bug Risk",
    "Clarity",
    "Compatibility",
    "Complexity",
    "Duplication",
    "Performance",
    "Security",
    "Style",
}


def report(cli, project: Path, *paths: str) -> tuple[list[dict], str]:
    code, out, err = cli("lint", "--format", "gitlab", *(paths or ("jobs",)), cwd=project)
    assert code in (0, 1), err
    return json.loads(out), out


def assert_valid(issues: list[dict], raw: str) -> None:
    """What GitLab requires of a Code Quality report (its documented required fields)."""
    assert not raw.startswith("\ufeff")  # GitLab rejects a byte-order mark
    assert isinstance(issues, list) and issues
    for issue in issues:
        for key in ("description", "check_name", "fingerprint", "severity"):
            assert isinstance(issue[key], str) and issue[key], key
        assert issue["severity"] in SEVERITIES
        assert issue["location"]["path"].startswith("deploy/jobs/")  # repository-relative
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert "positions" not in issue["location"]  # Code Climate: lines or positions
        assert issue["categories"] and set(issue["categories"]) <= CATEGORIES


def test_required_fields(cli, tmp_path: Path) -> None:
    issues, raw = report(cli, make_repo(tmp_path))
    assert_valid(issues, raw)


def test_severity_follows_the_rule_kind_and_severity(cli, tmp_path: Path) -> None:
    from tests._reports import info_only, leaked

    project = make_repo(tmp_path)
    (project / "jobs" / "idle.yaml").write_text(info_only("idle"))
    (project / "jobs" / "leak.yaml").write_text(leaked("leak"))
    (project / "jobs" / "empty.yaml").write_text("# nothing yet\n")
    issues, raw = report(cli, project)
    assert_valid(issues, raw)
    graded = {(i["check_name"], i["severity"]) for i in issues}
    assert {
        ("literal-secret", "critical"),  # a committed credential, not one more "major"
        ("capture-interval-out-of-range", "major"),
        ("empty-file", "minor"),
        ("max-idle-time-below-recommendation", "info"),
    } <= graded
    [leak] = [
        i
        for i in issues
        if i["check_name"] == "literal-secret" and i["location"]["path"].endswith("leak.yaml")
    ]
    assert leak["categories"] == ["Security"]
    assert SECRET_VALUE not in raw
    # security stays critical whatever severity the config gives the rule
    (project / ".snaplint.yaml").write_text(
        'api-revision: "2020-10"\nseverity:\n  literal-secret: warning\n'
    )
    issues, _ = report(cli, project, "jobs/leak.yaml")
    assert [(i["check_name"], i["severity"]) for i in issues] == [("literal-secret", "critical")]


def test_fingerprints_unique_per_finding_and_stable(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    # two findings of the same rule in one file must not collapse into one widget entry
    bad = project / "jobs" / "bad.yaml"
    bad.write_text(
        bad.read_text()
        .replace('subscribeVideoUids: ["1001"]', "subscribeVideoUids: 1001")
        .replace("maxIdleTime: 300", 'maxIdleTime: "300"')
    )
    issues, _ = report(cli, project)
    prints = [i["fingerprint"] for i in issues]
    assert len(prints) == len(set(prints))
    rules = [i["check_name"] for i in issues]
    assert rules.count("wrong-type") >= 2
    again, _ = report(cli, project)
    assert [i["fingerprint"] for i in again] == prints


def test_clean_run_is_an_empty_array(cli, tmp_path: Path) -> None:
    issues, _ = report(cli, make_repo(tmp_path), "jobs/good.yaml")
    assert issues == []


def test_no_secret(cli, tmp_path: Path) -> None:
    _, raw = report(cli, make_repo(tmp_path))
    assert SECRET_VALUE not in raw and "12345" not in raw
