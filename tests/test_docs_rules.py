"""docs/rules.md is generated from the rule docstrings, is up to date, and accounts for every
constraint of the reference in its coverage table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from snaplint.docgen import coverage
from snaplint.docgen import rulesmd as docs
from snaplint.lint.plugins import load_rules

REPO = Path(__file__).resolve().parent.parent
RULES = load_rules(autoload=False)


def test_docs_rules_md_is_up_to_date() -> None:
    expected = docs.render(RULES, RULES.plugin_of)
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/rules.md is stale: run `python -m snaplint.docgen.rulesmd > docs/rules.md`"
    )


def test_python_m_snaplint_docs_prints_the_page(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snaplint.docgen.rulesmd"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "", "SNAPLINT_DISABLE_PLUGIN_AUTOLOAD": "", "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_rule_has_a_section_and_every_link_resolves() -> None:
    page = docs.render(RULES, RULES.plugin_of)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', page))
    assert anchors == {r.ID for r in RULES}
    links = set(re.findall(r"\]\(#([^)]+)\)", page))
    assert links <= anchors, sorted(links - anchors)
    for rule in RULES:
        assert f"## {rule.CODE} `{rule.ID}`" in page
    # a rule's own sections are demoted under its heading; the page has one level-1 heading
    headings, fenced = [], False
    for line in page.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("#"):
            headings.append(line)
    assert [h for h in headings if h.startswith("# ")] == ["# Rules"]
    assert "### What it does" in headings and "## What it does" not in headings


def test_coverage_names_only_existing_rules() -> None:
    known = {r.ID for r in RULES}
    for row in coverage.all_rows():
        unknown = set(row.rules) - known
        assert not unknown, f"{row.ref} {row.constraint!r} names unknown rules {unknown}"
        assert row.rules or row.note, f"{row.ref} {row.constraint!r}: no rule and no reason"


def test_every_rule_that_checks_the_reference_is_in_the_coverage_table() -> None:
    named = {r for row in coverage.all_rows() for r in row.rules}
    missing = sorted(r.ID for r in RULES if r.ID not in named and r.ID not in coverage.OWN_RULES)
    assert missing == [], f"rules missing from snaplint/docgen/coverage/: {missing}"


def test_every_inconsistency_and_checkable_rule_has_a_row() -> None:
    refs = " ".join(row.ref for row in coverage.all_rows())
    for n in range(1, 19):  # reference §9 lists 18 inconsistencies
        assert re.search(rf"§9 #{n}\b", refs), f"§9 #{n} has no coverage row"
    for n in range(1, 21):  # and §10 the checkable rules R1-R20
        assert re.search(rf"\bR{n}\b", refs), f"R{n} has no coverage row"
    for section in ("§2.1", "§2.2", "§2.3", "§2.4", "§2.5", "§2.6", "§2.7", "§4", "§5"):
        assert section in refs, f"{section} has no coverage row"


def test_revision_dependent_rules_name_both_revisions_in_their_source() -> None:
    from snaplint.findings.rule import doc_section

    for rule in RULES:
        source = doc_section(rule.__doc__ or "", "Source")
        if "Revision-dependent" in source:
            assert "`2020-10`" in source and "`2026-06`" in source, rule.ID
