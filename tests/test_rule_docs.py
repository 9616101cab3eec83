"""Every rule is documented from its docstring, and every rule has test cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from snaplint.findings.rule import DOC_SECTIONS, doc_section, yaml_blocks
from snaplint.lint.plugins import load_rules
from tests.cases import lint_case_text

CASES_DIR = Path(__file__).resolve().parent.parent / "rules"
RULES = list(load_rules(autoload=False))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_docstring_sections(rule) -> None:
    doc = rule.__doc__ or ""
    positions = [doc.find(f"## {title}") for title in DOC_SECTIONS]
    missing = [t for t, pos in zip(DOC_SECTIONS, positions, strict=True) if pos < 0]
    assert not missing, f"{rule.ID} docstring lacks sections {missing}"
    assert positions == sorted(positions), f"{rule.ID} docstring sections are out of order"
    assert doc.strip().split("\n", 1)[0].strip(), "the first line is the rule's summary"
    for title in DOC_SECTIONS:
        assert doc_section(doc, title), f"{rule.ID}: section {title!r} is empty"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_example_is_flagged_and_use_instead_is_clean(rule, rule_table) -> None:
    doc = rule.__doc__ or ""
    examples = list(yaml_blocks(doc_section(doc, "Example")))
    if not examples:
        assert rule.SCOPE == "syntax", (
            f"{rule.ID}: only syntax rules may describe their example in prose"
        )
    for block in examples:
        rules = {d.rule for d in lint_case_text(block, rule_table)}
        assert rule.ID in rules, f"{rule.ID}: its Example is not flagged (found {sorted(rules)})"
    uses = list(yaml_blocks(doc_section(doc, "Use instead")))
    assert uses, f"{rule.ID}: Use instead needs a yaml block"
    for block in uses:
        found = [(d.line, d.rule, d.message) for d in lint_case_text(block, rule_table)]
        assert found == [], f"{rule.ID}: its Use instead is not clean: {found}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_rule_has_cases(rule) -> None:
    folder = CASES_DIR / rule.ID
    assert folder.is_dir(), f"rules/{rule.ID}/ is missing"
    assert any(p.name.startswith("bad-") for p in folder.iterdir()), (
        f"rules/{rule.ID}/ has no bad- case"
    )


def test_every_case_folder_has_a_rule() -> None:
    ids = {r.ID for r in RULES}
    orphans = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and p.name not in ids)
    assert orphans == []


def test_codes_are_unique_and_well_formed() -> None:
    codes = [r.CODE for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(c.startswith("SNP") and c[3:].isdigit() and len(c) == 6 for c in codes)


# The tags of the internal reference catalogue (not in the repository, not public): a rule's
# Source must cite the public page instead.
INTERNAL_TAG = re.compile(
    r"§|\breference\s+§|"
    r"\b(?:API-26|REF-2[24]|ERR-old|ERR-26|SEED-20|SHOT|REG|SUB|FILES|MODE|NCS|AUTH|PRICE|"
    r"BP|RN|V2|GO|PY|NODE|PYPI|HA-FAQ|CRASH-FAQ|ISSUE-\w+|R\d{1,2})\b"
)
URL = re.compile(r"https://\S+")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ID)
def test_source_cites_public_pages(rule) -> None:
    source = doc_section(rule.__doc__ or "", "Source")
    assert URL.search(source), f"{rule.ID}: its Source section links no page"
    # the whole docstring: it is also `snaplint rule ID`, docs/rules.md and SARIF's help
    tags = sorted({m.group(0) for m in INTERNAL_TAG.finditer(rule.__doc__ or "")})
    assert not tags, f"{rule.ID}: its docs cite internal tags {tags}; link the public page"
    for item in re.split(r"\n(?=- )", source):
        if "docs.agora.io" in item:  # Agora's pages change: say which revision was followed
            assert re.search(r"\b20\d\d\b", item), f"{rule.ID}: no date for {URL.search(item)[0]}"


@pytest.mark.parametrize(
    "source",
    [
        "API-26 start (recordingConfig).",
        "Agora, *Start*: https://docs.agora.io/en/cloud-recording/rest-api/start (reference §2.4)",
        "Agora, *Start* (updated 2026-06-17): https://docs.agora.io/x — as SEED-20 says",
        "snaplint convention.",
        "Agora, *Start*: https://docs.agora.io/en/cloud-recording/rest-api/start",
    ],
)
def test_the_source_check_catches_tags_missing_urls_and_dates(source: str) -> None:
    class Fake:
        ID = "fake"
        __doc__ = f"Summary.\n\n## Source\n{source}\n"

    with pytest.raises(AssertionError):
        test_source_cites_public_pages(Fake)
