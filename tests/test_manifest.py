"""The loader: every kind of bad input is a located problem, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from snaplint.lint.manifest import MAX_EXPANDED_NODES, load_file, load_text

JOB = """apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
"""


def problems(text: str) -> list[tuple[str, int, int]]:
    lf = load_text(text)
    return [(p.rule, p.span.line, p.span.column) for p in lf.problems]


def test_clean_job_has_data_and_kind() -> None:
    lf = load_text(JOB)
    assert lf.problems == []
    [doc] = lf.documents
    assert doc.kind == "job"
    assert doc.name == "lesson42"
    assert doc.get(("spec", "clientRequest", "snapshotConfig", "fileType", 0)) == "jpg"
    assert list(doc.data) == ["apiVersion", "kind", "metadata", "spec"]  # document order kept


@pytest.mark.parametrize(
    ("path", "target", "expected"),
    [
        (("spec", "clientRequest", "snapshotConfig", "captureInterval"), "value", (10, 24, 10, 26)),
        (("spec", "clientRequest", "snapshotConfig", "captureInterval"), "key", (10, 7, 10, 22)),
        (("spec", "uid"), "value", (7, 8, 7, 16)),
        (("spec", "clientRequest", "snapshotConfig", "fileType", 0), "value", (11, 18, 11, 23)),
        (("spec", "clientRequest", "snapshotConfig", "fileType"), "value", (11, 17, 11, 24)),
        # a block mapping value is reported at its key
        (("spec", "clientRequest"), "value", (8, 3, 8, 16)),
        # a missing field: the deepest existing node's key (the parent mapping's key)
        (("spec", "clientRequest", "storageConfig"), "value", (8, 3, 8, 16)),
        ((), "key", (1, 1, 1, 24)),
    ],
)
def test_locate(path, target, expected) -> None:
    [doc] = load_text(JOB).documents
    span = doc.locate(path, target)
    assert (span.line, span.column, span.end_line, span.end_column) == expected


def test_multiple_documents_and_positions_per_document() -> None:
    text = JOB + "---\n" + JOB.replace("lesson42", "lesson43")
    docs = load_text(text).documents
    assert [d.index for d in docs] == [0, 1]
    assert docs[1].name == "lesson43"
    assert docs[1].locate(("metadata", "name")).line == 4 + JOB.count("\n") + 1


def test_empty_file() -> None:
    assert problems("") == [("empty-file", 1, 1)]
    assert problems("# only a comment\n\n") == [("empty-file", 1, 1)]


def test_empty_documents_between_separators_are_skipped() -> None:
    lf = load_text("---\n---\n" + JOB)
    assert lf.problems == [] and len(lf.documents) == 1


def test_syntax_error_keeps_earlier_documents() -> None:
    lf = load_text(JOB + "---\nkey: [unclosed\n")
    assert len(lf.documents) == 1
    assert [(p.rule, p.span.line) for p in lf.problems] == [("yaml-syntax", 14)]


def test_tabs_are_a_syntax_error_with_a_hint() -> None:
    lf = load_text("a:\n\tb: 1\n")
    [p] = lf.problems
    assert (p.rule, p.span.line, p.span.column) == ("yaml-syntax", 2, 1)
    assert "tabs" in p.message


def test_duplicate_keys_point_at_the_second_and_name_the_first() -> None:
    lf = load_text("apiVersion: snaplint/v1\nkind: SnapshotJob\nkind: SnapshotJob\n")
    [p] = lf.problems
    assert (p.rule, p.span.line, p.span.column) == ("duplicate-key", 3, 1)
    assert "line 2" in p.message
    assert lf.documents[0].kind == "job"  # the document is still checked


def test_list_and_scalar_documents() -> None:
    assert problems("- a\n- b\n") == [("unknown-document", 1, 1)]
    assert problems("just text\n") == [("unknown-document", 1, 1)]
    assert problems("42\n") == [("unknown-document", 1, 1)]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("apiVersion: v9\nkind: SnapshotJob\n", (1, 13)),
        ("apiVersion: snaplint/v1\nkind: Other\n", (2, 7)),
        ("kind: SnapshotJob\n", (1, 1)),
        ("name: ci\non: [push]\n", (1, 1)),
    ],
)
def test_unknown_document_shapes(text: str, where: tuple[int, int]) -> None:
    assert problems(text) == [("unknown-document", *where)]


def test_raw_bodies_are_recognised() -> None:
    start = load_text('cname: c\nuid: "1"\nclientRequest:\n  recordingConfig: {channelType: 1}\n')
    acquire = load_text('cname: c\nuid: "1"\nclientRequest:\n  resourceExpiredHour: 24\n')
    assert start.documents[0].kind == "start"
    assert start.documents[0].start_request_path == ("clientRequest",)
    assert acquire.documents[0].kind == "acquire"
    assert acquire.documents[0].start_request_path == ("clientRequest", "startParameter")
    assert acquire.documents[0].acquire_request == {"resourceExpiredHour": 24}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = name
    lf = load_text("\n".join(lines) + "\n")
    [p] = lf.problems
    assert p.rule == "file-too-large" and f"{MAX_EXPANDED_NODES:,}" in p.message
    assert lf.documents == []


def test_recursive_alias() -> None:
    assert problems("&a [*a]\n")[0][0] == "yaml-syntax"


def test_small_aliases_and_merge_keys_work() -> None:
    text = (
        "defaults: &d {vendor: 1, region: 0}\n"
        "cname: c\nuid: '1'\nclientRequest:\n  storageConfig:\n    <<: *d\n    region: 3\n"
    )
    lf = load_text(text)
    assert lf.problems == []
    assert lf.documents[0].get(("clientRequest", "storageConfig")) == {"vendor": 1, "region": 3}


def test_deep_nesting_is_data_not_a_crash() -> None:
    """Nesting up to 999 levels is data; deeper is a located syntax error (libyaml's limit of
    1,000 levels, PyYAML >= 6.0.4), never a recursion error."""
    depth = 999
    assert [p.rule for p in load_text("[" * depth + "]" * depth + "\n").problems] == [
        "unknown-document"
    ]
    depth = 10_000
    [problem] = load_text("[" * depth + "]" * depth + "\n").problems
    assert problem.rule == "yaml-syntax" and "nesting depth" in problem.message
    assert problem.span.line == 1 and problem.span.column > 1
    block = "".join("  " * i + f"k{i}:\n" for i in range(2000)) + "  " * 2000 + "v\n"
    [problem] = load_text(block).problems
    assert problem.rule == "yaml-syntax" and "nesting depth" in problem.message
    assert problem.span.line == 1000


def test_timestamps_stay_strings_and_yaml11_values_are_typed() -> None:
    lf = load_text('cname: c\nuid: "1"\nclientRequest: {a: 2024-01-01, b: 0x10, c: yes, d: ~}\n')
    assert lf.documents[0].get(("clientRequest",)) == {
        "a": "2024-01-01",
        "b": 16,
        "c": True,
        "d": None,
    }


def test_json_files_parse_with_positions(tmp_path: Path) -> None:
    f = tmp_path / "job.json"
    f.write_text(
        '{"apiVersion": "snaplint/v1",\n "kind": "SnapshotJob",\n "metadata": {"name": "x"}}\n'
    )
    lf = load_file(str(f))
    assert lf.documents[0].locate(("metadata", "name")).line == 3


def test_non_utf8_is_located_at_the_bad_byte(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(b"a: 1\nname: caf\xe9\n")
    [p] = load_file(str(f)).problems
    assert (p.rule, p.span.line, p.span.column) == ("unreadable-file", 2, 10)


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [p] = load_file(str(f)).problems
    assert p.rule == "unreadable-file" and "binary" in p.message


def test_utf8_bom_and_utf16(tmp_path: Path) -> None:
    f = tmp_path / "bom.yaml"
    f.write_bytes("\ufeff".encode() + JOB.encode())
    assert load_file(str(f)).problems == []
    g = tmp_path / "utf16.yaml"
    g.write_bytes(JOB.encode("utf-16"))
    assert load_file(str(g)).documents[0].name == "lesson42"


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    f = tmp_path / "huge.yaml"
    with open(f, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper
    [p] = load_file(str(f)).problems
    assert p.rule == "file-too-large" and "50.0 MiB" in p.message


def test_control_characters_are_a_finding() -> None:
    [p] = load_text("a: \x07bell\n").problems
    assert p.rule == "yaml-syntax"


def test_unreadable_path(tmp_path: Path) -> None:
    [p] = load_file(str(tmp_path / "missing.yaml")).problems
    assert p.rule == "unreadable-file"


def test_snaplint_own_plan_and_state_files_are_not_manifests() -> None:
    for fmt in ("snaplint-plan", "snaplint-state"):
        lf = load_text(f'{{"format": "{fmt}", "version": 1}}\n')
        assert lf.problems == [] and lf.documents == []


@pytest.mark.parametrize("value", ["[]", "{}", "[snaplint-plan]", "1"])
def test_a_format_key_of_any_type_is_not_a_crash(value: str) -> None:
    # found by the long fuzz run: a list under "format" used to raise TypeError (unhashable)
    lf = load_text(f"format: {value}\n")
    assert [p.rule for p in lf.problems] == ["unknown-document"]


def test_short_reads_and_a_file_that_grows_are_read_whole(tmp_path: Path, monkeypatch) -> None:
    import os

    import snaplint.lint.manifest as manifest

    path = tmp_path / "job.yaml"
    path.write_bytes(b"a: 1\n" * 100)
    real_read = os.read
    monkeypatch.setattr(manifest.os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    assert manifest.read_bytes(str(path), 10_000) == b"a: 1\n" * 100  # 7 bytes at a time
    monkeypatch.setattr(manifest.os, "read", real_read)

    real_fstat = os.fstat  # the file grows between the size check and the read
    monkeypatch.setattr(
        manifest.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, 0, 0, 0))
    )
    assert manifest.read_bytes(str(path), 10_000) == b"a: 1\n" * 100
    p = manifest.read_bytes(str(path), 300)  # ... past the limit: refused, not truncated
    assert isinstance(p, manifest.Problem) and p.rule == "file-too-large"
