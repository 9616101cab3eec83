"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Shape (validated in tests against the OASIS SARIF 2.1.0 JSON schema):

* ``tool.driver``: ``name``, ``version``/``semanticVersion`` and every known rule as a
  ``reportingDescriptor`` whose short/full description and help come from the rule's
  docstring (one source for ``snaplint rule``, docs and SARIF, as ruff does);
* one ``result`` per finding with ``ruleId``/``ruleIndex``, ``level``, the message, one
  physical location (URI relative to the repository root under ``%SRCROOT%``; region
  with 1-based columns, ``endColumn`` one past the last character) and the JSON path as a
  logical location;
* ``partialFingerprints.primaryLocationLineHash`` computed by snaplint from rule, path,
  job and JSON path — stable across runs and across line shifts, so code scanning keeps
  tracking an alert when lines are inserted above it (the REST upload API does not compute
  fingerprints itself).

Messages are the diagnostics' own, which never contain secret values; no source snippets
are embedded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from snaplint.findings.diagnostics import json_path_text
from snaplint.findings.result import LintResult
from snaplint.report import ReportOptions, base_dir, fingerprints, repo_relative, rule_docs

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(to_sarif(result, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_sarif(result: LintResult, options: ReportOptions) -> dict[str, Any]:
    from snaplint import __version__

    version = options.tool_version or __version__
    rules, index = _descriptors(result, options)
    prints = fingerprints(result, options)
    results = [
        _result(d, index[d.rule], fp, options)
        for d, fp in zip(result.diagnostics, prints, strict=True)
    ]
    driver: dict[str, Any] = {
        "name": "snaplint",
        "version": version,
        "semanticVersion": version,
        "informationUri": "https://pypi.org/project/snaplint/",
        "rules": rules,
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": Path(base_dir(options)).as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",  # columns count characters, not UTF-16 units
                "results": results,
            }
        ],
    }


def _descriptors(
    result: LintResult, options: ReportOptions
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every known rule (sorted by code), plus any rule a finding names that the table lacks."""
    known = sorted(options.rules.items(), key=lambda kv: (getattr(kv[1], "CODE", ""), kv[0]))
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rid, rule in known:
        index[rid] = len(descriptors)
        descriptors.append(_descriptor(rid, rule))
    for d in result.diagnostics:
        if d.rule not in index:
            index[d.rule] = len(descriptors)
            descriptors.append(_descriptor(d.rule, None))
    return descriptors, index


def _descriptor(rid: str, rule: Any) -> dict[str, Any]:
    docs = rule_docs(rule) if rule is not None else None
    short = docs["short"] if docs else rid
    out: dict[str, Any] = {
        "id": rid,
        "name": rid,
        "shortDescription": {"text": short},
        "fullDescription": {"text": docs["full"] if docs else short},
        "help": {
            "text": docs["help_text"] if docs else short,
            "markdown": docs["help_markdown"] if docs else short,
        },
        "defaultConfiguration": {"level": LEVEL.get(getattr(rule, "SEVERITY", "error"), "error")},
    }
    if rule is not None:
        scope = str(getattr(rule, "SCOPE", ""))
        out["properties"] = {
            "code": str(getattr(rule, "CODE", "")),
            "tags": [t for t in ("snaplint", scope) if t],
            "precision": "very-high",  # findings are exact constraint violations
        }
    return out


def _result(d: Any, rule_index: int, fingerprint: str, options: ReportOptions) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {
                "uri": quote(repo_relative(d.file, options), safe="/"),
                "uriBaseId": SRCROOT,
            },
            "region": {
                "startLine": d.line,
                "startColumn": d.column,
                "endLine": max(d.end_line, d.line),
                "endColumn": max(d.end_column, d.column + 1 if d.end_line <= d.line else 1),
            },
        }
    }
    if d.path:
        location["logicalLocations"] = [
            {"fullyQualifiedName": json_path_text(d.path), "kind": "property"}
        ]
    out: dict[str, Any] = {
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
    properties: dict[str, Any] = {"severity": d.severity, "document": d.document}
    if d.code:
        properties["code"] = d.code
    if d.fix is not None:
        properties["fixable"] = True
    out["properties"] = properties
    return out
