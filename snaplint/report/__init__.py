"""One module per output format; each renders a LintResult to a text stream.

A reporter module exposes ``render(result, stream, options) -> None``.
``REPORTERS`` maps the ``--format`` name to the module (imported lazily, so
the lint path only loads the format it prints).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_",
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


def reporter(name: str) -> ModuleType:
    return importlib.import_module(f"snaplint.report.{REPORTERS[name]}")
