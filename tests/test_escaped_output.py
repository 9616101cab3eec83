"""Issue 12, point 3: what a file puts in its name, keys or values cannot forge a finding line or
drive the terminal in a human format: control, C1 and bidi characters are printed escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from snaplint.findings.escape import escape

FORGED = "x\nfake.yaml:1:1: error forged\x1b[2J\u202e.yaml"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/job.yaml", "plain/job.yaml"),
        ("a\nb", "a\\nb"),
        ("\x1b[2J", "\\x1b[2J"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b", "c1\\x9b"),
        ("rtl\u202egnp.yaml", "rtl\\u202egnp.yaml"),
        ("iso\u2066", "iso\\u2066"),
        ("bad\udcff.yaml", "bad\\xff.yaml"),  # os.fsdecode of a non-UTF-8 byte
        ("tab\there", "tab\\there"),
        ("ünïcode ok", "ünïcode ok"),
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert escape(raw) == shown


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_a_file_name_cannot_forge_a_finding_line(cli, tmp_path: Path, fmt: str) -> None:
    (tmp_path / FORGED).write_text("cname: c\n")
    (tmp_path / "job.yaml").write_text('kind: SnapshotJob\nspec:\n  "k\\e[31m\\u202e": 1\n')
    code, out, _err = cli("lint", "--no-cache", "--format", fmt, ".", cwd=tmp_path)
    assert code == 1
    if fmt != "github":  # annotation messages keep the toolkit's escaping (GitHub shows text)
        assert "\x1b" not in out and "\u202e" not in out, out
    lines = out.splitlines()
    assert not any(line.startswith("fake.yaml") for line in lines), out
    assert any("x\\nfake.yaml:1:1: error forged\\x1b[2J\\u202e.yaml" in line for line in lines)


@pytest.mark.parametrize("cache", [["--no-cache"], [], []])
def test_a_file_name_that_is_not_utf8_is_printed_escaped(
    cli, tmp_path: Path, cache: list[str]
) -> None:
    import os

    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.yaml"), "wb") as fh:
        fh.write(b"a: 1\n")
    # twice with the cache: it is neither stored nor looked up (SQLite text is UTF-8)
    for _ in range(1 if cache else 2):
        code, out, err = cli("lint", *cache, "--format", "concise", ".", cwd=tmp_path)
        assert code == 1 and "internal error" not in err, err
        assert "bad\\xff.yaml:1:1: error unknown-document" in out, out


@pytest.mark.parametrize("target", [".", "jobs/leak.yaml"])
def test_a_link_leading_out_of_the_project_is_reported_not_read(
    cli, tmp_path: Path, target: str
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("cname: c\nuid: '1'\nclientRequest:\n  token: TOPSECRET-outside\n")
    project = tmp_path / "project"
    (project / "jobs").mkdir(parents=True)
    (project / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (project / "jobs" / "leak.yaml").symlink_to(outside)
    (project / "jobs" / "inner.yaml").symlink_to(project / ".snaplint.yaml")  # inside: read
    code, out, _err = cli("lint", "--no-cache", target, cwd=project)
    assert code == 1
    assert "jobs/leak.yaml:1:1: error unreadable-file a symbolic link to a file outside" in out
    assert "TOPSECRET" not in out and "outside.yaml" not in out, out
