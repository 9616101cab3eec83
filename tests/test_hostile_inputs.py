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


# ------------------------------------------------------------------ files that are not files


def test_a_symlink_loop_named_or_walked_is_a_per_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    code, out = lint(tmp_path, monkeypatch, capsys, "a.yaml")
    assert code == 1 and "a.yaml:1:1: error unreadable-file" in out and "symbolic links" in out
    code, out = lint(tmp_path, monkeypatch, capsys, ".")
    assert code == 1 and "b.yaml:1:1: error unreadable-file" in out, out


def test_a_fifo_in_the_project_or_named_is_skipped_with_a_finding_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import signal

    os.mkfifo(tmp_path / "pipe.yaml")  # no writer: a blocking open would hang lint forever
    signal.alarm(30)  # a hang fails the test instead of the suite
    (tmp_path / "ok.yaml").write_text("a: 1\n")
    for target in (".", "pipe.yaml"):
        code, out = lint(tmp_path, monkeypatch, capsys, target)
        assert code == 1 and "pipe.yaml:1:1: error unreadable-file a FIFO" in out, out
    signal.alarm(0)


def test_a_device_on_the_command_line_is_not_all_checks_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = lint(tmp_path, monkeypatch, capsys, "/dev/zero")
    assert code == 1 and "/dev/zero:1:1: error unreadable-file a device" in out, out
    assert "All checks passed" not in out


def test_an_unreadable_file_and_folder_are_reported_on_their_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from snaplint.lint import discovery

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.yaml").write_text("a: 1\n")
    (tmp_path / "secret.yaml").write_text("a: 1\n")
    real_open, real_walk = os.open, os.walk

    def deny_open(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith("secret.yaml"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def deny_walk(top: str, onerror: object = None, **kwargs: object) -> object:
        # as os.walk does for a folder it cannot list (tests run as root, where chmod is moot)
        for dirpath, dirnames, filenames in real_walk(top, **kwargs):  # type: ignore[call-overload]
            if "locked" in dirnames:
                dirnames.remove("locked")
                onerror(PermissionError(13, "Permission denied", os.path.join(dirpath, "locked")))  # type: ignore[operator]
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(os, "open", deny_open)
    monkeypatch.setattr(discovery.os, "walk", deny_walk)
    code, out = lint(tmp_path, monkeypatch, capsys, ".")
    assert code == 1
    assert "secret.yaml:1:1: error unreadable-file cannot read file: Permission denied" in out
    assert "locked:1:1: error unreadable-file" in out and "not linted" in out, out
