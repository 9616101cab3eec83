"""Fuzzing the loader and the linter: random bytes, random YAML structures and mutated
valid manifests never raise; every diagnostic is located inside its file and names a known rule.

The default budget keeps CI fast; ``SNAPLINT_FUZZ_EXAMPLES=100000`` runs the long campaign.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.config import Config
from snaplint.lint.linter import Linter, LintOptions
from snaplint.lint.manifest import load_file
from snaplint.lint.plugins import load_rules

EXAMPLES = int(os.environ.get("SNAPLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 1000,  # CI is reproducible; the long campaign explores
)
TABLE = load_rules(autoload=False)
KNOWN = set(TABLE.rules)

BASE: dict[str, Any] = {
    "apiVersion": "snaplint/v1",
    "kind": "SnapshotJob",
    "metadata": {"name": "lesson42", "labels": {"team": "edu"}},
    "spec": {
        "cname": "lesson42",
        "uid": "910001",
        "acquire": {"resourceExpiredHour": 24, "region": "NA"},
        "clientRequest": {
            "token": "${env:TOKEN}",
            "recordingConfig": {
                "channelType": 1,
                "streamTypes": 2,
                "maxIdleTime": 300,
                "subscribeVideoUids": ["1001", "1002"],
                "subscribeAudioUids": ["1001"],
                "subscribeUidGroup": 0,
            },
            "snapshotConfig": {"captureInterval": 15, "fileType": ["jpg"]},
            "storageConfig": {
                "vendor": 1,
                "region": 0,
                "bucket": "shots",
                "accessKey": "${env:AK}",
                "secretKey": "${env:SK}",
                "fileNamePrefix": ["a", "b"],
            },
        },
    },
}


def lint_bytes(data: bytes, **options: Any) -> list[Any]:
    linter = Linter(Config(), TABLE, LintOptions(**options))
    loaded = load_file("-", stdin=io.BytesIO(data), display="fuzz.yaml")
    result = linter.lint_loaded([("-", loaded)])
    text = data.decode("utf-8", "replace")
    lines = len(re.split("\r\n|\r|\n|\x85|\u2028|\u2029", text)) + 1  # YAML's line breaks
    for d in result.diagnostics:
        assert d.rule in KNOWN, d
        assert 1 <= d.line <= lines + 1 and d.column >= 1, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d
        assert d.message and "Traceback" not in d.message
        assert "crashed on this document" not in d.message, d  # rules must cope with any input
    for doc in result.documents:
        _validators_agree(doc)
    return result.diagnostics


def _validators_agree(doc: Any) -> None:
    """The compiled validator (pass/fail) and jsonschema (explanations) must agree."""
    from snaplint.lint.manifest import SCHEMA_FOR_KIND
    from snaplint.lint.schema import _fast, _slow

    name = SCHEMA_FOR_KIND[doc.kind]
    fast_ok = _fast(name).is_valid(doc.data)
    slow_ok = next(iter(_slow(name).iter_errors(doc.data)), None) is None
    assert fast_ok == slow_ok, f"validators disagree on {doc.data!r}"


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["${env:X}", "#allstream#", "jpg", "910001", "0", "individual", "raw"]),
)
keys = st.one_of(
    st.text(min_size=1, max_size=12),
    st.sampled_from(
        [
            "cname",
            "uid",
            "clientRequest",
            "recordingConfig",
            "snapshotConfig",
            "storageConfig",
            "apiVersion",
            "kind",
            "metadata",
            "spec",
            "subscribeVideoUids",
            "captureInterval",
            "vendor",
        ]
    ),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=30,
)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    lint_bytes(data)


@FUZZ
@given(
    st.text(
        alphabet=st.sampled_from(list("ab: -[]{}#&*!|>'\"\n\t,?%@`~\\0123456789")), max_size=300
    )
)
def test_random_yaml_like_text(text: str) -> None:
    lint_bytes(text.encode())


@FUZZ
@given(structures)
def test_random_structures(data: Any) -> None:
    lint_bytes(yaml.safe_dump(data, allow_unicode=True).encode())
    lint_bytes(yaml.safe_dump({**BASE, "spec": data}).encode(), mode="individual")
    lint_bytes(
        yaml.safe_dump({"cname": "c", "uid": "1", "clientRequest": data}).encode(),
        mode="individual",
    )


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    import copy

    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "rename", "insert"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(structures)
        elif action == "rename" and isinstance(parent, dict):
            value = parent.pop(path[-1])
            parent[str(path[-1])[::-1] or "x"] = value
        elif action == "insert" and isinstance(parent, dict):
            parent[draw(keys)] = draw(structures)
    return doc


@FUZZ
@given(mutated(), st.sampled_from(["2020-10", "2026-06"]))
def test_mutated_manifests(doc: Any, revision: str) -> None:
    lint_bytes(yaml.safe_dump(doc, sort_keys=False).encode(), revision=revision)


def test_base_manifest_is_clean() -> None:
    # the mutation tests start from a clean manifest, so their findings come from the mutations
    assert [
        (d.rule, d.message) for d in lint_bytes(yaml.safe_dump(BASE, sort_keys=False).encode())
    ] == []


# ------------------------------------------------ through the CLI: exit 0 or 1, never 2

_CLI_DIR = None


def _cli_dir() -> Any:
    global _CLI_DIR
    if _CLI_DIR is None:
        import tempfile
        from pathlib import Path

        _CLI_DIR = Path(tempfile.mkdtemp(prefix="snaplint-fuzz-"))
    return _CLI_DIR


def lint_cli(text: str, *formats: str) -> None:
    """Lint ``text`` as a file through the in-process CLI: one file's problems are findings."""
    import contextlib

    from snaplint.cli import main

    path = _cli_dir() / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    for fmt in formats or ("text",):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["lint", "--no-cache", "--format", fmt, str(path)])
        shown = out.getvalue() + err.getvalue()
        assert code in (0, 1), (code, text, shown)
        assert "Traceback" not in shown and "internal error" not in shown, (text, shown)


_block_scalar = st.one_of(
    st.sampled_from(
        [
            "!!int x",
            "!!float x",
            "!!bool maybe",
            "!!int 12",
            "!!str 1",
            "~",
            "null",
            "0x1f",
            "1_0",
            "0o17",
            "1e400",
            "-.inf",
            ".nan",
            "'q'",
            '"d"',
            "[a, b]",
            "{}",
            "&a 1",
            "*a",
            "|",
            ">",
            "${env:X}",
            "910001",
            "yes",
            "2026-01-01",
            "\x1b[2J",
            "\u202e",
            "a: b",
        ]
    ),
    st.integers().map(str),
    st.text(alphabet=st.sampled_from(list("ab9 :-#!&*'\"[]{},\\\t")), max_size=12),
    st.integers(min_value=4200, max_value=5000).map(lambda n: "7" * n),  # int-string limit
)
_block_key = st.one_of(
    st.sampled_from(["apiVersion", "kind", "spec", "uid", "cname", "clientRequest", "<<", "? a"]),
    st.text(alphabet=st.sampled_from(list("abc-_!")), min_size=1, max_size=6),
)


@st.composite
def block_text(draw: st.DrawFn) -> str:
    """Block-style YAML: indented "key: value" and "- item" lines, as the fast reader reads."""
    lines = []
    if draw(st.booleans()):
        lines += ["apiVersion: snaplint/v1", "kind: SnapshotJob", "metadata: {name: a}", "spec:"]
    indent = 2 if lines else 0
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        indent = max(0, indent + draw(st.sampled_from([-2, 0, 0, 2, 1])))
        shape = draw(st.sampled_from(["key", "keyvalue", "item", "itemvalue", "separator"]))
        pad = " " * indent
        if shape == "key":
            lines.append(f"{pad}{draw(_block_key)}:")
        elif shape == "keyvalue":
            lines.append(f"{pad}{draw(_block_key)}: {draw(_block_scalar)}")
        elif shape == "item":
            lines.append(f"{pad}-")
        elif shape == "itemvalue":
            lines.append(f"{pad}- {draw(_block_scalar)}")
        else:
            lines.append("---")
    if draw(st.booleans()):  # deep nesting, past libyaml's limit or just below it
        depth = draw(st.sampled_from([50, 998, 1001, 2500]))
        lines += [" " * i + "- " for i in range(depth)]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


CLI_FUZZ = settings(FUZZ, max_examples=max(20, EXAMPLES // 3))


@CLI_FUZZ
@given(block_text(), st.sampled_from(["text", "concise", "github", "json"]))
def test_block_style_text_through_the_cli(text: str, fmt: str) -> None:
    lint_cli(text, fmt)


@CLI_FUZZ
@given(
    st.text(
        alphabet=st.sampled_from(list("ab: -[]{}#&*!|>'\"\n\t,?%@`~\\0123456789\x1b\x85\ufeff")),
        max_size=300,
    )
)
def test_yaml_like_text_through_the_cli(text: str) -> None:
    lint_cli(text)
