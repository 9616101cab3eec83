"""Gathering a run's outcomes, one file at a time, into the :class:`LintResult` reporters take.

Kept apart from :mod:`snaplint.lint.linter` (which checks) and :mod:`snaplint.lint.runner`
(which schedules): both the in-process path and the runner's streaming path feed one
:class:`Results`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from snaplint.findings.diagnostics import Diagnostic
from snaplint.findings.result import LintResult, SuppressedFinding
from snaplint.lint.schema import DEFAULT_RULE

WRONG_TYPE = DEFAULT_RULE["type"]  # a document with a type error is kept from project rules

if TYPE_CHECKING:
    from snaplint.lint.linter import FileOutcome, Linter
    from snaplint.lint.manifest import Document, Source


# findings that mean a file could not be read as YAML at all
_BROKEN = frozenset({"yaml-syntax", "unreadable-file", "file-too-large"})


def _warn_broken_context(o: FileOutcome) -> None:
    """A context file (read for project rules, not asked for) that is broken is said on its own
    path, on stderr: the files asked for are still linted and reported as usual."""
    broken = next((d for d in o.diagnostics if d.rule in _BROKEN), None)
    if broken is None:
        return
    import sys

    from snaplint.findings.escape import escape

    print(
        f"snaplint: warning: {escape(o.display)}:{broken.line}:{broken.column}: {broken.rule} "
        f"{escape(broken.message)} (a project file read as context; project rules did not see "
        "its jobs)",
        file=sys.stderr,
    )


class Results:
    """What a run reports, gathered one file at a time.

    Only what the report needs is kept: the display path of each reported file (the result
    list), and whole outcomes only of files with findings or suppression comments. A clean
    file costs one list entry, however large the tree.
    """

    def __init__(self, linter: Linter) -> None:
        self.linter = linter
        self.report_only = linter.options.report_only
        self.files: list[str] = []  # reported files, in lint order
        self.per_file: dict[str, list[Diagnostic]] = {}
        self.sources: dict[str, Source] = {}
        self.documents: list[Document] = []
        self.document_count = 0
        # with report_only (pre-commit), the displays to report: a handful
        self._reported: set[str] | None = None if self.report_only is None else set()

    def reported(self, real: str) -> bool:
        return self.report_only is None or real in self.report_only

    def add(self, o: FileOutcome) -> None:
        self.add_file(o.display, o.real)
        self.add_findings(o)

    def add_file(self, display: str, real: str) -> None:
        """A file of the run, in lint order (its outcome may come later: :meth:`add_findings`)."""
        if not self.reported(real):
            return  # context for project rules: not "checked" for the user
        self.files.append(display)
        if self._reported is not None:
            self._reported.add(display)

    def add_findings(self, o: FileOutcome) -> None:
        """A file's outcome: its findings, document count, source (for suppressions)."""
        self.documents.extend(o.documents)
        if not self.reported(o.real):
            _warn_broken_context(o)
            return
        self.document_count += o.document_count
        if o.source is not None:
            self.sources[o.display] = o.source
        if o.diagnostics or o.source is not None:
            self.per_file[o.display] = list(o.diagnostics)

    def add_clean(self, real: str, document_count: int) -> None:
        """The outcome of a file without findings or suppression comments."""
        if self.reported(real):
            self.document_count += document_count

    def result(self, project: Iterable[Diagnostic]) -> LintResult:
        """The run's result, with the project rules' findings added."""
        linter = self.linter
        for diag in project:
            if self._reported is None or diag.file in self._reported:
                self.per_file.setdefault(diag.file, []).append(diag)
        out: list[Diagnostic] = []
        suppressed: list[SuppressedFinding] = []  # for SARIF, which lists them as suppressed
        for display, diags in self.per_file.items():
            out.extend(linter.file_filters(display, diags, self.sources.get(display), suppressed))
        out.sort(key=Diagnostic.sort_key)
        suppressed.sort(key=lambda s: Diagnostic.sort_key(s.diagnostic))
        result = LintResult(
            out, self.sources, self.documents, self.files, self.document_count, suppressed
        )
        if linter.project_rules and self._type_errors():
            result.skipped_rules = len(linter.project_rules)
        return result

    def _type_errors(self) -> bool:
        """Whether a reported document has a type error (told by its findings before
        suppressions, which is what the cache keeps too)."""
        return any(d.rule == WRONG_TYPE for diags in self.per_file.values() for d in diags)
