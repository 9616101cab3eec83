"""Autofix: each fix does what its finding says, and nothing else changes — byte for byte."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from snaplint.config import Config
from snaplint.findings.diagnostics import Diagnostic, Edit, Fix
from snaplint.lint.fix import FileFix, apply_fixes, fix_text, worse
from snaplint.lint.linter import Linter, LintOptions
from snaplint.lint.manifest import load_text
from tests.cases import linter_for, read_case

CASES_DIR = Path(__file__).resolve().parent.parent / "rules"

JOB = """\
# Screenshots of lesson 42 (comments, quoting and alignment must survive a fix).
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels: {team: 'education'}
spec:
  cname: lesson42
  uid: 910001                    # the bot
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 2
      maxIdletime: 300           # misspelt
      subscribeVideoUids: ["1001", "1002", "1003"]
      subscribeAudioUids: ['1003', '1004']
      # subscribeUidGroup is missing
    # screenshots every 15 s
    snapshotConfig:
      captureInterval: 15
      fileType: jpg
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: 'k2Vq8Jd0Rw7LmN4pXs9TzB1cYh6GfE3uAo5iWqZe'   # a literal secret
"""


def _linter(**settings: Any) -> Linter:
    from snaplint.lint.plugins import load_rules

    return linter_for(settings, load_rules(autoload=False))


def _fix(text: str, *, unsafe: bool = False, name: str = "job.yaml", **settings: Any) -> FileFix:
    linter = _linter(**settings)

    def relint(t: str) -> list[Diagnostic]:
        return linter.lint_loaded([(name, load_text(t.removeprefix("\ufeff"), name))]).diagnostics

    return fix_text(text, relint(text), relint, unsafe=unsafe, path=name, display=name)


def _changed_lines(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def test_safe_fixes_change_only_their_spans() -> None:
    result = _fix(JOB)
    assert {d.rule for d in result.applied} == {
        "wrong-type",
        "unknown-field",
        "subscribe-uid-group-missing",
    }
    assert _changed_lines(JOB, result.fixed) == [
        (
            "replace",
            ["  uid: 910001                    # the bot\n"],
            ['  uid: "910001"                  # the bot\n'],
        ),
        (
            "replace",
            ["      maxIdletime: 300           # misspelt\n"],
            ["      maxIdleTime: 300           # misspelt\n"],
        ),
        # four users in the union of the lists: group 1, added after the last key
        ("insert", [], ["      subscribeUidGroup: 1\n"]),
        ("replace", ["      fileType: jpg\n"], ["      fileType: [jpg]\n"]),
    ]
    # the literal secret is an unsafe fix: left alone, and still reported
    assert [d.rule for d in result.diagnostics if d.severity == "error"] == ["literal-secret"]


def test_unsafe_fix_replaces_a_literal_secret_with_a_reference_in_its_quoting() -> None:
    result = _fix(JOB, unsafe=True)
    assert "literal-secret" in {d.rule for d in result.applied}
    changes = _changed_lines(JOB, result.fixed)
    assert (
        "replace",
        ["      secretKey: 'k2Vq8Jd0Rw7LmN4pXs9TzB1cYh6GfE3uAo5iWqZe'   # a literal secret\n"],
        ["      secretKey: '${env:LESSON42_SHOTS_SECRET_KEY}'           # a literal secret\n"],
    ) in changes
    assert not [d for d in result.diagnostics if d.severity == "error"]


def test_fixed_file_is_idempotent_and_parses_to_the_intended_data() -> None:
    result = _fix(JOB, unsafe=True)
    again = _fix(result.fixed, unsafe=True)
    assert again.fixed == result.fixed and not again.applied
    [doc] = load_text(result.fixed).documents
    rc = doc.data["spec"]["clientRequest"]["recordingConfig"]
    assert rc["maxIdleTime"] == 300 and rc["subscribeUidGroup"] == 1
    assert list(rc) == [
        "channelType",
        "streamTypes",
        "maxIdleTime",
        "subscribeVideoUids",
        "subscribeAudioUids",
        "subscribeUidGroup",
    ]
    assert doc.data["spec"]["uid"] == "910001"
    assert doc.data["spec"]["clientRequest"]["snapshotConfig"]["fileType"] == ["jpg"]


def test_crlf_bom_and_four_space_indentation_survive() -> None:
    text = "\ufeff" + JOB.replace("\n  ", "\n    ").replace("\n", "\r\n")
    result = _fix(text)
    assert result.fixed.startswith("\ufeff")
    assert "\r\n" in result.fixed and "\n" not in result.fixed.replace("\r\n", "")
    inserted = [b for tag, _a, b in _changed_lines(text, result.fixed) if tag == "insert"]
    assert inserted == [["        subscribeUidGroup: 1\r\n"]]  # the siblings' indentation


def test_json_file_keeps_its_formatting() -> None:
    text = json.dumps(
        {
            "apiVersion": "snaplint/v1",
            "kind": "SnapshotJob",
            "metadata": {"name": "lesson42-shots"},
            "spec": {
                "cname": "lesson42",
                "uid": 910001,
                "clientRequest": {
                    "recordingConfig": {
                        "channelType": 1,
                        "streamTypes": 1,
                        "maxIdleTime": 300,
                        "subscribeVideoUids": ["1001", "1002", "1003"],
                    },
                    "snapshotConfig": {"captureInterval": 15, "fileType": "jpg"},
                    "storageConfig": {
                        "vendor": 1,
                        "region": 0,
                        "bucket": "lesson42-shots",
                        "accessKey": "${env:AWS_ACCESS_KEY_ID}",
                        "secretKey": "${env:AWS_SECRET_ACCESS_KEY}",
                    },
                },
            },
        },
        indent=2,
    )
    result = _fix(text, name="job.json")
    assert (
        json.loads(result.fixed)["spec"]["clientRequest"]["recordingConfig"]["subscribeUidGroup"]
        == 1
    )
    assert _changed_lines(text, result.fixed) == [
        ("replace", ['    "uid": 910001,\n'], ['    "uid": "910001",\n']),
        ("replace", ["        ]\n"], ["        ],\n", '        "subscribeUidGroup": 1\n']),
        (
            "replace",
            ['        "fileType": "jpg"\n'],
            ['        "fileType": ["jpg"]\n'],
        ),
    ]
    assert not [d for d in result.diagnostics if d.severity == "error"]


def test_flow_mapping_insert_and_delete() -> None:
    text = (
        '# case: {"mode": "individual"}\n'
        "cname: lesson42\n"
        'uid: "910001"\n'
        "clientRequest:\n"
        '  recordingConfig: {channelType: 1, streamTypes: 1, maxIdleTime: 300, audioProfile: 1, subscribeVideoUids: ["1001"]}\n'
        '  snapshotConfig: {fileType: ["jpg"]}\n'
        "  storageConfig: {vendor: 1, region: 0, bucket: b, accessKey: '${env:A}', secretKey: '${env:B}'}\n"
    )
    result = _fix(text, unsafe=True, mode="individual")
    assert _changed_lines(text, result.fixed) == [
        (
            "replace",
            [text.splitlines(keepends=True)[4]],
            [
                '  recordingConfig: {channelType: 1, streamTypes: 1, maxIdleTime: 300, subscribeVideoUids: ["1001"], subscribeUidGroup: 0}\n'
            ],
        )
    ]


def test_block_delete_takes_the_nested_lines_with_it() -> None:
    text = JOB.replace(
        "      # subscribeUidGroup is missing\n",
        "      subscribeUidGroup: 1\n      transcodingConfig:   # composite only\n        width: 640\n        height: 360\n",
    )
    result = _fix(text, unsafe=True)
    deleted = [a for tag, a, _b in _changed_lines(text, result.fixed) if tag == "delete"]
    assert deleted == [
        [
            "      transcodingConfig:   # composite only\n",
            "        width: 640\n",
            "        height: 360\n",
        ]
    ]


def test_a_block_scalar_secret_is_replaced_up_to_its_line_break() -> None:
    text = JOB.replace(
        "      secretKey: 'k2Vq8Jd0Rw7LmN4pXs9TzB1cYh6GfE3uAo5iWqZe'   # a literal secret\n",
        "      secretKey: |\n        wJalrXUtnFEMI\n\n      stsToken: ${env:AWS_SESSION_TOKEN}\n",
    )
    result = _fix(text, unsafe=True)
    assert result.fixed.endswith(
        "      secretKey: ${env:LESSON42_SHOTS_SECRET_KEY}\n\n"
        "      stsToken: ${env:AWS_SESSION_TOKEN}\n"
    )


def test_a_fix_that_makes_the_file_worse_is_dropped() -> None:
    linter = _linter()
    text = JOB.replace("      # subscribeUidGroup is missing\n", "      subscribeUidGroup: 1\n")

    def relint(t: str) -> list[Diagnostic]:
        return linter.lint_loaded([("x.yaml", load_text(t, "x.yaml"))]).diagnostics

    before = relint(text)
    path = ("spec", "clientRequest", "recordingConfig", "streamTypes")
    # a broken fix: renaming streamTypes to a key the mapping already has (a duplicate key)
    bad = Diagnostic(
        "x.yaml", 13, 7, 13, 18, "test", "", "error", "test", path, 0,
        Fix("break it", (Edit("rename", path, new_key="channelType"),)),
    )  # fmt: skip
    result = fix_text(text, [*before, bad], relint)
    assert bad not in result.applied
    assert any(d is bad and "worse" in why for d, why in result.dropped)
    assert "channelType: 1\n      channelType" not in result.fixed
    assert {d.rule for d in result.applied} == {"wrong-type", "unknown-field"}  # others still fixed
    assert not worse(result.diagnostics, before)


def test_aliased_values_are_not_rewritten() -> None:
    text = JOB.replace("      fileType: jpg\n", "      fileType: &ft jpg\n      x-other: *ft\n")
    fixed, applied, skipped = apply_fixes(
        text,
        [
            Diagnostic(
                "job.yaml", 21, 17, 21, 20, "wrong-type", "", "error", "m",
                ("spec", "clientRequest", "snapshotConfig", "fileType"), 0,
                Fix("wrap", (Edit("set", ("spec", "clientRequest", "snapshotConfig", "fileType"), ["jpg"]),)),
            )
        ],
    )  # fmt: skip
    assert fixed == text and not applied and "alias" in skipped[0][1]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in CASES_DIR.glob("*/bad-*") if p.suffix in (".yaml", ".yml", ".json")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_fixing_any_case_never_breaks_it_and_edits_only_fixed_nodes(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    settings = read_case(text).settings
    linter = linter_for(settings, _table())

    def relint(t: str) -> list[Diagnostic]:
        return linter.lint_loaded([(str(path), load_text(t, path.name))]).diagnostics

    before = relint(text)
    result = fix_text(text, before, relint, unsafe=True)
    assert not worse(result.diagnostics, before)
    if not result.applied:
        assert result.fixed == text
        return
    # the data of the fixed file is exactly the original data with the applied edits
    expected = [copy.deepcopy(d.data) for d in load_text(text).documents]
    docs = {d.index: i for i, d in enumerate(load_text(text).documents)}
    for diag in result.applied:
        assert diag.fix is not None
        for edit in diag.fix.edits:
            _apply_to_data(expected[docs[diag.document]], edit)
    assert [d.data for d in load_text(result.fixed).documents] == expected


_TABLE: list[Any] = []


def _table() -> Any:
    from snaplint.lint.plugins import load_rules

    if not _TABLE:
        _TABLE.append(load_rules(autoload=False))
    return _TABLE[0]


def _apply_to_data(data: Any, edit: Edit) -> None:
    *head, last = edit.path
    parent = data
    for part in head:
        parent = parent[part]
    if edit.op == "set":
        parent[last] = edit.value
    elif edit.op == "delete":
        del parent[last]
    else:
        items = [(edit.new_key if k == last else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)


# --------------------------------------------------------------------------- CLI


def _project(tmp_path: Path) -> Path:
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (tmp_path / "job.yaml").write_text(JOB)
    return tmp_path


def test_cli_diff_prints_and_writes_nothing(cli, tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, out, err = cli("lint", "--diff", "job.yaml", cwd=project)
    assert code == 1
    assert out.startswith("--- a/job.yaml\n+++ b/job.yaml\n")
    assert '+  uid: "910001"' in out and "+      fileType: [jpg]" in out
    assert "secretKey" not in out  # unsafe: not without --unsafe-fixes
    assert "would fix 4 findings in 1 file" in err and "1 more fix available" in err
    assert (project / "job.yaml").read_text() == JOB


def test_cli_diff_exits_0_when_nothing_to_fix(cli, repo: Path) -> None:
    code, out, _err = cli("lint", "--diff", str(repo / "examples" / "jobs"))
    assert (code, out) == (0, "")


def test_cli_fix_writes_and_reports_what_is_left(cli, tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, out, err = cli("lint", "--fix", "--format", "json", "job.yaml", cwd=project)
    assert code == 1
    assert [d["rule"] for d in json.loads(out)] == ["literal-secret"]
    assert "fixed 4 findings in 1 file" in err
    fixed = (project / "job.yaml").read_text()
    assert fixed != JOB and "# the bot" in fixed
    code, out, err = cli("lint", "--fix", "--unsafe-fixes", "job.yaml", cwd=project)
    assert code == 0, out
    assert "${env:LESSON42_SHOTS_SECRET_KEY}" in (project / "job.yaml").read_text()


def test_cli_fix_from_stdin_prints_the_fixed_text(cli, tmp_path: Path) -> None:
    code, out, _err = cli("lint", "--fix", "-", cwd=_project(tmp_path), stdin=JOB.encode())
    assert code == 1  # the literal secret remains
    assert '  uid: "910001"' in out and out.startswith("# Screenshots of lesson 42")


def test_wrong_type_fix_is_offered_only_when_it_satisfies_the_schema() -> None:
    linter = Linter(Config(), _table(), LintOptions())
    text = JOB.replace("uid: 910001 ", "uid: 9.5e+5 ").replace("fileType: jpg", "fileType: 5")
    diags = linter.lint_loaded([("x.yaml", load_text(text, "x.yaml"))]).diagnostics
    wrong = {d.path[-1]: d.fix for d in diags if d.rule == "wrong-type"}
    assert wrong == {"uid": None, "fileType": None}  # "950000.0" and [5] would still be invalid
