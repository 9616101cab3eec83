"""``snaplint lint --add-noqa --reason TEXT [--until DATE]`` (issue 14, point 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from snaplint.lint.addnoqa import NoqaError, annotate, comment
from snaplint.lint.suppressions import parse

JOB = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots   # the lobby camera
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


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "cam.yaml").write_bytes(JOB.replace("\n", "\r\n").encode())
    (tmp_path / "jobs" / "clean.yaml").write_text(
        JOB.replace("uid: 500001", 'uid: "500001"')
        .replace("captureInterval: 2", "captureInterval: 15")
        .replace("AKIAZ3MJQ7T5HWLQ2XRB", "${env:AWS_ACCESS_KEY_ID}")
    )
    return tmp_path


def test_suppresses_every_suppressible_finding_and_leaves_secrets(cli, tree: Path) -> None:
    before = (tree / "jobs" / "cam.yaml").read_bytes()
    clean = (tree / "jobs" / "clean.yaml").read_bytes()
    code, out, err = cli(
        "lint", "jobs", "--no-cache", "--add-noqa", "--reason", "adopted", "--until", "2027-06-30",
        cwd=tree,
    )  # fmt: skip
    assert "added suppressions for 2 findings in 1 file" in err
    assert "1 finding cannot be suppressed this way (literal-secret)" in err
    assert code == 1 and "literal-secret" in out and "wrong-type" not in out
    after = (tree / "jobs" / "cam.yaml").read_bytes()
    changed = [
        (a, b) for a, b in zip(before.split(b"\r\n"), after.split(b"\r\n"), strict=True) if a != b
    ]
    suffix = b'  # snaplint: ignore[{}] reason="adopted" until=2027-06-30'
    assert changed == [
        (b"  uid: 500001", b"  uid: 500001" + suffix.replace(b"{}", b"wrong-type")),
        (
            b"      captureInterval: 2",
            b"      captureInterval: 2"
            + suffix.replace(b"{}", b"capture-interval-below-documented-minimum"),
        ),
    ]
    assert (tree / "jobs" / "clean.yaml").read_bytes() == clean
    # a second run adds nothing
    code, _, err = cli("lint", "jobs", "--no-cache", "--add-noqa", "--reason", "again", cwd=tree)
    assert "added suppressions for 0 findings in 0 files" in err
    assert (tree / "jobs" / "cam.yaml").read_bytes() == after


def test_usage_errors_change_nothing(cli, tree: Path) -> None:
    before = (tree / "jobs" / "cam.yaml").read_bytes()
    for extra in ([], ["--reason", "x", "--until", "2027-02-30"], ["--reason", "x", "--fix"]):
        code, _, err = cli("lint", "jobs", "--no-cache", "--add-noqa", *extra, cwd=tree)
        assert code == 2 and "snaplint: error:" in err, (extra, err)
    assert (tree / "jobs" / "cam.yaml").read_bytes() == before


def test_json_files_are_left_and_reported(cli, tmp_path: Path) -> None:
    body = '{"cname": "c", "uid": 5, "clientRequest": {"snapshotConfig": {"fileType": ["jpg"]}}}\n'
    (tmp_path / "body.json").write_text(body)
    code, _, err = cli(
        "lint", "body.json", "--no-cache", "--add-noqa", "--reason", "r", cwd=tmp_path
    )
    assert code == 1
    assert "added suppressions for 0 findings" in err and "cannot be suppressed" in err
    assert (tmp_path / "body.json").read_text() == body


def test_annotate_merges_into_a_suppression_already_on_the_line() -> None:
    text = 'a: 1  # snaplint: ignore[x-rule] reason="old"\nb: 2\n'
    out = annotate(text, {1: ["y-rule", "x-rule"], 2: ["z-rule"]}, "new", None)
    assert out == (
        'a: 1  # snaplint: ignore[x-rule, y-rule] reason="old"\n'
        'b: 2  # snaplint: ignore[z-rule] reason="new"\n'
    )


@pytest.mark.parametrize("reason", ['say "hi"', "it's", "both ' and \"", "back\\slash"])
def test_the_reason_reads_back_as_written(reason: str) -> None:
    line = "a: 1  " + comment(["x-rule"], reason, date(2027, 1, 2))
    (s,) = parse([line], date(2026, 1, 1))
    assert s.rules == ["x-rule"] and s.until == date(2027, 1, 2) and not s.problems
    assert s.reason is not None and s.reason.replace("\\", "") == reason.replace("\\", "")


def test_a_reason_is_required_and_one_line() -> None:
    for bad in ("", "  ", "two\nlines"):
        with pytest.raises(NoqaError):
            comment(["x-rule"], bad, None)
