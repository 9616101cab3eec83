"""Every case in rules/<rule-id>/: ok-* files lint clean, bad-* files find exactly what they expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases import lint_case_file, read_case

CASES_DIR = Path(__file__).resolve().parent.parent / "rules"
CASE_FILES = sorted(
    p for p in CASES_DIR.glob("*/*") if p.is_file() and p.name.startswith(("ok-", "bad-"))
)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(path: Path, rule_table) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    case = read_case(text)
    found = {(d.line, d.rule) for d in lint_case_file(path, rule_table)}
    if path.name.startswith("ok-"):
        assert not case.expected, "ok- cases must not carry # expect: markers"
        assert found == set(), f"expected a clean result, got {sorted(found)}"
    else:
        assert case.expected, "bad- cases need at least one # expect: marker"
        assert any(rule == path.parent.name for _, rule in case.expected), (
            f"a bad- case of {path.parent.name} must expect that rule"
        )
        assert found == case.expected, (
            f"unexpected: {sorted(found - case.expected)}; missing: {sorted(case.expected - found)}"
        )


def test_there_are_cases() -> None:
    assert len(CASE_FILES) > 10
