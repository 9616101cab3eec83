"""``--format sarif``: valid against the OASIS SARIF 2.1.0 schema; what code scanning relies on."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests._reports import SECRET_VALUE, make_repo

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def sarif(cli, project: Path, *paths: str) -> dict:
    code, out, err = cli("lint", "--format", "sarif", *(paths or ("jobs",)), cwd=project)
    assert code in (0, 1), err
    return json.loads(out)


def test_valid_against_the_official_schema(cli, tmp_path: Path, validator) -> None:
    log = sarif(cli, make_repo(tmp_path))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"], "the fixture has findings"


def test_a_clean_run_is_valid_too(cli, tmp_path: Path, validator) -> None:
    log = sarif(cli, make_repo(tmp_path), "jobs/good.yaml")
    assert log["runs"][0]["results"] == []
    assert not list(validator.iter_errors(log))


def test_driver_rules_carry_docstring_descriptions(cli, tmp_path: Path, rule_table) -> None:
    from snaplint.report import rule_docs

    run = sarif(cli, make_repo(tmp_path))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "snaplint" and driver["semanticVersion"]
    by_id = {r["id"]: r for r in driver["rules"]}
    assert set(rule_table.rules) <= set(by_id)
    for rid, rule in rule_table.rules.items():
        descriptor = by_id[rid]
        for key in ("shortDescription", "fullDescription", "help"):
            assert descriptor[key]["text"].strip(), (rid, key)
        assert len(descriptor["shortDescription"]["text"]) <= 1024
        assert len(descriptor["fullDescription"]["text"]) <= 1024
        assert descriptor["help"]["markdown"] == rule_docs(rule)["help_markdown"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
    interval = by_id["capture-interval-out-of-range"]
    assert "captureInterval" in interval["shortDescription"]["text"]
    assert "## Example" in interval["help"]["markdown"]
    # every result points at its rule's descriptor
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_are_relative_to_the_repository_root(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    run = sarif(cli, project)["runs"][0]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"deploy/jobs/bad.yaml", "deploy/jobs/secret.yaml"}
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"
    # the same URIs whatever directory snaplint runs from
    again = sarif(cli, project / "jobs", ".")["runs"][0]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in again["results"]
    } == uris


def test_region_and_level(cli, tmp_path: Path) -> None:
    run = sarif(cli, make_repo(tmp_path), "jobs/bad.yaml")["runs"][0]
    [interval] = [r for r in run["results"] if r["ruleId"] == "capture-interval-out-of-range"]
    assert interval["level"] == "error"
    assert interval["message"]["text"].startswith("captureInterval must be between")
    region = interval["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 16, "startColumn": 24, "endLine": 16, "endColumn": 25}
    logical = interval["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert logical == "spec.clientRequest.snapshotConfig.captureInterval"


def _fingerprints(run: dict) -> dict[tuple[str, str], str]:
    return {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r[
            "partialFingerprints"
        ]["primaryLocationLineHash"]
        for r in run["results"]
    }


def test_fingerprints_are_stable_across_runs_and_line_shifts(cli, tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    first = sarif(cli, project)["runs"][0]
    prints = _fingerprints(first)
    assert len(set(prints.values())) == len(first["results"])  # unique per finding
    assert _fingerprints(sarif(cli, project)["runs"][0]) == prints  # same input, same prints

    bad = project / "jobs" / "bad.yaml"
    bad.write_text("# a comment\n# pushes every line down\n" + bad.read_text())
    shifted = sarif(cli, project)["runs"][0]
    lines = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in shifted["results"]
        if r["ruleId"] == "capture-interval-out-of-range"
    }
    assert lines == {"capture-interval-out-of-range": 18}  # the finding moved ...
    assert _fingerprints(shifted) == prints  # ... and kept its identity


def test_no_secret_in_sarif(cli, tmp_path: Path) -> None:
    _, out, _ = cli("lint", "--format", "sarif", "jobs", cwd=make_repo(tmp_path))
    assert SECRET_VALUE not in out and "12345" not in out


def _project_urls() -> dict[str, str]:
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]


def test_suppressed_findings_are_listed_as_suppressed(cli, tmp_path: Path, validator) -> None:
    project = make_repo(tmp_path)
    bad = project / "jobs" / "bad.yaml"
    bad.write_text(
        bad.read_text()
        .replace(
            "captureInterval: 0",
            'captureInterval: 0  # snaplint: ignore[capture-interval-out-of-range] reason="probe"',
        )
        .replace("channelType: 7", "channelType: 7  # snaplint: ignore[SNP108]")
    )
    (project / ".snaplint.yaml").write_text(
        'api-revision: "2020-10"\nsuppressions:\n  require-reason: false\n'
    )
    code, out, err = cli("lint", "--format", "json", "jobs/bad.yaml", cwd=project)
    assert (code, json.loads(out)) == (0, []), err  # nothing is reported or fails ...
    log = sarif(cli, project, "jobs/bad.yaml")
    assert not list(validator.iter_errors(log))
    results = log["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    # ... but code scanning is told about both findings, as dismissed in source
    assert set(by_rule) == {"capture-interval-out-of-range", "channel-type-invalid"}
    assert by_rule["capture-interval-out-of-range"]["suppressions"] == [
        {"kind": "inSource", "justification": "probe"}
    ]
    assert by_rule["channel-type-invalid"]["suppressions"] == [{"kind": "inSource"}]
    region = by_rule["capture-interval-out-of-range"]["locations"][0]["physicalLocation"]
    assert region["region"]["startLine"] == 16
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(prints)) == len(prints)


def test_suppressed_findings_come_after_the_reported_ones(cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    before = sarif(cli, make_repo(plain))["runs"][0]["results"]
    (tmp_path / "commented").mkdir()
    project = make_repo(tmp_path / "commented")
    bad = project / "jobs" / "bad.yaml"
    bad.write_text(
        bad.read_text().replace(
            "channelType: 7", 'channelType: 7  # snaplint: ignore[channel-type-invalid] reason="x"'
        )
    )
    results = sarif(cli, project)["runs"][0]["results"]
    assert ["suppressions" in r for r in results] == [False] * (len(results) - 1) + [True]
    reported = [r for r in results if "suppressions" not in r]
    # the reported findings keep the identities a log without the comment gives them
    assert [r["partialFingerprints"] for r in reported] == [
        r["partialFingerprints"] for r in before if r["ruleId"] != "channel-type-invalid"
    ]


def test_uris_come_from_the_project_urls(cli, tmp_path: Path, rule_table) -> None:
    urls = _project_urls()
    driver = sarif(cli, make_repo(tmp_path))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls["Homepage"]
    assert "pypi.org/project/snaplint" not in json.dumps(driver)
    docs = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()
    by_id = {r["id"]: r for r in driver["rules"]}
    for rid in rule_table.rules:
        uri = by_id[rid]["helpUri"]
        assert uri == f"{urls['Documentation']}/rules.md#{rid}", rid
        assert f'<a id="{rid}"></a>' in docs  # the anchor the URI points at exists
    security = {rid for rid, r in by_id.items() if "security" in r["properties"]["tags"]}
    assert security == {
        rid for rid, rule in rule_table.rules.items() if not getattr(rule, "SUPPRESSIBLE", True)
    }
    assert "literal-secret" in security


def test_uris_fall_back_when_metadata_is_missing(monkeypatch) -> None:
    import importlib.metadata

    from snaplint.report import sarif as sarif_report

    def missing(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", missing)
    sarif_report.project_urls.cache_clear()
    try:
        assert sarif_report.project_urls() == _project_urls()  # the fallback matches pyproject
        assert sarif_report.help_uri("uid-invalid").endswith("/docs/rules.md#uid-invalid")
    finally:
        sarif_report.project_urls.cache_clear()
