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
