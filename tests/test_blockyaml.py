"""The fast block-YAML reader answers exactly as libyaml does, or leaves the text to libyaml.

Wherever ``blockyaml.read`` returns data, it must equal the data libyaml's composer gives
(same types, same key order) with no problem reported; anything it is unsure of must come
back as None. Checked on every YAML file of the repository, on generated documents in the
styles manifests are written in, and on randomly mutated manifests.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.lint import blockyaml
from snaplint.lint.manifest import load_text
from snaplint.lint.yamlnodes import compose

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SNAPLINT_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=EXAMPLES <= 1000,
)


def libyaml(text: str) -> tuple[list[Any], list[Any]]:
    problems: list[Any] = []
    return [data for _i, _root, data in compose(text, problems)], problems


def agrees(text: str) -> bool:
    """True when the fast reader answered; fails the test if its answer differs."""
    fast = blockyaml.read(text)
    if fast is None:
        return False
    expected, problems = libyaml(text)
    assert problems == [], f"fast reader accepted text libyaml rejects:\n{text}"
    # repr also compares types: 1 vs 1.0 vs True, and key order
    assert repr(fast) == repr(expected), f"\n{text}\nfast: {fast!r}\nlibyaml: {expected!r}"
    return True


def repository_yaml() -> list[Path]:
    out = []
    for folder in ("examples", "rules", "tests", "schemas"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml", ".json") and ".snaplint" not in path.parts[-2]:
                out.append(path)
    return out


def test_every_repository_file_agrees() -> None:
    answered = 0
    for path in repository_yaml():
        text = path.read_bytes().decode("utf-8", errors="replace")
        answered += agrees(text)
    # most of the repository's manifests are plain block YAML: the fast path is really taken
    assert answered >= 200


def test_bench_manifest_is_read_fast() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_lint", REPO / "bench" / "lint.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = bench.TEMPLATE.format(
        purpose="p",
        team="qa",
        env="staging",
        name="qa-job-1",
        cname="qa1",
        uid=900001,
        acquire_region="NA",
        channel_type=1,
        stream_types=1,
        idle=300,
        video_uids='"1001", "1002"',
        interval=5,
        vendor=1,
        region=0,
        bucket="b",
        key_env="AWS",
        prefix="qa1",
    )
    assert agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: |\n  text\n",  # block scalars
        "a: >\n  text\n",
        "a: 1\na: 2\n",  # duplicate keys: libyaml reports them
        "a:\n\tb: 1\n",  # tabs
        "a: 1\r\nb: 2\r\n",  # CR line ends
        "--- a\n",  # content after the marker
        "a: one\n  two\n",  # a multi-line plain scalar
        'a: "x\\ty"\n',  # escapes
        'a: "open\n  close"\n',  # a quoted scalar over two lines
        "a: {b: 1}\n",  # flow mappings
        "a: [1,\n  2]\n",  # flow sequence over two lines
        "a: [1, ]\n",
        "<<: {a: 1}\n",  # merge keys
        "a: b: c\n",  # an error
        "- - a\n",  # nested sequences on one line
        "%YAML 1.1\n---\na: 1\n",  # directives
        "a: 1\n...\n",
        "plain scalar\n",  # a document that is a scalar
        "a: =\n",  # the value tag
        "\ufeffa: 1\n",  # a BOM
        "a: 1\nb:\n c: 1\n  d: 2\n",  # indentation that does not line up
        '{"a": 1}\n',  # JSON
        "? a\n: 1\n",  # complex keys
        "a: -1\n",  # a plain scalar starting with an indicator (left to libyaml)
        "a #c: 1\n",  # a comment inside what looks like a key
        "k" * 1100 + ": 1\n",  # longer than libyaml's simple-key limit
        '"' + "k" * 1100 + '": 1\n',
    ],
)
def test_unusual_text_is_left_to_libyaml(text: str) -> None:
    assert blockyaml.read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: yes\nc: ~\nd: 1.5\ne: 0o17\nf: 0x1F\ng: 1_000\nh: 2001-12-14\ni: .inf\n",
        "a:\n- 1\n- '2'\n- \"3\"\nb: 2\n",  # a sequence at its key's indent
        "a:\n  - x: 1\n    y: [1, 'two', \"3\", yes]\n  -\n  - z:\n      - q\n",
        "# only a comment\n---\n---\na: 1 # trailing\n--- # c\nb: 'it''s'\n",
        "a:\nb:\n  c:\n",  # nulls
        "list: []\nmap: {}\nkey with spaces: v#not-a-comment\n'quoted key': x\n",
        "- a\n- b: 1\n  c: 2\n- [x]\n",  # a sequence document
        "url: http://example.com:8080/x\nref: ${env:NAME}\n",
    ],
)
def test_plain_block_yaml_is_read_fast(text: str) -> None:
    assert agrees(text)


def test_positions_come_from_libyaml_when_asked() -> None:
    lf = load_text("apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata:\n  name: Bad_Name\n")
    doc = lf.documents[0]
    assert doc.root is not None  # composed on first use
    span = doc.locate(("metadata", "name"))
    assert (span.line, span.column) == (4, 9)


# --------------------------------------------------------------------------- generated

SCALARS = st.sampled_from(
    [
        "0",
        "1",
        "007",
        "-3",
        "1.5",
        "1e3",
        "yes",
        "No",
        "on",
        "off",
        "true",
        "null",
        "~",
        "2001-12-14",
        "12:30",
        "0x1A",
        ".nan",
        "abc",
        "a b",
        "a:b",
        "a#b",
        "${env:X}",
        "#allstream#",
        "",
        "it's",
        'say "hi"',
        "[x]",
        "{y}",
        "- z",
        "a, b",
        "é✓",
    ]
)
KEYS = st.sampled_from(["a", "b", "cname", "uid", "x y", "1", "true", "null", "k:v", "é"])


def _scalar(value: str, style: str) -> str:
    if style == "double" and '"' not in value and "\\" not in value:
        return f'"{value}"'
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


def _emit(value: Any, indent: int, rnd: random.Random, out: list[str], lead: str) -> None:
    """Write ``value`` below a line ending in ``lead`` (``"key:"`` or ``"-"``)."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        out.append(lead)
        for k, v in value.items():
            _emit(v, indent + 2, rnd, out, f"{pad}{k}:")
    elif isinstance(value, list) and value:
        if all(isinstance(v, str) for v in value) and rnd.random() < 0.5:
            items = ", ".join(_scalar(v, rnd.choice(["double", "single", "plain"])) for v in value)
            out.append(f"{lead} [{items}]")
            return
        out.append(lead)
        seq_pad = pad if lead.endswith(":") and rnd.random() < 0.5 else " " * indent
        for v in value:
            _emit(v, indent + 2, rnd, out, f"{seq_pad}-")
    elif isinstance(value, dict):
        out.append(f"{lead} {{}}")
    elif isinstance(value, list):
        out.append(f"{lead} []")
    else:
        style = rnd.choice(["plain", "plain", "double", "single"])
        comment = "  # note" if rnd.random() < 0.2 else ""
        out.append(
            f"{lead} {_scalar(value, style)}{comment}".rstrip()
            if value or style != "plain"
            else lead
        )


TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(KEYS, children, max_size=4),
    ),
    max_leaves=20,
)


@SETTINGS
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=6), st.integers(0, 2**32))
def test_generated_documents_agree(tree: dict[str, Any], seed: int) -> None:
    rnd = random.Random(seed)
    lines: list[str] = []
    for k, v in tree.items():
        _emit(v, 2, rnd, lines, f"{k}:")
    agrees("\n".join(lines) + "\n")


MUTATIONS = [
    *" -:#'\"[]{},&*!|>?%@`~\n.0123456789abxyzTrueNo_$",
    "---\n",
    "- ",
    ": ",
    " #",
    "  ",
    "yes",
    "1e3",
    "<<",
    "=",
    "\\",
    "''",
]


def _seeds() -> list[str]:
    paths = [p for p in repository_yaml() if p.suffix != ".json"]
    return [p.read_bytes().decode("utf-8", errors="replace") for p in paths]


SEEDS = _seeds()


@SETTINGS
@given(
    st.integers(0, len(SEEDS) - 1),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 10**6), st.sampled_from(MUTATIONS)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_manifests_agree(which: int, edits: list[tuple[float, int, str]]) -> None:
    text = SEEDS[which]
    for op, at, piece in edits:
        i = at % (len(text) + 1)
        if op < 0.4:
            text = text[:i] + piece + text[i:]
        elif op < 0.7:
            text = text[:i] + text[i + 1 + at % 3 :]
        else:
            lines = text.split("\n")
            lines.insert(at % len(lines), lines[(at // 7) % len(lines)])
            text = "\n".join(lines)
    agrees(text)


def test_pyyaml_is_the_reference() -> None:
    # the comparison above is against snaplint's libyaml path; it matches PyYAML's safe_load
    text = (REPO / "examples" / "jobs" / "classroom.yaml").read_text()
    assert blockyaml.read(text) == list(yaml.safe_load_all(text))
