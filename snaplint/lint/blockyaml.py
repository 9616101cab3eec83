"""A fast reader for the plain block-YAML subset that nearly every manifest is written in.

libyaml composes a ~35-line manifest in ~0.25 ms, most of it spent creating a Python node
object (with two position marks) per key and value — positions that are needed only when a
finding must be located, and most files have none. This reader turns the common subset
straight into data in a fraction of that; documents read this way recompose their nodes with
libyaml on first use (:class:`snaplint.lint.manifest.Document` ``root``).

The subset: block mappings and sequences, plain scalars, single-line quoted scalars (double
quoted without escapes), one-line flow sequences of scalars, ``{}``, comments and ``---``
separators. Anything else — anchors, aliases, merge keys, tags, block scalars, multi-line
scalars, flow mappings, escapes, duplicate keys, tabs, CR, characters outside
``str.isprintable``, anything libyaml would call an error — makes :func:`read` return None,
and the caller uses libyaml, which gives the exact data or the exact error. So this reader
never has to be right about anything unusual; it only has to recognise that it is unusual.
``tests/test_blockyaml.py`` checks that it yields exactly libyaml's data (types, key order)
wherever it answers, on every example and rule case and on generated documents.
"""

from __future__ import annotations

from typing import Any

from snaplint.lint.problem import MAX_NESTING
from snaplint.lint.yamlnodes import MISFIT, UNSUPPORTED, plain_value

# a plain scalar (key or value) cannot start with these; "-", "?" and ":" are allowed when
# followed by a non-space, but such values are rare enough to leave to libyaml
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_STOP = frozenset(",[]{}#:'\"")  # characters that end or complicate a flow plain item


class _Unusual(Exception):
    """Raised internally: leave this text to libyaml."""


def read(text: str) -> list[Any] | None:
    """The data of every non-empty document of ``text``, or None when libyaml must read it."""
    try:
        return _read(text)
    except _Unusual:
        return None


def _read(text: str) -> list[Any]:
    # one check for the whole text instead of one per line ("\n" itself is not printable)
    if "\r" in text or "\t" in text or not text.replace("\n", " ").isprintable():
        raise _Unusual
    docs: list[Any] = []
    # the open containers, innermost last: (indent, container, opened at its key's indent)
    stack: list[tuple[int, Any, bool]] = []
    pending: tuple[Any, Any, int] | None = None  # (container, key or index, indent) awaiting
    root: Any = None

    for line in text.split("\n"):
        if not line:
            continue
        rest = line.lstrip(" ")
        if not rest or rest[0] == "#":
            continue
        indent = len(line) - len(rest)
        if indent == 0 and rest[0] in "-.%" and (rest[:3] in ("---", "...") or rest[0] == "%"):
            if rest[:3] != "---" or not _blank_after(rest, 3):
                raise _Unusual  # "..." ends, "%" directives, "--- value": libyaml
            if pending is not None:
                _settle_null(pending)
                pending = None
            if root is not None:
                docs.append(root)
            root, stack = None, []
            continue

        dash = rest[0] == "-" and (len(rest) == 1 or rest[1] == " ")

        if pending is not None:
            parent, slot, at = pending
            pending = None
            if indent > at or (dash and indent == at and isinstance(parent, dict)):
                child: Any = [] if dash else {}
                parent[slot] = child
                stack.append((indent, child, indent == at))
                if len(stack) > MAX_NESTING:
                    raise _Unusual  # libyaml's path reports the limit
            else:
                parent[slot] = None
        if root is None:
            root = [] if dash else {}
            stack = [(indent, root, False)]

        # close the containers this line has left
        while stack[-1][0] > indent:
            stack.pop()
            if not stack:
                raise _Unusual  # less indented than the document's root
        top_indent, top, same_indent = stack[-1]
        if top_indent != indent:
            raise _Unusual  # deeper than any container: a continuation line, or an error
        if not dash and isinstance(top, list):
            if not same_indent:
                raise _Unusual
            stack.pop()  # a sequence written at its key's indent ends at the next key
            if not stack:
                raise _Unusual
            top_indent, top, same_indent = stack[-1]
            if top_indent != indent or not isinstance(top, dict):
                raise _Unusual
        elif dash != isinstance(top, list):
            raise _Unusual

        if dash:
            item = rest[2:].lstrip(" ") if len(rest) > 1 else ""
            top.append(None)
            if not item or item[0] == "#":
                pending = (top, len(top) - 1, indent)
                continue
            if item[0] == "-" and (len(item) == 1 or item[1] == " "):
                raise _Unusual  # "- - x": nested sequences on one line
            key_end = _key_end(item)
            if key_end < 0:
                top[-1] = _value(item)
                continue
            # "- key: value" opens a mapping at the column of its key
            mapping: dict[str, Any] = {}
            top[-1] = mapping
            column = len(line) - len(item)
            stack.append((column, mapping, False))
            if len(stack) > MAX_NESTING:
                raise _Unusual
            pending = _entry(mapping, item, key_end, column)
            continue

        key_end = _key_end(rest)
        if key_end < 0:
            raise _Unusual  # a scalar where a key belongs (or a multi-line scalar)
        pending = _entry(top, rest, key_end, indent)

    if pending is not None:
        _settle_null(pending)
    if root is not None:
        docs.append(root)
    return docs


def _settle_null(pending: tuple[Any, Any, int]) -> None:
    parent, slot, _ = pending
    parent[slot] = None


def _blank_after(s: str, i: int) -> bool:
    """Nothing but spaces and a comment from ``s[i]`` on."""
    tail = s[i:]
    stripped = tail.lstrip(" ")
    return not stripped or (stripped[0] == "#" and len(stripped) < len(tail))


def _key_end(s: str) -> int:
    """Index of the ':' that ends a simple key at the start of ``s``, or -1 if none."""
    c = s[0]
    if c in "\"'":
        end = _quote_end(s, 0)
        if end > 1000:
            raise _Unusual  # libyaml's 1024-character limit on simple keys
        if end + 1 < len(s) and s[end + 1] == ":" and (end + 2 == len(s) or s[end + 2] == " "):
            return end + 1
        if _blank_after(s, end + 1):
            return -1  # a quoted scalar ("- 'x'"); a mapping line without a key is refused
        raise _Unusual  # '"a" : 1', '"a"b', or a quoted scalar value in a sequence
    i = s.find(": ")
    if i < 0:
        i = len(s) - 1 if s[-1] == ":" else -1
    if i <= 0:
        # a plain scalar, or something libyaml must judge (": x")
        if i == 0:
            raise _Unusual
        return -1
    key = s[:i]
    if c in _NOT_PLAIN_START or "#" in key or key[-1] == " " or len(key) > 1000:
        raise _Unusual  # indicators, comments, padded or over-long keys (libyaml's 1024 limit)
    return i


def _entry(mapping: dict[str, Any], s: str, colon: int, indent: int) -> tuple[Any, Any, int] | None:
    """Store ``key: value`` of ``s``; returns the pending slot when the value is a block."""
    key = s[:colon]
    if key[0] in "\"'":
        key = _quoted(key, 0, len(key) - 1)
    if key in mapping or key == "<<":
        raise _Unusual  # duplicates and merges: libyaml reports or applies them
    value = s[colon + 1 :].lstrip(" ")
    if not value or value[0] == "#":
        mapping[key] = None
        return (mapping, key, indent)
    # most values repeat across manifests (0, 1, true, "jpg", regions…): remember scalars
    known = _SCALARS.get(value, _Unusual)
    if known is _Unusual:
        known = _value(value)
        if known.__class__ not in (list, dict) and len(_SCALARS) < _SCALARS_MAX:
            _SCALARS[value] = known
    mapping[key] = known
    return None


_SCALARS: dict[str, Any] = {}  # value text → its data (immutable scalars only)
# the values that repeat are few and come early; names and uids are unique and would only fill
# it, so the memo stays small (memory must not grow with the tree)
_SCALARS_MAX = 1024


def _value(s: str) -> Any:
    """A value written on one line (``s`` starts at its first character, not a space)."""
    c = s[0]
    if c in "\"'":
        end = _quote_end(s, 0)
        if not _blank_after(s, end + 1):
            raise _Unusual
        return _quoted(s, 0, end)
    if c == "[":
        return _flow_sequence(s)
    if c == "{":
        close = s.find("}")
        if close < 0 or s[1:close].strip(" ") or not _blank_after(s, close + 1):
            raise _Unusual  # flow mappings: libyaml
        return {}
    if c in _NOT_PLAIN_START:
        raise _Unusual
    cut = s.find(" #")
    if cut >= 0:
        s = s[:cut]
    s = s.rstrip(" ")
    if ": " in s or s[-1] == ":":
        raise _Unusual  # "a: b: c" is an error; libyaml says which
    return _plain(s)


def _plain(s: str) -> Any:
    value = plain_value(s)
    if value is UNSUPPORTED or value is MISFIT:  # the node path reports both
        raise _Unusual
    return value


def _quote_end(s: str, start: int) -> int:
    """Index of the quote closing the quoted scalar that opens at ``s[start]``."""
    q = s[start]
    i = start + 1
    while True:
        j = s.find(q, i)
        if j < 0:
            raise _Unusual  # runs on to another line
        if q == '"':
            if "\\" in s[start + 1 : j]:
                raise _Unusual  # escapes: libyaml
            return j
        if j + 1 < len(s) and s[j + 1] == "'":
            i = j + 2  # '' is an escaped quote
            continue
        return j


def _quoted(s: str, start: int, end: int) -> str:
    body = s[start + 1 : end]
    return body.replace("''", "'") if s[start] == "'" else body


def _flow_sequence(s: str) -> list[Any]:
    """``[a, "b", 3]`` on one line, items scalars only."""
    items: list[Any] = []
    i, n = 1, len(s)
    while True:
        while i < n and s[i] == " ":
            i += 1
        if i >= n:
            raise _Unusual  # continues on the next line
        c = s[i]
        if c == "]" and not items:
            i += 1
            break
        if c in "\"'":
            end = _quote_end(s, i)
            items.append(_quoted(s, i, end))
            i = end + 1
        else:
            j = i
            while j < n and s[j] not in _FLOW_STOP:
                j += 1
            word = s[i:j].rstrip(" ")
            if not word or word[0] in _NOT_PLAIN_START:
                raise _Unusual
            items.append(_plain(word))
            i = j
        while i < n and s[i] == " ":
            i += 1
        if i >= n:
            raise _Unusual
        if s[i] == "]":
            i += 1
            break
        if s[i] != ",":
            raise _Unusual
        i += 1
        k = i
        while k < n and s[k] == " ":
            k += 1
        if k >= n or s[k] == "]":
            raise _Unusual  # "[a, ]" or a line break inside: libyaml
    if not _blank_after(s, i):
        raise _Unusual
    return items
