"""No finding hidden by another (issue 14, point 1): a type error in one field silences no
manifest rule on the others; the summary counts the rules that were skipped."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from snaplint.findings.references import UNKNOWN, mark_unknown
from snaplint.lint.linter import lint_text
from snaplint.report.text import summary
from tests.cases import linter_for, read_case

CASES_DIR = Path(__file__).resolve().parent.parent / "rules"

ISSUE_EXAMPLE = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: 500001
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 2
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: AKIAZ3MJQ7T5HWLQ2XRB
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
"""


def _lint(text: str, table: Any, settings: dict[str, Any] | None = None) -> Any:
    from snaplint.lint.manifest import load_text

    linter = linter_for(settings or {}, table)
    return linter.lint_loaded([("case.yaml", load_text(text, "case.yaml"))])


def test_issue_example_reports_all_three_findings_in_one_run(rule_table) -> None:
    result = _lint(ISSUE_EXAMPLE, rule_table)
    found = {(d.line, d.rule) for d in result.diagnostics}
    assert found == {
        (7, "wrong-type"),
        (16, "capture-interval-below-documented-minimum"),
        (22, "literal-secret"),
    }
    project_rules = [r for r in rule_table if r.SCOPE == "project"]
    assert project_rules and result.skipped_rules == len(project_rules)
    text = summary(result, color=False)
    assert f"{len(project_rules)} rules skipped on documents with type errors." in text
    assert "AKIAZ3MJQ7T5HWLQ2XRB" not in text


def test_no_rule_is_skipped_without_type_errors(rule_table) -> None:
    clean = ISSUE_EXAMPLE.replace("uid: 500001", 'uid: "500001"')
    result = _lint(clean, rule_table)
    assert "wrong-type" not in {d.rule for d in result.diagnostics}
    assert result.skipped_rules == 0
    assert "skipped" not in summary(result, color=False)


def test_security_rules_see_the_document_as_written(rule_table) -> None:
    # the secret's own mapping is mistyped elsewhere: literal-secret still reads the key
    text = ISSUE_EXAMPLE.replace("      vendor: 1\n", "      vendor: [1]\n")
    rules = {d.rule for d in lint_text(text, table=rule_table)}
    assert {"wrong-type", "literal-secret"} <= rules


def test_mark_unknown_copies_only_the_way_to_the_marked_values() -> None:
    data = {"a": {"b": 1, "c": [1, 2]}, "d": {"e": 1}}
    marked = mark_unknown(data, [("a", "b"), ("a", "c", 1), ("a", "c", 5), ("x", "y")])
    assert marked == {"a": {"b": UNKNOWN, "c": [1, UNKNOWN]}, "d": {"e": 1}}
    assert data == {"a": {"b": 1, "c": [1, 2]}, "d": {"e": 1}}  # the original is untouched
    assert marked["d"] is data["d"]
    assert mark_unknown(data, [()]) == UNKNOWN


# -- every manifest rule x a broken unrelated field --

# (path under the body or document root, a value of the wrong type, rules that read that field)
BREAKS: list[tuple[tuple[str, ...], Any, set[str]]] = [
    (("metadata", "labels"), "not-a-mapping", {"label-invalid"}),
    (
        ("@body", "clientRequest", "storageConfig", "fileNamePrefix"),
        7,
        {"file-name-prefix-invalid", "file-name-prefix-too-long"},
    ),
    (
        ("@body", "uid"),
        500001,
        {"uid-invalid", "recorder-uid-subscribed", "token-expires-before-job"},
    ),
]


def _bad_cases(table: Any) -> list[Path]:
    manifest = {r.ID for r in table if r.SCOPE == "manifest"}
    return sorted(p for p in CASES_DIR.glob("*/bad-*.yaml") if p.parent.name in manifest)


def _set(doc: dict[str, Any], path: tuple[str, ...], value: Any, create: bool) -> bool:
    node: Any = doc
    for part in path[:-1]:
        if not isinstance(node, dict) or (part not in node and not create):
            return False  # a raw body keeps its shape (a new key could change its kind)
        node = node.setdefault(part, {})
    if not isinstance(node, dict):
        return False
    node[path[-1]] = value
    return True


def _break(docs: list[Any], rule: str, hit: set[tuple[Any, ...]]) -> tuple[list[Any], str] | None:
    """The documents with one field unrelated to ``rule`` and its findings ``hit`` mistyped."""
    for where, value, readers in BREAKS:
        if rule in readers:
            continue
        out, done = copy.deepcopy(docs), False
        for doc in out:
            if not isinstance(doc, dict):
                continue
            is_job = doc.get("kind") == "SnapshotJob"
            if where[0] == "@body":
                path = (("spec",) if is_job else ()) + where[1:]
            elif is_job:
                path = where
            else:
                continue
            if any(p[: len(path)] == path or path[: len(p)] == p for p in hit):
                break  # the rule reports on this field or around it
            done = _set(doc, path, value, create=is_job) or done
        else:
            if done:
                return out, ".".join(where)
    return None


def test_every_manifest_rule_survives_a_broken_unrelated_field(rule_table) -> None:
    exercised = 0
    for path in _bad_cases(rule_table):
        rule = path.parent.name
        text = path.read_text(encoding="utf-8")
        settings = read_case(text).settings
        try:
            docs = [d for d in yaml.safe_load_all(text)]
        except yaml.YAMLError:
            continue
        baseline_text = yaml.safe_dump_all(docs, sort_keys=False)
        before = {
            (d.document, d.path, d.message)
            for d in _lint(baseline_text, rule_table, settings).diagnostics
            if d.rule == rule
        }
        if not before:
            continue  # the finding depends on how the text was written (quoting, layout)
        broken = _break(docs, rule, {p for _, p, _ in before})
        assert broken is not None, f"{path.name}: no unrelated field to break for {rule}"
        mutated, field = broken
        result = _lint(yaml.safe_dump_all(mutated, sort_keys=False), rule_table, settings)
        assert "wrong-type" in {d.rule for d in result.diagnostics}, (path, field)
        # the marker for a broken value stays inside the linter
        assert not [d.message for d in result.diagnostics if "SNAPLINT_TYPE_ERROR" in d.message]
        after = {(d.document, d.path, d.message) for d in result.diagnostics if d.rule == rule}
        assert before <= after, f"{rule}/{path.name}: {field} broken hid {sorted(before - after)}"
        exercised += 1
    assert exercised >= 25  # the table really covers the rules' cases


@pytest.mark.parametrize("rule_id", ["literal-secret"])
def test_security_rules_are_marked(rule_table, rule_id: str) -> None:
    assert getattr(rule_table.rules[rule_id], "SEES_TYPE_ERRORS", False) is True
