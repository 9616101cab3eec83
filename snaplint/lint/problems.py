"""What reading a file can go wrong with: a located :class:`Problem`, and the limits the
readers share (a module of its own so that the readers — manifest, yamlnodes, blockyaml —
do not import each other in a circle)."""

from __future__ import annotations

from dataclasses import dataclass

from snaplint.findings.diagnostics import JsonPath, Span

MAX_EXPANDED_NODES = 250_000  # per document, after alias expansion (alias bombs)


@dataclass(frozen=True, slots=True)
class Problem:
    """A located problem found while reading or parsing a file."""

    rule: str
    message: str
    span: Span
    path: JsonPath = ()
    document: int = 0
