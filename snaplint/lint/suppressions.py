"""Inline suppressions: ``# snaplint: ignore[RULE, …] reason="…" until=YYYY-MM-DD``.

* A trailing comment suppresses findings on its own line; a comment alone on
  its line suppresses the next line that is not a comment.
* ``# snaplint: ignore-file[RULE, …] reason="…"`` suppresses in the whole file.
* ``reason`` is required unless the config says otherwise; ``until`` makes a
  suppression expire: afterwards it no longer applies and is itself a finding.
* A suppression that suppresses nothing is a finding (like ruff's RUF100), and
  rules declared not suppressible cannot be suppressed inline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from snaplint.findings.diagnostics import Diagnostic, Span
from snaplint.findings.result import SuppressedFinding

_COMMENT = re.compile(r"(?:^|\s)(#\s*snaplint:\s*(ignore-file|ignore)\b(\[[^\]]*\])?(.*))$")
_PARAM = re.compile(r"""(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))""")

UNUSED = "unused-suppression"
MISSING_REASON = "suppression-missing-reason"
EXPIRED = "suppression-expired"
INVALID = "invalid-suppression"


@dataclass
class Suppression:
    span: Span  # the comment
    whole_file: bool
    target_line: int
    rules: list[str]  # as written (IDs or codes)
    reason: str | None
    until: date | None
    problems: list[tuple[str, str]] = field(
        default_factory=list
    )  # (rule, message) about the comment
    used: set[str] = field(default_factory=set)


def parse(lines: Sequence[str], today: date) -> list[Suppression]:
    """Suppression comments of a file (the caller checks ``"snaplint:" in text`` first)."""
    out: list[Suppression] = []
    for number, line in enumerate(lines, start=1):
        if "snaplint:" not in line:
            continue
        m = _COMMENT.search(line)
        if not m:
            continue
        col = m.start(1) + 1
        span = Span(number, col, number, len(line.rstrip()) + 1)
        whole_file = m.group(2) == "ignore-file"
        own_line = line[: m.start(1)].strip() == ""
        target = number
        if own_line and not whole_file:
            target = _next_code_line(lines, number)
        s = Suppression(span, whole_file, target, [], None, None)
        rules_text = m.group(3)
        if not rules_text or not rules_text.strip("[] "):
            s.problems.append((INVALID, "a suppression must name its rules: ignore[RULE, …]"))
        else:
            s.rules = [r.strip() for r in rules_text[1:-1].split(",") if r.strip()]
        for pm in _PARAM.finditer(m.group(4)):
            key, value = pm.group(1), next(g for g in pm.group(2, 3, 4) if g is not None)
            if key == "reason":
                s.reason = value.strip() or None
            elif key == "until":
                try:
                    s.until = date.fromisoformat(value)
                except ValueError:
                    s.problems.append((INVALID, f"until must be a date YYYY-MM-DD (got {value!r})"))
            else:
                s.problems.append(
                    (
                        INVALID,
                        f'unknown suppression option {key!r}; use reason="…" and until=YYYY-MM-DD',
                    )
                )
        out.append(s)
    return out


def _next_code_line(lines: Sequence[str], number: int) -> int:
    for i in range(number, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i + 1
    return number + 1


def apply(
    diagnostics: list[Diagnostic],
    suppressions: list[Suppression],
    *,
    file: str,
    today: date,
    resolve: Callable[[str], str | None],
    suppressible: Callable[[str], bool],
    require_reason: bool,
    stamp: Callable[[str, str, Span], Diagnostic | None],
    suppressed: list[SuppressedFinding] | None = None,
) -> list[Diagnostic]:
    """Drop suppressed diagnostics; add findings about the suppressions themselves.

    ``resolve`` maps an ID or code to a rule ID (None if unknown); ``stamp``
    builds a diagnostic for a housekeeping rule (None when that rule is disabled).
    The dropped diagnostics are appended to ``suppressed`` (when given) with the reason of
    the first comment that suppressed them, for reports that list them as suppressed.
    """
    extra: list[Diagnostic] = []
    active: list[tuple[Suppression, dict[str, str]]] = []
    for s in suppressions:
        for rule, message in s.problems:
            _add(extra, stamp(rule, message, s.span))
        resolved: dict[str, str] = {}
        for written in s.rules:
            rid = resolve(written)
            if rid is None:
                _add(extra, stamp(INVALID, f"unknown rule {written!r} in suppression", s.span))
            elif not suppressible(rid):
                _add(
                    extra,
                    stamp(
                        INVALID, f"rule {rid} cannot be suppressed; fix the finding instead", s.span
                    ),
                )
            else:
                resolved[rid] = written
        if s.until is not None and s.until < today:
            _add(
                extra,
                stamp(
                    EXPIRED,
                    f"suppression expired on {s.until.isoformat()}; fix the finding or extend it",
                    s.span,
                ),
            )
            continue
        if require_reason and not s.reason and resolved:
            _add(extra, stamp(MISSING_REASON, 'suppression needs a reason: add reason="…"', s.span))
        active.append((s, resolved))

    kept: list[Diagnostic] = []
    for d in diagnostics:
        by: Suppression | None = None
        for s, resolved in active:
            if d.rule in resolved and (s.whole_file or s.target_line == d.line):
                s.used.add(d.rule)
                by = by or s
        if by is None:
            kept.append(d)
        elif suppressed is not None:
            suppressed.append(SuppressedFinding(d, by.reason))
    for s, resolved in active:
        for rid, written in resolved.items():
            if rid not in s.used:
                _add(
                    extra,
                    stamp(
                        UNUSED, f"unused suppression: no {written} finding to suppress here", s.span
                    ),
                )
    return kept + [replace(d, file=file) for d in extra]


def _add(out: list[Diagnostic], diagnostic: Diagnostic | None) -> None:
    if diagnostic is not None:
        out.append(diagnostic)
