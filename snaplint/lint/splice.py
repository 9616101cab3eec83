"""Edits → splices: where in a file's text each structural edit of a fix lands, and the text
that replaces it.

An :class:`~snaplint.findings.diagnostics.Edit` (rename a key, set a value, delete a key) is
addressed by JSON path; :func:`splice` finds the YAML node at that path (positions from the
libyaml composer the linter locates findings with) and returns ``(start, end, new text)``,
rendering only the new fragment (ruamel.yaml decides the quoting that keeps a value's type).
The fix loop (:mod:`snaplint.lint.fix`) applies the splices and re-lints.
"""

from __future__ import annotations

import io
import json
from typing import Any

from snaplint.findings.diagnostics import Edit, JsonPath


class FixError(Exception):
    """An edit that cannot be applied to this text (missing node, unsupported layout)."""


class _Missing(FixError):
    """The path does not exist (a ``set`` then adds the key)."""


def keep_comment_column(splice: tuple[int, int, str], text: str) -> tuple[int, int, str]:
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


def splice(doc: Any, edit: Edit, text: str) -> tuple[int, int, str]:
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
