"""What loading reports instead of raising: :class:`Problem`, and the loader's size limit.

A module of its own so that the document model (:mod:`snaplint.lint.manifest`) and the YAML
mechanics it calls (:mod:`snaplint.lint.yamlnodes`, :mod:`snaplint.lint.blockyaml`) share the
type without importing each other: ``manifest`` imports the mechanics, never the reverse.
``manifest`` re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass

from snaplint.findings.diagnostics import JsonPath, Span

MAX_EXPANDED_NODES = 250_000  # per document, after alias expansion (alias bombs)
# block and flow containers inside each other, per document: libyaml (PyYAML >= 6.0.4) stops
# at 1,000 levels with a located error; the fast block reader must not accept what it refuses
MAX_NESTING = 999


@dataclass(frozen=True, slots=True)
class Problem:
    """A located problem found while reading or parsing a file."""

    rule: str
    message: str
    span: Span
    path: JsonPath = ()
    document: int = 0
