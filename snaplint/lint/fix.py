"""Autofix: apply the edits that findings offer, and nothing else.

Each :class:`~snaplint.findings.diagnostics.Fix` is a list of structural edits (rename a key, set a
value, delete a key) addressed by JSON path. They are applied to the file's *text*: every edit
becomes a splice at the exact character range of the YAML node it touches — positions from the
same libyaml composer the linter locates findings with — and only the new fragment is rendered.
Everything outside the fixed spans stays byte-for-byte: comments, key order, quoting, indentation,
flow or block style, blank lines, line endings, a BOM, and JSON formatting.

(A ruamel.yaml round-trip load → edit → dump keeps comments and key order, but re-emits the whole
document: it normalises indentation and sequence offsets, re-wraps long flow lists and rewrites
JSON files as YAML flow style, so it cannot promise byte-for-byte output outside the fixed spans.
Splicing can, and is simpler to verify. ruamel.yaml still writes every new fragment: its
emitter decides whether a value must be quoted to keep its type under YAML 1.1.)

Fixing never breaks a file: the fixed text is linted again, and a fix is kept only if the file
does not get worse — no new load problem (syntax, duplicate key, unknown document) and no more
error-level findings than before. When a batch of fixes makes things worse, each fix is tried on
its own and only the ones that help are kept. Fixes are applied in passes until nothing more can
be fixed (a fix may only become available once another has been applied), at most
:data:`MAX_PASSES` times.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from snaplint.findings.diagnostics import Diagnostic, json_path_text
from snaplint.lint.splice import FixError, keep_comment_column, splice

MAX_PASSES = 8
BOM = "\ufeff"

# Problems of the file itself: a fix that causes one makes the file worse, whatever else it fixes.
LOAD_RULES = frozenset(
    {"yaml-syntax", "duplicate-key", "unknown-document", "empty-file", "unreadable-file"}
)

Relint = Callable[[str], list[Diagnostic]]


@dataclass
class FileFix:
    """The outcome of fixing one file."""

    path: str
    display: str
    original: str
    fixed: str
    diagnostics: list[Diagnostic]  # of the fixed text
    applied: list[Diagnostic] = field(default_factory=list)
    dropped: list[tuple[Diagnostic, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """A unified diff of the fix (empty when nothing changed). Values of secret fields are
        masked as in text snippets: the literal secret a fix replaces by a reference must not
        reach a CI log through the diff."""
        from snaplint.redaction import mask_source_line

        return "".join(
            mask_source_line(line)
            for line in difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.fixed.splitlines(keepends=True),
                fromfile=f"a/{self.display}",
                tofile=f"b/{self.display}",
            )
        )


# --------------------------------------------------------------------------- the fix loop


def applicable(diagnostics: Iterable[Diagnostic], unsafe: bool) -> list[Diagnostic]:
    """Findings whose fix may be applied (safe ones; unsafe ones only with ``unsafe``)."""
    return [d for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe)]


def worse(after: Sequence[Diagnostic], before: Sequence[Diagnostic]) -> bool:
    """Whether a fixed text is worse than the text it was fixed from: more load problems of any
    kind (counted, since their messages name line numbers that a fix may shift), or more
    error-level findings."""
    load_before = Counter(d.rule for d in before if d.rule in LOAD_RULES)
    load_after = Counter(d.rule for d in after if d.rule in LOAD_RULES)
    if any(n > load_before[rule] for rule, n in load_after.items()):
        return True
    errors = sum(1 for d in after if d.severity == "error")
    return errors > sum(1 for d in before if d.severity == "error")


def fix_text(
    text: str,
    diagnostics: list[Diagnostic],
    relint: Relint,
    *,
    unsafe: bool = False,
    path: str = "<string>",
    display: str | None = None,
) -> FileFix:
    """Apply the applicable fixes of ``diagnostics`` (findings of ``text``) until none is left."""
    result = FileFix(path, display or path, text, text, diagnostics)
    current, diags = text, diagnostics
    tried: set[tuple[Any, ...]] = set()
    for _ in range(MAX_PASSES):
        todo = [d for d in applicable(diags, unsafe) if _key(d) not in tried]
        if not todo:
            break
        candidate, applied, skipped = apply_fixes(current, todo)
        # a fix that overlapped another is neither applied nor skipped: the next pass retries it
        tried.update(_key(d) for d in applied)
        tried.update(_key(d) for d, _why in skipped)
        result.dropped.extend(skipped)
        if not applied:
            break
        after = relint(candidate)
        if not worse(after, diags):
            current, diags = candidate, after
            result.applied.extend(applied)
            continue
        # the batch made things worse: keep the fixes that do not, one at a time
        for d in applied:
            one, ok, why = apply_fixes(current, [d])
            after = relint(one) if ok else diags
            if ok and not worse(after, diags):
                current, diags = one, after
                result.applied.extend(ok)
            else:
                result.dropped.extend(why or [(d, "it would make the file worse")])
    result.fixed, result.diagnostics = current, diags
    return result


def _key(d: Diagnostic) -> tuple[Any, ...]:
    return (d.rule, d.document, d.path, d.fix.description if d.fix else None)


def apply_fixes(
    text: str, diagnostics: Sequence[Diagnostic]
) -> tuple[str, list[Diagnostic], list[tuple[Diagnostic, str]]]:
    """Apply the fixes of ``diagnostics`` that do not overlap; (text, applied, skipped)."""
    from snaplint.lint.manifest import load_text

    loaded = load_text(_strip_bom(text))
    docs = {d.index: d for d in loaded.documents}
    splices: list[tuple[int, int, str]] = []
    applied: list[Diagnostic] = []
    skipped: list[tuple[Diagnostic, str]] = []
    offset = 1 if text.startswith(BOM) else 0
    for diag in diagnostics:
        assert diag.fix is not None
        doc = docs.get(diag.document)
        if doc is None:
            skipped.append((diag, "its document no longer parses"))
            continue
        try:
            mine = [
                keep_comment_column(splice(doc, edit, loaded.source.text), loaded.source.text)
                for edit in diag.fix.edits
            ]
        except FixError as exc:
            skipped.append((diag, str(exc)))
            continue
        if any(_overlaps(s, other) for s in mine for other in splices):
            continue  # another fix touches the same text; the next pass retries it
        splices.extend(mine)
        applied.append(diag)
    out = loaded.source.text
    for start, end, new in sorted(splices, key=lambda s: (s[0], s[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return (BOM if offset else "") + out, applied, skipped


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    # two insertions at the same point would interleave; treat touching ranges as overlapping
    return a[0] <= b[1] and b[0] <= a[1]


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith(BOM) else text


# --------------------------------------------------------------------------- the CLI


def run_fixes(args: Any, linter: Any, files: Sequence[str], result: Any) -> tuple[Any, int | None]:
    """``lint --fix`` / ``--diff``: fix the linted files; (result to report, exit code or None).

    ``--fix`` writes the fixed files and returns a fresh lint result to report. ``--diff``
    writes nothing, prints a unified diff of every file it would change and returns the exit
    code: 1 when there is something to fix, 0 otherwise. For stdin, ``--fix`` prints the fixed
    text instead of a report.
    """
    from snaplint.lint.manifest import load_text

    unsafe = bool(getattr(args, "unsafe_fixes", False))
    by_file: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_file.setdefault(d.file, []).append(d)
    fixes: list[FileFix] = []
    for display, source in result.sources.items():
        diags = by_file.get(display, [])
        if not applicable(diags, unsafe):
            continue
        path = source.path

        def relint(text: str, path: str = path, display: str = display) -> list[Diagnostic]:
            loaded = load_text(_strip_bom(text), display)
            loaded.source.path = path
            return linter.lint_loaded([(path, loaded)]).diagnostics

        text = _original_text(path, source.text)
        if text is None:
            continue
        fixes.append(fix_text(text, diags, relint, unsafe=unsafe, path=path, display=display))

    changed = [f for f in fixes if f.changed]
    # unsafe fixes left over, counted on the fixed text (rules see a document only once its
    # types are right, so a first pass of safe fixes can reveal more)
    final = {f.display: f.diagnostics for f in fixes}
    hidden = sum(
        1
        for display in result.sources
        for d in final.get(display, by_file.get(display, []))
        if d.fix is not None and not d.fix.safe
    )
    if getattr(args, "diff", False):
        for f in changed:
            sys.stdout.write(f.diff())
        _summary(changed, fixes, hidden if not unsafe else 0, would=True)
        return result, 1 if changed else 0
    if "-" in files and any(f.path == "-" for f in fixes):
        fixed = next(f for f in fixes if f.path == "-")
        sys.stdout.write(fixed.fixed)
        _summary(changed, fixes, hidden if not unsafe else 0, would=False)
        return result, 1 if any(d.severity == "error" for d in fixed.diagnostics) else 0
    for f in changed:
        _write(f.path, f.fixed)
    _summary(changed, fixes, hidden if not unsafe else 0, would=False)
    if not changed:
        return result, None
    return linter.lint_files(list(files)), None


def _original_text(path: str, decoded: str) -> str | None:
    """The file's text as it is on disk (a BOM kept); None for encodings snaplint does not write."""
    if path == "-":
        return decoded
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None  # UTF-16 and the like: linted, but not rewritten
    return text if _strip_bom(text) == decoded else None  # changed since it was linted


def _write(path: str, text: str) -> None:
    """Replace a file atomically, keeping its permissions."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.snaplint-fix")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    with contextlib.suppress(OSError):  # a file system without modes: keep the default
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    os.replace(tmp, path)


def _summary(changed: list[FileFix], fixes: list[FileFix], hidden: int, *, would: bool) -> None:
    count = sum(len(f.applied) for f in changed)
    verb = "would fix" if would else "fixed"
    if count:
        files = len(changed)
        print(
            f"snaplint: {verb} {count} finding{'s' if count != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}",
            file=sys.stderr,
        )
    for f in fixes:
        for d, why in f.dropped:
            assert d.fix is not None
            print(
                f"snaplint: {f.display}:{d.line}:{d.column}: not fixed ({d.fix.description} "
                f"at {json_path_text(d.path)}): {why}",
                file=sys.stderr,
            )
    if hidden:
        print(
            f"snaplint: {hidden} more fix{'es' if hidden != 1 else ''} available with "
            "--unsafe-fixes",
            file=sys.stderr,
        )


__all__ = ["FileFix", "FixError", "apply_fixes", "fix_text", "run_fixes", "worse"]
