"""What a lint run hands its reporters: :class:`LintResult`, a value. Reporters import this
module, never the linter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snaplint.findings.diagnostics import Diagnostic
    from snaplint.lint.manifest import Document, Source


@dataclass
class LintResult:
    diagnostics: list[Diagnostic]
    sources: dict[str, Source]
    documents: list[Document]
    files: list[str]  # display paths, in lint order
    # Documents checked; differs from len(documents) when a runner (cache, workers) did not
    # keep every document in memory.
    document_count: int = -1

    def __post_init__(self) -> None:
        if self.document_count < 0:
            self.document_count = len(self.documents)

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
