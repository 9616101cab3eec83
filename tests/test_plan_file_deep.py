"""Issue 12, point 2: ``show`` of a saved plan nested very deep is a clear error, not a
RecursionError: the codec refuses nesting past MAX_PLAN_DEPTH, and JSON past Python's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snaplint.plan.saved import MAX_PLAN_DEPTH, PlanFileError, decode, encode
from tests.test_plan_file import sample, saved_plan


def _deep(depth: int) -> bytes:
    doc = json.loads(encode(saved_plan(sample())))
    value: object = 1
    for _ in range(depth):
        value = {"a": [value]}
    doc["changes"][0]["after"] = value
    return json.dumps(doc).encode()


def test_a_plan_nested_just_below_the_limit_decodes() -> None:
    assert decode(_deep(MAX_PLAN_DEPTH // 2 - 5)).plan.changes


@pytest.mark.parametrize("depth", [MAX_PLAN_DEPTH, 100_000])
def test_a_plan_nested_too_deep_is_a_plan_file_error(depth: int) -> None:
    with pytest.raises(PlanFileError, match="nested more than"):
        decode(
            _deep(depth) if depth < 10_000 else b'{"format": ' + b"[" * depth + b"]" * depth + b"}"
        )


def test_show_of_a_deep_plan_is_a_clear_error(cli, tmp_path: Path) -> None:
    (tmp_path / "deep.plan").write_bytes(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    code, out, err = cli("show", "deep.plan", cwd=tmp_path)
    assert code == 2 and "deep.plan: the plan file is damaged (nested more than" in err, err
    assert "Traceback" not in out + err and "internal error" not in err
