"""Project rules see only the fields they declare (PROJECT_FIELDS) on the runner's path; that must
never change a result. Every case of every project rule is linted both ways: whole documents in
this process, and the runner's pruned, detached documents (what large trees and the cache use)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snaplint.findings.rule import from_row, project_fields, project_row, prune
from snaplint.lint.detached import ProjectDocument
from snaplint.lint.manifest import Document
from snaplint.lint.plugins import load_rules
from snaplint.lint.runner import Runner
from tests.cases import linter_for, read_case

CASES = Path(__file__).resolve().parent.parent / "rules"
TABLE = load_rules(autoload=False)
PROJECT_RULES = [r for r in TABLE if r.SCOPE == "project"]
FILES = sorted(p for r in PROJECT_RULES for p in (CASES / r.ID).glob("*") if p.is_file())


def _key(result) -> list[tuple]:
    return [(d.file, d.line, d.column, d.rule, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pruned_documents_give_the_same_findings(path: Path, tmp_path: Path) -> None:
    settings = read_case(path.read_text())
    whole = linter_for(settings.settings, TABLE).lint_files([str(path)])
    pruned = Runner(None).run(linter_for(settings.settings, TABLE), [str(path)])
    assert _key(pruned) == _key(whole)


def test_every_built_in_project_rule_declares_its_fields() -> None:
    assert PROJECT_RULES and all(getattr(r, "PROJECT_FIELDS", None) for r in PROJECT_RULES)
    assert project_fields(PROJECT_RULES) is not None


def test_a_rule_without_declaration_gets_whole_documents() -> None:
    class Legacy:
        ID, CODE, SEVERITY, SCOPE = "legacy", "X001", "error", "project"

    assert project_fields([*PROJECT_RULES, Legacy]) is None


def test_prune_keeps_only_declared_subtrees_and_never_mutates() -> None:
    data = {
        "metadata": {"name": "a", "labels": {"x": "y"}},
        "spec": {"cname": "c", "clientRequest": {"token": "t"}},
    }
    assert prune(data, [("metadata", "name"), ("spec", "cname"), ("spec", "missing")]) == {
        "metadata": {"name": "a"},
        "spec": {"cname": "c"},
    }
    assert prune(data, [("spec",), ("spec", "cname")])["spec"] is data["spec"]
    assert data["spec"] == {"cname": "c", "clientRequest": {"token": "t"}}


def test_kept_fields_hold_no_secrets() -> None:
    """No kept subtree contains a secret field of the job schema (so project data is
    secret-free by construction for jobs)."""
    from snaplint.lint.schema import secret_paths

    fields = project_fields(PROJECT_RULES) or ()
    for secret in secret_paths("snapshot-job"):
        for kept in fields:
            covers = len(kept) <= len(secret) and all(
                k == s or s == "*" for k, s in zip(kept, secret, strict=False)
            )
            assert not covers, f"{kept} keeps the secret field {secret}"


_TREES = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.sampled_from("abc"), c)),
    max_leaves=12,
)
_PATHS = st.lists(
    st.lists(st.sampled_from("abc"), min_size=1, max_size=3).map(tuple), max_size=6, unique=True
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_TREES, _PATHS)
def test_a_project_row_rebuilds_exactly_what_prune_keeps(data, fields) -> None:
    # the runner keeps jobs as rows (snaplint.lint.detached.ProjectDocument); rules may still read data
    fields = tuple(fields)
    if not isinstance(data, dict):
        return
    rebuilt = from_row(project_row(data, fields), fields)
    assert repr(rebuilt) == repr(prune(data, fields))  # repr: key order too
    doc = ProjectDocument.of(
        project_row(data, fields),
        (fields, {f: n for n, f in enumerate(fields)}),
        0,
        "job",
        source=None,
        path="x.yaml",
        display="x.yaml",
    )
    for path in fields:
        assert doc.get(path, "default") == Document.get(doc, path, "default")
