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
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from snaplint.findings.diagnostics import Diagnostic, Edit, JsonPath, json_path_text

MAX_PASSES = 8
BOM = "\ufeff"

# Problems of the file itself: a fix that causes one makes the file worse, whatever else it fixes.
LOAD_RULES = frozenset(
    {"yaml-syntax", "duplicate-key", "unknown-document", "empty-file", "unreadable-file"}
)

Relint = Callable[[str], list[Diagnostic]]


class FixError(Exception):
    """An edit that cannot be applied to this text (missing node, unsupported layout)."""


class _Missing(FixError):
    """The path does not exist (a ``set`` then adds the key)."""


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
                _keep_comment_column(_splice(doc, edit, loaded.source.text), loaded.source.text)
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


def _keep_comment_column(splice: tuple[int, int, str], text: str) -> tuple[int, int, str]:
    """Keep an aligned trailing comment in its column when a fix changes the line's length."""
    start, end, new = splice
    delta = len(new) - (end - start)
    if delta == 0 or "\n" in new or "\n" in text[start:end]:
        return splice
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    hash_at = _comment_start(rest)
    if hash_at is None:
        return splice
    gap_start = len(rest[:hash_at].rstrip(" "))
    spaces = (hash_at - gap_start) - delta
    return start, end + hash_at, new + rest[:gap_start] + " " * max(spaces, 1)


def _comment_start(rest: str) -> int | None:
    """Index of the ``#`` that starts a comment in the rest of a line (not one inside quotes)."""
    quote = None
    for i, c in enumerate(rest):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and i > 0 and rest[i - 1] in " \t":
            return i
    return None


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    # two insertions at the same point would interleave; treat touching ranges as overlapping
    return a[0] <= b[1] and b[0] <= a[1]


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith(BOM) else text


# --------------------------------------------------------------------------- edits → splices


def _walk(root: Any, path: JsonPath) -> tuple[Any, Any, Any]:
    """(parent node, key node or None, value node) at ``path``; FixError if it does not exist."""
    parent, key, node = None, None, root
    counts = _shared_nodes(root)
    for part in path:
        if counts.get(id(node), 0) > 1:
            raise FixError("the value is shared through a YAML alias")
        parent = node
        if node.id == "mapping" and isinstance(part, str):
            for k, v in reversed(node.value):  # the last duplicate wins, as in the data
                if k.id == "scalar" and k.value == part:
                    key, node = k, v
                    break
            else:
                raise _Missing(f"{part} is not in the document")
        elif node.id == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
            key, node = None, node.value[part]
        else:
            raise _Missing(f"{part} is not in the document")
    if counts.get(id(node), 0) > 1:
        raise FixError("the value is shared through a YAML alias")
    return parent, key, node


def _shared_nodes(root: Any) -> dict[int, int]:
    """How often each node is reached (more than once: through an alias)."""
    counts: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        counts[id(node)] = counts.get(id(node), 0) + 1
        if counts[id(node)] > 1:
            continue
        if node.id == "mapping":
            for k, v in node.value:
                stack.extend((k, v))
        elif node.id == "sequence":
            stack.extend(node.value)
    return counts


def _splice(doc: Any, edit: Edit, text: str) -> tuple[int, int, str]:
    flow_file = doc.source.display.endswith(".json") or bool(getattr(doc.root, "flow_style", False))
    if edit.op == "rename":
        assert edit.new_key is not None
        _parent, key, _node = _walk(doc.root, edit.path)
        if key is None:
            raise FixError("only mapping keys can be renamed")
        return key.start_mark.index, key.end_mark.index, _scalar_like(key, edit.new_key, text)
    if edit.op == "set":
        try:
            parent, key, node = _walk(doc.root, edit.path)
        except _Missing:
            return _insert(doc, edit, text, flow_file)
        return _replace(node, edit.value, text, flow_file or _in_flow(parent))
    if edit.op == "delete":
        return _delete(doc, edit, text)
    raise FixError(f"unknown edit {edit.op!r}")


def _in_flow(node: Any) -> bool:
    return bool(node is not None and getattr(node, "flow_style", False))


def _replace(node: Any, value: Any, text: str, flow: bool) -> tuple[int, int, str]:
    start, end = node.start_mark.index, node.end_mark.index
    if node.id != "scalar" and not getattr(node, "flow_style", False):
        raise FixError("a block collection is not rewritten in place")
    if node.id == "scalar" and start == end:
        raise FixError("the value is empty")
    if isinstance(value, list) and len(value) == 1 and node.id == "scalar":
        old = text[start:end]
        if _same_scalar(node, value[0]):
            return start, end, f"[{old}]"  # wrapping keeps the scalar exactly as written
    if node.id == "scalar" and isinstance(value, str) and node.style in ("'", '"'):
        return start, end, _quoted(value, node.style)
    new = render(value, flow=flow)
    if node.id == "scalar" and node.style in ("|", ">"):
        # a block scalar runs to the start of the next line: keep that line break
        old = text[start:end]
        new += old[len(old.rstrip("\r\n")) :]
    return start, end, new


def _same_scalar(node: Any, value: Any) -> bool:
    # the value came from this node's data: a string equal to the node's text is that text
    if isinstance(value, str):
        return node.value == value
    return node.value == render(value, flow=True)


def _insert(doc: Any, edit: Edit, text: str, flow_file: bool) -> tuple[int, int, str]:
    *parent_path, name = edit.path
    if not isinstance(name, str):
        raise FixError("only mapping keys can be added")
    _grand, _key, mapping = _walk(doc.root, tuple(parent_path))
    if mapping.id != "mapping" or not mapping.value:
        raise FixError("keys are added only to non-empty mappings")
    first_key, _ = mapping.value[0]
    last_key, last_value = mapping.value[-1]
    flow = flow_file or _in_flow(mapping)
    key_text = _key_text(name, first_key)
    value_text = render(edit.value, flow=flow or bool(getattr(mapping, "flow_style", False)))
    if getattr(mapping, "flow_style", False):
        at = _end_of(last_value)
        if last_key.start_mark.line == mapping.start_mark.line:
            return at, at, f", {key_text}: {value_text}"
        indent = " " * last_key.start_mark.column
        return at, at, f",{_newline(text)}{indent}{key_text}: {value_text}"
    at = _line_after(text, _end_of(last_value))
    prefix = "" if at == 0 or text[at - 1] in "\r\n" else _newline(text)
    indent = " " * first_key.start_mark.column
    return at, at, f"{prefix}{indent}{key_text}: {value_text}{_newline(text)}"


def _delete(doc: Any, edit: Edit, text: str) -> tuple[int, int, str]:
    parent, key, node = _walk(doc.root, edit.path)
    if key is None or parent is None or parent.id != "mapping":
        raise FixError("only mapping keys can be deleted")
    if len(parent.value) == 1:
        raise FixError("deleting the only key would leave an empty mapping")
    start = key.start_mark.index
    if getattr(parent, "flow_style", False):
        pairs = parent.value
        index = next(i for i, (k, _v) in enumerate(pairs) if k is key)
        end = _end_of(node)
        if index + 1 < len(pairs):  # up to the next key, taking the comma with it
            return start, pairs[index + 1][0].start_mark.index, ""
        before = _end_of(pairs[index - 1][1])
        return before, end, ""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        raise FixError("the key is not at the start of its line")
    return line_start, _line_after(text, _end_of(node)), ""


def _end_of(node: Any) -> int:
    """End of the last character a node's own text occupies (block collections end early)."""
    while node.id in ("mapping", "sequence") and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if node.id == "mapping" else last
    return node.end_mark.index


def _line_after(text: str, index: int) -> int:
    """Start of the line after the one holding ``index`` (block scalars end at a line start)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# --------------------------------------------------------------------------- rendering


def render(value: Any, *, flow: bool = False) -> str:
    """A value as source text on one line.

    ``flow`` (JSON files, and values inside flow collections): JSON, which is valid there too.
    Otherwise YAML 1.1 from ruamel.yaml's emitter, which knows exactly when a string must be
    quoted to stay a string (``'yes'``, ``'910001'``, ``'0x1F'``, ``'a: b'``); 1.1 because the
    linter's parser (libyaml) reads YAML 1.1.
    """
    if flow:
        try:
            return json.dumps(value, ensure_ascii=False)
        except TypeError as exc:
            raise FixError(f"cannot write a {type(value).__name__}") from exc
    return _yaml_fragment(value)


_EMITTER: Any = None


def _yaml_fragment(value: Any) -> str:
    """One-line YAML: collections in flow style, scalars as ruamel.yaml's emitter writes them,
    except that a string needing quotes gets double quotes (as in the Agora docs and JSON)."""
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_fragment(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_yaml_fragment(k)}: {_yaml_fragment(v)}" for k, v in value.items())
            + "}"
        )
    global _EMITTER
    if _EMITTER is None:
        from ruamel.yaml import YAML

        _EMITTER = YAML(typ="rt")
        _EMITTER.version = (1, 1)
        _EMITTER.width = 2**30  # one line, however long
    out = io.StringIO()
    try:
        _EMITTER.dump(value, out)
    except Exception as exc:  # ruamel raises its own RepresenterError for unknown types
        raise FixError(f"cannot write a {type(value).__name__}") from exc
    # "%YAML 1.1\n--- <value>\n[...\n]": keep only the value
    text = out.getvalue().partition("\n--- ")[2].removesuffix("\n...\n").removesuffix("\n")
    if isinstance(value, str) and text.startswith("'"):
        return json.dumps(value, ensure_ascii=False)
    return text


def _quoted(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def _scalar_like(node: Any, value: str, text: str) -> str:
    """A new key or string written in the quoting style of ``node``."""
    if node.style in ("'", '"'):
        return _quoted(value, node.style)
    return render(value)


def _key_text(name: str, sibling: Any) -> str:
    return _quoted(name, sibling.style) if sibling.style in ("'", '"') else render(name)


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


__all__ = ["FileFix", "FixError", "apply_fixes", "fix_text", "render", "run_fixes", "worse"]
