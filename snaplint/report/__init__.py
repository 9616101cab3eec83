"""One module per output format; each renders a LintResult to a text stream.

A reporter module exposes ``render(result, stream, options) -> None``.
``REPORTERS`` maps the ``--format`` name to the module (imported lazily, so
the lint path only loads the format it prints).

Helpers shared by the machine formats (SARIF, GitHub, GitLab, JUnit) live here
so that every format names files and identifies findings the same way:
:func:`repo_relative` (paths relative to the repository root) and
:func:`fingerprints` (an identity per finding that survives line shifts).
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snaplint.findings.diagnostics import Diagnostic
    from snaplint.findings.result import LintResult

REPORTERS: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}


@dataclass
class ReportOptions:
    color: bool = False
    quiet: bool = False
    show_source: bool = True
    statistics: bool = False
    fix_hint: bool = True
    rules: dict[str, object] = field(default_factory=dict)  # rule ID → rule (docs for SARIF etc.)
    root: str | None = None  # project root for relative URIs
    # The repository root (nearest folder above the project holding .git): SARIF, GitHub and
    # GitLab resolve paths against the checkout, not against the snaplint project folder.
    repo_root: str | None = None
    tool_version: str = ""
    env: Mapping[str, str] | None = None  # GITHUB_STEP_SUMMARY etc.; None means os.environ
    # the lowest severity that fails the run (``--fail-on``): JUnit fails only those findings,
    # so its report agrees with the exit code
    fail_on: str = "error"


def reporter(name: str) -> ModuleType:
    return importlib.import_module(f"snaplint.report.{REPORTERS[name]}")


def find_repo_root(start: str | os.PathLike[str] | None) -> str | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or a file for worktrees)."""
    if start is None:
        return None
    here = os.path.realpath(os.fspath(start))
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def base_dir(options: ReportOptions) -> str:
    """The folder report paths are relative to: the repository, else the project, else cwd."""
    return os.path.realpath(options.repo_root or options.root or os.getcwd())


def repo_relative(file: str, options: ReportOptions) -> str:
    """``file`` (as displayed) relative to :func:`base_dir`, forward slashes, symlinks resolved.

    Code scanning and GitLab match findings to files by this path, so it must not depend
    on the directory snaplint was started from. Stdin and files outside the base keep
    their displayed name.
    """
    if file == "-" or file.startswith("<"):
        return file
    real = os.path.realpath(file)
    base = base_dir(options)
    try:
        rel = os.path.relpath(real, base)
    except ValueError:  # another drive (Windows)
        return file.replace(os.sep, "/")
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return file.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def fingerprints(
    result: LintResult, options: ReportOptions, diagnostics: list[Diagnostic] | None = None
) -> list[str]:
    """A stable identity for each diagnostic of ``result`` (same order), unique within the run.

    ``diagnostics`` (default: ``result.diagnostics``) lets SARIF add the suppressed findings
    after the reported ones: the reported ones keep the identities other formats give them.

    Built from what survives edits elsewhere in the file: the rule, the repository-relative
    path, the job the finding is in (``metadata.name``, else the document's position) and the
    JSON path inside it — not the line number, so inserting lines above a finding keeps its
    identity, and not the message, whose quoted value changes as a user edits it. Findings
    that still collide (two at the same JSON path) are told apart by their order.
    """
    names: dict[str, list[str | None]] = {}
    seen: dict[str, int] = {}
    out: list[str] = []
    for d in result.diagnostics if diagnostics is None else diagnostics:
        if d.file not in names:
            names[d.file] = _document_names(result, d.file)
        per_file = names[d.file]
        job = per_file[d.document] if d.document < len(per_file) else None
        anchor = f"job:{job}" if job else f"doc:{d.document}"
        path = "/".join(str(p) for p in d.path)
        base = "\0".join((d.rule, repo_relative(d.file, options), anchor, path))
        digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:32]
        n = seen.get(digest, 0) + 1
        seen[digest] = n
        out.append(f"{digest}:{n}")
    return out


def _document_names(result: LintResult, file: str) -> list[str | None]:
    """``metadata.name`` of each document of a file (by snaplint's document index).

    Read from the source text, so the answer is the same whether the file was linted
    now or its results came from the cache.
    """
    source = result.sources.get(file)
    if source is None or "name" not in source.text:
        return []
    names: list[str | None] = []
    try:
        import yaml
        from yaml.nodes import MappingNode, ScalarNode

        # compose, never construct: nodes share aliases, so an alias bomb stays small
        for root in yaml.compose_all(source.text, Loader=yaml.CSafeLoader):
            if root is None or (isinstance(root, ScalarNode) and root.tag.endswith(":null")):
                continue  # the loader skips empty documents without counting them
            names.append(_name_of(root, MappingNode, ScalarNode))
    except Exception:  # broken YAML: positions of the documents read so far still hold
        pass
    return names


def _name_of(root: Any, mapping: type, scalar: type) -> str | None:
    def child(node: Any, key: str) -> Any:
        if isinstance(node, mapping):
            for k, v in reversed(node.value):  # the last duplicate wins, as in the data
                if isinstance(k, scalar) and k.value == key:
                    return v
        return None

    name = child(child(root, "metadata"), "name")
    return name.value if isinstance(name, scalar) and name.value else None


def rule_docs(rule: Any) -> dict[str, str]:
    """Short description, full description and help (text and Markdown) from a rule's docstring."""
    from snaplint.findings.rule import doc_section

    doc = (getattr(rule, "__doc__", None) or "").strip()
    first = " ".join(doc.split("\n\n", 1)[0].split()) if doc else ""
    what = " ".join(doc_section(doc, "What it does").split())
    why = " ".join(doc_section(doc, "Why is this bad?").split())
    rid = str(getattr(rule, "ID", "") or "")
    short = first or what or rid
    full = " ".join(p for p in (what, why) if p) or short
    return {
        "short": _clip(short, 1024),
        "full": _clip(full, 1024),
        "help_text": doc or short,
        "help_markdown": doc or short,
    }


def is_security(rule: Any) -> bool:
    """A security rule: one declared not suppressible (a committed credential must be fixed,
    never silenced). GitLab grades its findings ``critical``, SARIF tags them ``security``."""
    from snaplint.findings.rule import is_suppressible

    return not is_suppressible(rule)


def _clip(text: str, limit: int) -> str:
    # GitHub rejects descriptions over 1024 characters
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def severity_counts(diagnostics: list[Diagnostic]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in diagnostics:
        counts[d.severity] = counts.get(d.severity, 0) + 1
    return counts
