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
* findings suppressed by an inline ``# snaplint: ignore[…]`` comment are listed too, after
  the others, each with ``suppressions: [{"kind": "inSource", "justification": <reason>}]``
  (no ``justification`` when the comment gives no reason): code scanning shows them as
  dismissed instead of losing track of them. Per-file ignores in the config are not
  suppressions in source and stay out of the log, like disabled rules;
* ``informationUri`` is the project's ``Homepage`` and each built-in rule's ``helpUri`` its
  section of ``rules.md`` under ``Documentation`` — both from ``[project.urls]`` in
  ``pyproject.toml``, read from the installed distribution's metadata (with the same
  addresses as a fallback when snaplint runs from a source tree without metadata). Plugin
  rules are not documented there and get no ``helpUri``;
* rules that cannot be suppressed (committed credentials) carry the tag ``security``.

Messages are the diagnostics' own, which never contain secret values; no source snippets
are embedded.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from snaplint.findings.diagnostics import json_path_text
from snaplint.findings.result import LintResult
from snaplint.report import (
    ReportOptions,
    base_dir,
    fingerprints,
    is_security,
    repo_relative,
    rule_docs,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
DISTRIBUTION = "agora-snaplint"
# [project.urls] of pyproject.toml, for a source tree run without installed metadata
FALLBACK_URLS = {
    "Homepage": "https://github.com/snaplint/snaplint",
    "Documentation": "https://github.com/snaplint/snaplint/tree/main/docs",
}


@functools.cache
def project_urls() -> dict[str, str]:
    """``[project.urls]`` of the installed distribution (``Project-URL: Label, URL`` lines),
    each missing label filled from :data:`FALLBACK_URLS`."""
    urls = dict(FALLBACK_URLS)
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        entries = metadata(DISTRIBUTION).get_all("Project-URL") or []
    except (ImportError, PackageNotFoundError):
        entries = []
    for entry in entries:
        label, sep, url = entry.partition(",")
        if sep and label.strip() and url.strip():
            urls[label.strip()] = url.strip()
    return urls


def help_uri(rule_id: str) -> str:
    """The rule's section of the rule docs (``docs/rules.md``, anchored by rule ID)."""
    return f"{project_urls()['Documentation'].rstrip('/')}/rules.md#{quote(rule_id)}"


def render(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(to_sarif(result, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_sarif(result: LintResult, options: ReportOptions) -> dict[str, Any]:
    from snaplint import __version__

    version = options.tool_version or __version__
    rules, index = _descriptors(result, options)
    suppressed = [s.diagnostic for s in result.suppressed]
    prints = fingerprints(result, options, result.diagnostics + suppressed)
    results = [
        _result(d, index[d.rule], fp, options)
        for d, fp in zip(result.diagnostics, prints[: len(result.diagnostics)], strict=True)
    ]
    for s, fp in zip(result.suppressed, prints[len(result.diagnostics) :], strict=True):
        listed = _result(s.diagnostic, index[s.diagnostic.rule], fp, options)
        suppression: dict[str, Any] = {"kind": "inSource"}
        if s.reason:
            suppression["justification"] = s.reason
        listed["suppressions"] = [suppression]
        results.append(listed)
    driver: dict[str, Any] = {
        "name": "snaplint",
        "version": version,
        "semanticVersion": version,
        "informationUri": project_urls()["Homepage"],
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
    for d in result.diagnostics + [s.diagnostic for s in result.suppressed]:
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
    if rule is not None and getattr(rule, "__name__", "").startswith("snaplint.rules."):
        out["helpUri"] = help_uri(rid)  # built-in rules only: plugins are not in rules.md
    if rule is not None:
        scope = str(getattr(rule, "SCOPE", ""))
        security = "security" if is_security(rule) else ""
        out["properties"] = {
            "code": str(getattr(rule, "CODE", "")),
            "tags": [t for t in ("snaplint", scope, security) if t],
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
