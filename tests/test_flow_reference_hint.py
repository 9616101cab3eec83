"""An unquoted ``${env:X}`` in a flow collection gets the README's "quote the reference" hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from snaplint.lint.manifest import load_file


def problems(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    return [f"{p.span.line}:{p.span.column} {p.message}" for p in load_file(str(path)).problems]


@pytest.mark.parametrize(
    ("name", "text", "where", "ref"),
    [
        ("map.yaml", "spec:\n  storageConfig: {accessKey: ${env:AK}, b: 1}\n", "2:31", "AK"),
        ("seq.yaml", "fileNamePrefix: [${env:PREFIX}]\n", "1:19", "PREFIX"),
        ("later.yaml", 'a: {b: "${env:X}", c: ${env:Y}}\n', "1:24", "Y"),
        ("lines.yaml", "a: {b: 1,\n  c: ${env:Y}}\n", "2:7", "Y"),
        ("body.json", '{"storageConfig": {"accessKey": ${env:AK}}}\n', "1:34", "AK"),
    ],
)
def test_flow_style_reference_gets_the_hint(tmp_path, name, text, where, ref) -> None:
    [message] = problems(tmp_path, name, text)
    assert message.startswith(f"{where} invalid YAML: did not find expected")
    assert message.endswith(f'in flow style ({{…}} or […]) quote the reference: "${{env:{ref}}}"')


def test_other_flow_errors_and_block_style_references_get_no_hint(tmp_path) -> None:
    [message] = problems(tmp_path, "flow.yaml", "a: {b: [1, 2}\n")
    assert "quote the reference" not in message
    block = problems(tmp_path, "block.yaml", "a:\n  b: ${env:AK}\n  c: [1]\n")
    assert not any("invalid YAML" in m for m in block)  # parsed (it is just no manifest)
