"""Values that flow from checks to reporters.

Checks (schema, rules, the loader) never compute positions: they yield a
:class:`Finding` carrying a JSON path. The linter turns it into a
:class:`Diagnostic` with file, line and column through the document's locator,
and stamps the rule's code and configured severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

# A JSON path inside one document: mapping keys and sequence indexes.
JsonPath = tuple[str | int, ...]

# Which part of the node at `path` a finding points at.
Target = Literal["key", "value"]


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line and column; ``end_column`` is one past the last character (SARIF)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """One structural change to a document, applied by the fixer with ruamel round-trip.

    ``set``: replace the value at ``path`` with ``value`` (adding the key if absent);
    ``rename``: rename the key at ``path`` to ``new_key``, keeping its value and position;
    ``delete``: remove the key or item at ``path``.
    """

    op: Literal["set", "rename", "delete"]
    path: JsonPath
    value: Any = None
    new_key: str | None = None


@dataclass(frozen=True, slots=True)
class Fix:
    """A fix offered by a finding. Unsafe fixes change meaning and need ``--unsafe-fixes``."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check reports: where (a JSON path) and what (a sentence a person would write)."""

    path: JsonPath
    message: str
    rule: str | None = None  # set by schema and loader findings; rules are stamped by the linter
    target: Target = "value"
    fix: Fix | None = None
    severity: Severity | None = None  # a check may lower/raise its own severity (revision rules)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located, stamped finding, ready for any reporter."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    code: str
    severity: Severity
    message: str
    path: JsonPath = ()
    document: int = 0
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (see README, "JSON output")."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": list(self.path),
            "document": self.document,
            "fixable": self.fix is not None,
        }


def json_path_text(path: JsonPath) -> str:
    """``("spec", "clientRequest", "x", 0)`` → ``spec.clientRequest.x[0]``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out) or "(document)"
