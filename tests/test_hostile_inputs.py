"""Issue 12, point 2: input a linter must answer is answered with a located finding and exit 1,
never an internal error (exit 2): core tags whose text does not fit, integers past Python's
int-string limit, block nesting past libyaml's limit, and (below) files that are not files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from snaplint.cli import main
from snaplint.lint.manifest import load_text
from snaplint.lint.problem import MAX_NESTING

HEAD = "apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata: {name: a}\nspec:\n"


def lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    code = main(["lint", "--no-cache", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err, out + err
    return code, out + err


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("  uid: !!int x\n", "int"),
        ("  uid: !!float x\n", "float"),
        ("  cname: !!bool maybe\n", "bool"),
        ("  acquire:\n    resourceExpiredHour: !!int 12abc\n", "int"),
    ],
)
def test_a_tag_its_text_does_not_fit_is_a_located_finding(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    kind: str,
) -> None:
    (tmp_path / "job.yaml").write_text(HEAD + text)
    code, out = lint(tmp_path, monkeypatch, capsys, "job.yaml")
    assert code == 1
    line = (HEAD + text).count("\n")
    assert f"job.yaml:{line}:" in out and f"is not a valid {kind}" in out, out


def test_an_integer_past_the_int_string_limit_is_a_located_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    digits = sys.get_int_max_str_digits() + 700
    # block style (the fast reader) and flow style (libyaml's path) both
    (tmp_path / "a.yaml").write_text(HEAD + "  uid: " + "9" * digits + "\n")
    (tmp_path / "b.yaml").write_text(
        HEAD + "  acquire: {resourceExpiredHour: " + "1" * digits + "}\n"
    )
    code, out = lint(tmp_path, monkeypatch, capsys, "a.yaml", "b.yaml")
    assert code == 1
    assert out.count(f"integer of {digits:,} digits") == 2, out
    assert "a.yaml:5:8:" in out


@pytest.mark.parametrize("unit", ["- \n", "b:\n"])
def test_block_nesting_past_the_limit_is_a_located_syntax_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unit: str,
) -> None:
    depth = 3000
    (tmp_path / "deep.yaml").write_text("a:\n" + "".join(" " * i + unit for i in range(depth)))
    code, out = lint(tmp_path, monkeypatch, capsys, "deep.yaml")
    assert code == 1 and "deep.yaml:100" in out and "nesting depth" in out, out


def test_block_nesting_up_to_the_limit_is_data() -> None:
    depth = MAX_NESTING - 1
    text = "a:\n" + "".join(" " * i + "- \n" for i in range(depth))
    loaded = load_text(text)
    assert [p.rule for p in loaded.problems] == ["unknown-document"]
