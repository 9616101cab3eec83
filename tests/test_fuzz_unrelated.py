"""Fuzz (issue 14, point 1): breaking one field — a value of another type, a missing field, an
extra field — never hides a finding a rule gives on another, unrelated field.

A valid job is seeded with findings on single fields (a short capture interval, a literal key, a
placeholder token, a bad label…). Hypothesis then breaks one other field of it, and every seeded
finding must still be reported at its path. ``SNAPLINT_FUZZ_EXAMPLES`` raises the budget.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.lint.linter import lint_text
from snaplint.lint.plugins import load_rules

EXAMPLES = min(int(os.environ.get("SNAPLINT_FUZZ_EXAMPLES", "120")), 100_000)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=EXAMPLES <= 1000,  # CI is reproducible; a long campaign explores
)
TABLE = load_rules(autoload=False)

SEEDED: dict[str, Any] = {
    "apiVersion": "snaplint/v1",
    "kind": "SnapshotJob",
    "metadata": {"name": "lesson42", "labels": {"team": "edu", "Bad Label!": "x"}},
    "spec": {
        "cname": "lesson42",
        "uid": "910001",
        "acquire": {"resourceExpiredHour": 24, "region": "NA"},
        "clientRequest": {
            "token": "<token if any>",
            "recordingConfig": {
                "channelType": 1,
                "streamTypes": 2,
                "maxIdleTime": 300,
                "subscribeVideoUids": ["1001", "1002"],
                "subscribeAudioUids": ["1001"],
                "subscribeUidGroup": 0,
            },
            "snapshotConfig": {"captureInterval": 2, "fileType": ["jpg"]},
            "storageConfig": {
                "vendor": 1,
                "region": 0,
                "bucket": "shots",
                "accessKey": "AKIAZ3MJQ7T5HWLQ2XRB",
                "secretKey": "${env:SK}",
                "fileNamePrefix": ["a", "b"],
            },
        },
    },
}

# Fields that say what the document is, or that the seeded rules read to decide (breaking them
# may rightly change a seeded finding): never the "unrelated" field.
READ_BY_SEEDED = {
    ("apiVersion",),
    ("kind",),
    ("spec", "mode"),  # the URL mode: capture-interval rules and more depend on it
}


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*path, i)))
    return out


def _findings(doc: dict[str, Any]) -> set[tuple[str, tuple[Any, ...]]]:
    text = yaml.safe_dump(doc, sort_keys=False)
    found = lint_text(text, table=TABLE)
    assert not [d.message for d in found if "SNAPLINT_TYPE_ERROR" in d.message]  # stays inside
    return {(d.rule, d.path) for d in found}


BASELINE = _findings(SEEDED)
SEEDED_PATHS = {p for _, p in BASELINE}


def _related(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return a[: len(b)] == b or b[: len(a)] == a


CANDIDATES = [
    p
    for p in _paths(SEEDED)
    if not any(_related(p, s) for s in SEEDED_PATHS)
    and not any(_related(p, r) for r in READ_BY_SEEDED)
]

OTHER_VALUES = st.sampled_from([12345, "text", True, None, [1, "a"], {"k": 1}, 2.5])


def _at(doc: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    return parent, path[-1]


@FUZZ
@given(
    path=st.sampled_from(CANDIDATES),
    how=st.sampled_from(["retype", "delete", "extra"]),
    value=OTHER_VALUES,
)
def test_breaking_an_unrelated_field_hides_no_finding(path, how, value) -> None:
    doc = copy.deepcopy(SEEDED)
    parent, key = _at(doc, path)
    if how == "retype":
        if type(value) is type(parent[key]):
            value = [value]
        parent[key] = value
    elif how == "delete":
        if isinstance(parent, list):
            parent.pop(key)
        else:
            del parent[key]
    elif isinstance(parent[key], dict):
        parent[key]["zzUnexpected"] = value
    else:
        parent[key] = value  # no mapping to extend: a value of another type instead
    after = _findings(doc)
    missing = BASELINE - after
    assert not missing, f"{how} {path}: hid {sorted(missing)}"


def test_the_seeds_are_reported() -> None:
    rules = {rule for rule, _ in BASELINE}
    assert {
        "capture-interval-below-documented-minimum",
        "literal-secret",
        "placeholder-credential",
        "label-invalid",
    } <= rules, BASELINE
    assert len(CANDIDATES) > 20
