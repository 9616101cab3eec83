"""What a rule is, and what it is given.

A rule is a module (or any object) with these attributes::

    ID = "subscribe-audio-without-video"   # kebab-case; reads well as "allow <id>"
    CODE = "SNP204"                          # stable alias for config and suppressions
    SEVERITY = "error"                       # default; config may override
    SCOPE = "manifest"                       # "syntax" | "schema" | "manifest" | "project"
    OPTIONS = {...}                          # optional JSON Schema (type object) with defaults
    SUPPRESSIBLE = True                      # optional; False for safety rules
    SEES_TYPE_ERRORS = False                 # optional; True: given values of the wrong type

    def check(doc, ctx): ...                 # manifest: yields Finding
    def check(docs, ctx): ...                # project:  yields (Document, Finding)

A manifest rule is given every document. Where the schema found a value of the wrong type,
the rule sees :data:`snaplint.findings.references.UNKNOWN` there (a reference: "known later"),
so it may trust types; a security rule that must see every value as written (``literal-secret``)
sets ``SEES_TYPE_ERRORS = True`` and checks types itself.

A project rule may also declare ``PROJECT_FIELDS``: the JSON paths (from the document root;
list the raw-body spellings too, e.g. ``("spec", "cname")`` and ``("cname",)``) it reads from
every document. The linter then keeps only those fields of each job for the project stage,
which keeps memory flat on large trees; whatever else a rule needs for a particular document
it reads through ``doc.full()``. Without the declaration a rule gets whole documents.

A project rule should also say which documents it relates, with a function::

    def project_key(doc, ctx): ...          # a plain YAML value, or None: "not my business"

Two documents the rule could report on together must have equal keys (strings, numbers,
``None``, and tuples, lists or dicts of them; keys that compare equal hash alike, and the
hashes are kept in the cache). ``check`` is then given only documents whose key at least one
other document shares, in project order (a clean tree gives it none), and the project stage
keeps 8 bytes per document and rule instead of the documents (see
:mod:`snaplint.lint.projectstage`). Without ``project_key`` a rule gets every document, and the
stage holds them all in memory.

``syntax`` rules document problems found by the loader and ``schema`` rules
document constraints held by the JSON Schemas (``x-snaplint-rule``); neither
has a ``check``. The module docstring is the rule's documentation, with the
sections listed in :data:`DOC_SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from snaplint.lint.manifest import Document

SCOPES = ("syntax", "schema", "manifest", "project")

# Sections every rule docstring has, in this order ("Fix safety" only for rules that fix).
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "Source")

REVISIONS = ("2020-10", "2026-06")
DEFAULT_REVISION = "2020-10"


@runtime_checkable
class Rule(Protocol):
    ID: str
    CODE: str
    SEVERITY: str
    SCOPE: str


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know beyond the document: its options and the run's settings."""

    options: Mapping[str, Any] = field(default_factory=dict)
    revision: str = DEFAULT_REVISION  # the documented API revision the user selected
    mode: str | None = None  # URL mode for raw bodies (``--mode``); jobs carry spec.mode
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    resolve_env: bool = False  # ${env:NAME} already substituted
    default_app_id: str | None = (
        None  # App ID of jobs without spec.appId (AGORA_APP_ID, api.app-id)
    )

    def mode_of(self, doc: Document) -> str | None:
        """The URL mode a document will be started with (None when unknown)."""
        if doc.kind == "job":
            mode = doc.get(("spec", "mode"), "individual")
            return mode if isinstance(mode, str) else None
        return self.mode


def prune(data: Any, fields: Iterable[tuple[str | int, ...]]) -> Any:
    """A copy of ``data`` holding only the subtrees at ``fields`` (paths that exist)."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for path in sorted(fields, key=len):
        node: Any = data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        else:
            target: Any = out
            for part in path[:-1]:
                target = target.setdefault(part, {})
                if not isinstance(target, dict) or target is node:
                    break  # a shorter path already kept this whole subtree
            else:
                if path and path[-1] not in target:
                    target[path[-1]] = node
    return out


ABSENT: Any = ...  # a path missing from a document, in a project row (never YAML data)


def project_row(data: Any, fields: Sequence[tuple[str | int, ...]]) -> tuple[Any, ...]:
    """The value at each of ``fields`` (:data:`ABSENT` where there is none): what the project
    stage keeps of a job, a few hundred bytes instead of a tree of small mappings."""
    row: list[Any] = []
    for path in fields:
        node: Any = data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                node = ABSENT
                break
        row.append(node)
    return tuple(row)


_SHORTEST_FIRST: dict[Any, list[int]] = {}  # fields -> their indexes, shortest path first


def from_row(row: Sequence[Any], fields: Sequence[tuple[str | int, ...]]) -> dict[str, Any]:
    """The data :func:`prune` keeps, rebuilt from a :func:`project_row` (same keys, same order)."""
    out: dict[str, Any] = {}
    key = fields if isinstance(fields, tuple) else tuple(fields)
    order = _SHORTEST_FIRST.get(key)
    if order is None:
        order = _SHORTEST_FIRST[key] = sorted(range(len(fields)), key=lambda i: len(fields[i]))
    for i in order:
        value, path = row[i], fields[i]
        if value is ABSENT or not path:
            continue
        target: Any = out
        for part in path[:-1]:
            nxt = target.get(part, ABSENT)
            if nxt is ABSENT:
                nxt = target[part] = {}
            elif not isinstance(nxt, dict):
                break
            target = nxt
        else:
            if path[-1] not in target:
                target[path[-1]] = value
    return out


def project_fields(rules: Iterable[Any]) -> tuple[tuple[str | int, ...], ...] | None:
    """The union of the project rules' PROJECT_FIELDS, or None when one needs whole documents."""
    union: set[tuple[str | int, ...]] = set()
    for rule in rules:
        fields = getattr(rule, "PROJECT_FIELDS", None)
        if fields is None:
            return None
        union.update(tuple(f) for f in fields)
    return tuple(sorted(union, key=lambda p: tuple(map(str, p))))


def rule_id(rule: Any) -> str:
    return str(rule.ID)


def is_suppressible(rule: Any) -> bool:
    return bool(getattr(rule, "SUPPRESSIBLE", True))


def is_fixable(rule: Any) -> bool:
    """Whether the rule offers a fix: its docs have a "Fix safety" section (CONTRIBUTING.md)."""
    import inspect  # not at the top: the lint path never needs it

    return bool(doc_section(inspect.cleandoc(getattr(rule, "__doc__", None) or ""), "Fix safety"))


def title(rule: Any) -> str:
    """The docstring's one-line summary (its first line)."""
    import inspect

    doc = inspect.cleandoc(getattr(rule, "__doc__", None) or "")
    return doc.split("\n", 1)[0].strip()


def option_defaults(rule: Any) -> dict[str, Any]:
    schema = getattr(rule, "OPTIONS", None) or {}
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return {k: v["default"] for k, v in props.items() if isinstance(v, dict) and "default" in v}


def summary(rule: Any) -> str:
    """The first sentence of "What it does"."""
    doc = (getattr(rule, "__doc__", None) or "").strip()
    text = doc_section(doc, "What it does") or doc.split("\n\n", 1)[0]
    return " ".join(text.split())


def doc_section(doc: str, title: str) -> str:
    """The body of a ``## Title`` section of a rule docstring."""
    marker = f"## {title}"
    start = doc.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    end = doc.find("\n## ", start)
    return doc[start : end if end >= 0 else len(doc)].strip()


def yaml_blocks(section: str) -> Iterable[str]:
    """Fenced ```yaml blocks of a docstring section."""
    parts = section.split("```")
    for i in range(1, len(parts), 2):
        block = parts[i]
        if block.startswith(("yaml\n", "yml\n")):
            yield block.split("\n", 1)[1]
