"""Secrets by shape and by name (issue 12, point 4): a credential under a misspelt key, a
secret variable reused in a plain field, a literal hidden by a duplicate key."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from snaplint.redaction import is_secret_key, mask_source_line

JOB = Path(__file__).parent.parent / "rules" / "literal-secret" / "bad-duplicate-hidden.yaml"


def lint(*args: str, env: dict[str, str] | None = None, monkeypatch=None) -> tuple[int, str]:
    from snaplint.cli import main

    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["lint", "--no-cache", *args])
    return code, out.getvalue()


@pytest.mark.parametrize("key", ["acessKey", "secretKye", "AccessKey", "tokn", "stsTokn", "SALT"])
def test_a_misspelt_secret_key_is_masked(key: str) -> None:
    assert is_secret_key(key)
    assert (
        mask_source_line(f"      {key}: q8Zt3LmNv0XwYp2RsK7u  # note")
        == f"      {key}: ***  # note"
    )


@pytest.mark.parametrize("key", ["bucket", "region", "vendor", "uid", "cname", "name", "labels"])
def test_documented_fields_are_not_taken_for_secrets(key: str) -> None:
    assert not is_secret_key(key)
    assert mask_source_line(f"  {key}: visible") == f"  {key}: visible"


def test_a_secret_variable_reused_in_a_plain_field_is_not_printed(tmp_path, monkeypatch):
    text = JOB.read_text().splitlines()
    body = "\n".join(
        line.replace("region: 0", "region: ${env:SK}")
        for line in text
        if "q8Zt3" not in line and not line.startswith("# case")
    )
    path = tmp_path / "reuse.yaml"
    path.write_text(body.replace("  # expect: literal-secret", "") + "\n")
    env = {"SK": "reused-secret-value-Zq81", "AK": "AKIAQWERTYUIOPASDF12"}
    code, out = lint("--resolve-env", str(path), env=env, monkeypatch=monkeypatch)
    assert code == 1 and "wrong-type" in out and '(got "***")' in out
    assert "reused-secret-value-Zq81" not in out


def test_a_literal_hidden_by_a_duplicate_key_is_reported_whatever_is_ignored(monkeypatch):
    code, out = lint("--ignore", "duplicate-key", str(JOB))
    assert code == 1 and "secretKey is written twice" in out and "(line 24)" in out
    assert "q8Zt3LmNv0XwYp2RsK7u" not in out
