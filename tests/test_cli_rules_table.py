"""``snaplint rules``: an aligned table within 100 columns; ``--json`` says which rules fix."""

from __future__ import annotations

import json
import re

from snaplint.cli.rules import table_lines
from snaplint.findings.rule import title


def test_the_table_has_a_header_and_every_line_fits_100_columns(cli, rule_table) -> None:
    code, out, _ = cli("rules")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["CODE", "ID", "SEVERITY", "FIX", "SUMMARY"]
    assert max(len(line) for line in lines) <= 100
    starts = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert starts == [r.CODE for r in rule_table]  # one row per rule, in code order


def test_columns_are_aligned_and_summaries_wrapped_not_lost(cli, rule_table) -> None:
    lines = cli("rules")[1].splitlines()
    header = lines[0]
    column = {name: header.index(name) for name in ("ID", "SEVERITY", "FIX", "SUMMARY")}
    rows: dict[str, list[str]] = {}
    for line in lines[1:]:
        if not line.startswith(" "):
            current = line.split()[0]
            rows[current] = [line]
        else:
            rows[current].append(line)
    for rule in rule_table:
        first, *more = rows[rule.CODE]
        assert first[column["ID"] :].startswith(rule.ID)
        if len(rule.ID) < column["SEVERITY"] - column["ID"] - 1:  # ID fits its column
            assert first[column["SEVERITY"] :].startswith(rule.SEVERITY)
            text = [first[column["SUMMARY"] :], *more]
        else:  # a long ID: its row's cells follow it, the summary is on the next lines
            assert first.split()[2] == rule.SEVERITY
            text = more
        assert all(line[: column["SUMMARY"]].strip() == "" for line in more)
        assert " ".join(t.strip() for t in text) == title(rule)


def test_fixable_rules_are_marked_in_both_forms(cli) -> None:
    rows = {r["id"]: r for r in json.loads(cli("rules", "--json")[1])}
    assert rows["unknown-field"]["fixable"] is True
    assert rows["duplicate-key"]["fixable"] is False
    assert all(isinstance(r["fixable"], bool) for r in rows.values())
    lines = cli("rules")[1].splitlines()
    fix = lines[0].index("FIX")
    marked = {ln.split()[1] for ln in lines[1:] if ln[fix : fix + 3] == "yes"}
    assert "unknown-field" in marked and "duplicate-key" not in marked
    assert marked <= {rid for rid, r in rows.items() if r["fixable"]}


def test_plugin_column_and_narrow_widths() -> None:
    rows = [
        {
            "code": "ACME001",
            "id": "production-capture-interval-too-short-for-the-policy",
            "severity": "warning",
            "fixable": False,
            "plugin": "acme_policies",
            "title": "Production jobs capture at least every 30 seconds " * 3,
        },
        {
            "code": "SNP002",
            "id": "duplicate-key",
            "severity": "error",
            "fixable": True,
            "plugin": "snaplint",
            "title": "A mapping has the same key twice.",
        },
    ]
    lines = table_lines(rows, 100, plugins=True)
    assert lines[0].split() == ["CODE", "ID", "SEVERITY", "FIX", "PLUGIN", "SUMMARY"]
    assert max(len(line) for line in lines) <= 100
    assert lines[1].startswith(
        "ACME001  production-capture-interval-too-short-for-the-policy  warn"
    )
    assert lines[2].strip().startswith("Production jobs")
    assert re.match(r"SNP002 +duplicate-key +error +yes +snaplint +A mapping", lines[-2])
    narrow = table_lines(rows, 60, plugins=True)
    assert max(len(line) for line in narrow) <= 60
    assert narrow[-2].split()[:4] == ["SNP002", "duplicate-key", "error", "yes"]
    assert narrow[-1] == " " * 9 + "A mapping has the same key twice."
