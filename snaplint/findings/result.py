"""What a lint run produced, as a value: :class:`LintResult`.

The linter (:mod:`snaplint.lint.linter`) builds it; reporters (:mod:`snaplint.report`) and the
CLI read it. It lives here, beside the diagnostics it holds, so that a reporter imports the
result type and never the linter (``tests/test_imports.py`` enforces that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from snaplint.findings.diagnostics import Diagnostic

if TYPE_CHECKING:
    from snaplint.lint.manifest import Document, Source


@dataclass(frozen=True, slots=True)
class SuppressedFinding:
    """A finding an inline ``# snaplint: ignore[…]`` comment suppressed, with that comment's
    ``reason`` (None when it gives none). Not a diagnostic of the run: it neither prints nor
    fails; SARIF lists it as suppressed so code scanning shows it as dismissed in source."""

    diagnostic: Diagnostic
    reason: str | None


@dataclass
class LintResult:
    diagnostics: list[Diagnostic]
    sources: dict[str, Source]
    documents: list[Document]
    files: list[str]  # display paths, in lint order
    # Documents checked; differs from len(documents) when a runner (cache, workers) did not
    # keep every document in memory.
    document_count: int = -1
    # findings suppressed in source, sorted like ``diagnostics``
    suppressed: list[SuppressedFinding] = field(default_factory=list)
    # Rules that did not check some reported document because it has type errors (project rules
    # see only documents without them; manifest rules check every document): the summary says so.
    skipped_rules: int = 0

    def __post_init__(self) -> None:
        if self.document_count < 0:
            self.document_count = len(self.documents)

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
