"""Reading rule test cases: ``# case: {json}`` headers and ``# expect: rule-id`` markers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CASE = re.compile(r"^#\s*case:\s*(\{.*\})\s*$")
_EXPECT = re.compile(r"#\s*expect:\s*([A-Za-z0-9,\s-]+?)\s*$")


@dataclass
class Case:
    settings: dict[str, Any] = field(default_factory=dict)
    expected: set[tuple[int, str]] = field(default_factory=set)


def read_case(text: str) -> Case:
    case = Case()
    lines = text.splitlines()
    if lines:
        m = _CASE.match(lines[0].strip())
        if m:
            case.settings = json.loads(m.group(1))
    for number, line in enumerate(lines, start=1):
        m = _EXPECT.search(line)
        if m:
            for rule in m.group(1).split(","):
                if rule.strip():
                    case.expected.add((number, rule.strip()))
    return case


def linter_for(settings: dict[str, Any], table: Any) -> Any:
    """A Linter configured from a case header (config keys as in .snaplint.yaml, plus CLI options)."""
    from datetime import UTC, datetime

    from snaplint.config import _build
    from snaplint.lint.linter import Linter, LintOptions

    cli_keys = {"mode", "resolve-env", "env", "now"}
    raw = {k: v for k, v in settings.items() if k not in cli_keys}
    config = _build(raw, Path.cwd() / ".snaplint.yaml")
    config.root = None
    now = settings.get("now")
    options = LintOptions(
        mode=settings.get("mode"),
        resolve_env=bool(settings.get("resolve-env")),
        env=settings.get("env", {}),
        now=datetime.fromisoformat(now) if now else datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    )
    return Linter(config, table, options)


def lint_case_text(text: str, table: Any, filename: str = "case.yaml") -> list[Any]:
    from snaplint.lint.manifest import load_text

    linter = linter_for(read_case(text).settings, table)
    return linter.lint_loaded([(filename, load_text(text, filename))]).diagnostics


def lint_case_file(path: Path, table: Any) -> list[Any]:
    text = path.read_bytes().decode("utf-8", "replace")
    linter = linter_for(read_case(text).settings, table)
    return linter.lint_files([str(path)]).diagnostics
