"""``--format junit``: parsed by a real XML parser and validated against Jenkins' junit-10.xsd."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests._reports import SECRET_VALUE, make_repo

XSD = Path(__file__).parent / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def junit(cli, project: Path, *paths: str) -> str:
    code, out, err = cli("lint", "--format", "junit", *(paths or ("jobs",)), cwd=project)
    assert code in (0, 1), err
    return out


def test_validates_against_the_junit_schema(cli, tmp_path: Path, schema) -> None:
    out = junit(cli, make_repo(tmp_path))
    schema.validate(out)
    ET.fromstring(out.encode("utf-8"))


def test_one_case_per_finding_and_passing_cases_for_clean_files(cli, tmp_path: Path) -> None:
    import json

    project = make_repo(tmp_path)
    root = ET.fromstring(junit(cli, project).encode("utf-8"))
    _, out, _ = cli("lint", "--format", "json", "jobs", cwd=project)
    findings = json.loads(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {
        "deploy/jobs/bad.yaml",
        "deploy/jobs/good.yaml",
        "deploy/jobs/secret.yaml",
    }
    good = suites["deploy/jobs/good.yaml"]
    [case] = list(good.iter("testcase"))
    assert case.find("failure") is None and good.get("failures") == "0"
    failures = list(root.iter("failure"))
    assert len(failures) == len(findings)
    assert int(root.get("failures")) == len(findings)
    assert int(root.get("tests")) == len(findings) + 1  # + the clean file's passing case
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == len(set(names))  # GitLab drops duplicate names
    bad_cases = list(suites["deploy/jobs/bad.yaml"].iter("testcase"))
    interval = [c for c in bad_cases if c.get("classname") == "capture-interval-out-of-range"]
    [case] = interval
    assert case.get("name") == "deploy/jobs/bad.yaml:16:24 capture-interval-out-of-range"
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message").startswith("captureInterval must be between")


def test_hostile_text_is_escaped(cli, tmp_path: Path, schema) -> None:
    project = make_repo(tmp_path)
    (project / "jobs" / "odd.yaml").write_text(
        (project / "jobs" / "good.yaml")
        .read_text()
        .replace("bucket: shots", 'bucket: shots\n      "<x a=\\"1\\">&]]>\\u0001": 1')
    )
    out = junit(cli, project)
    schema.validate(out)
    assert "<x a=" not in out


def test_no_secret(cli, tmp_path: Path) -> None:
    out = junit(cli, make_repo(tmp_path))
    assert SECRET_VALUE not in out and ">12345<" not in out


def _counts_agree(root: ET.Element) -> None:
    """``tests``/``failures`` of every suite and of the whole report count its test cases."""
    suites = list(root.iter("testsuite"))
    for suite in suites:
        cases = list(suite.iter("testcase"))
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)


def test_findings_below_fail_on_are_passing_cases(cli, tmp_path: Path, schema) -> None:
    from tests._reports import info_only

    project = make_repo(tmp_path)
    (project / "jobs" / "idle.yaml").write_text(info_only("idle"))
    (project / "jobs" / "empty.yaml").write_text("# nothing yet\n")  # empty-file: a warning
    code, out, err = cli(
        "lint", "--format", "junit", "jobs/idle.yaml", "jobs/empty.yaml", cwd=project
    )
    assert code == 0, err  # info and warning do not fail the run by default ...
    schema.validate(out)
    root = ET.fromstring(out.encode("utf-8"))
    assert root.get("failures") == "0"  # ... so the report fails nothing either
    _counts_agree(root)
    cases = {c.get("classname"): c for c in root.iter("testcase")}
    idle = cases["max-idle-time-below-recommendation"]
    assert idle.find("failure") is None
    shown = idle.find("system-out").text
    assert (
        shown.startswith("deploy/jobs/idle.yaml:")
        and " info max-idle-time-below-recommendation " in shown
    )
    assert cases["empty-file"].find("system-out") is not None

    # --fail-on warning: the warning now fails the run and its case, the info finding still passes
    code, out, _ = cli(
        "lint",
        "--format",
        "junit",
        "--fail-on",
        "warning",
        "jobs/idle.yaml",
        "jobs/empty.yaml",
        cwd=project,
    )
    assert code == 1
    schema.validate(out)
    root = ET.fromstring(out.encode("utf-8"))
    _counts_agree(root)
    assert root.get("failures") == "1"
    cases = {c.get("classname"): c for c in root.iter("testcase")}
    assert cases["empty-file"].find("failure").get("type") == "warning"
    assert cases["max-idle-time-below-recommendation"].find("failure") is None

    code, out, _ = cli(
        "lint", "--format", "junit", "--fail-on", "info", "jobs/idle.yaml", cwd=project
    )
    assert code == 1 and ET.fromstring(out.encode("utf-8")).get("failures") == "1"


def test_counts_agree_on_a_mixed_run(cli, tmp_path: Path) -> None:
    from tests._reports import info_only

    project = make_repo(tmp_path)
    (project / "jobs" / "idle.yaml").write_text(info_only("idle"))
    root = ET.fromstring(junit(cli, project).encode("utf-8"))
    _counts_agree(root)
    passing = [c for c in root.iter("testcase") if c.find("failure") is None]
    assert len(passing) == 2  # the clean file's case and the info finding's
