"""libyaml's composer, node → data conversion and node positions.

libyaml's C composer (PyYAML ``CSafeLoader``) keeps the line and column of every
node. Plain block YAML is first read by :mod:`snaplint.lint.blockyaml`, which gives the
same data faster; such documents are composed here only when a position is needed.
Everything else is composed here directly. Nodes are converted to plain Python
data iteratively (no recursion: a 10,000-level document is data, not a crash).

This module is imported only when something is parsed or located, so a run
served entirely from the cache never loads PyYAML.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from snaplint.findings.diagnostics import JsonPath, Span, Target
from snaplint.lint.problem import MAX_EXPANDED_NODES, MAX_NESTING, Problem

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_AS_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", _STR}
_INT = "tag:yaml.org,2002:int"
_PLAIN = "?"  # a plain scalar whose type is resolved lazily by _plain_tag
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_WILDCARD = _IMPLICIT.get(None, [])
_TAG_CACHE: dict[str, str] = {}


def _plain_tag(value: str) -> str:
    """YAML 1.1 implicit typing of a plain scalar, exactly as PyYAML's Resolver does it."""
    tag = _TAG_CACHE.get(value)
    if tag is None:
        tag = _STR
        for candidate, regexp in _IMPLICIT.get(value[:1], []) + _WILDCARD:
            if regexp.match(value):
                tag = candidate
                break
        if len(_TAG_CACHE) < 4096:
            _TAG_CACHE[value] = tag
    return tag


class _Loader(yaml.CSafeLoader):
    """libyaml's composer without PyYAML's per-node Python resolver callbacks.

    PyYAML resolves every node's tag through three Python calls while composing,
    which costs more than parsing itself; here plain scalars get the ``?`` tag and
    are typed lazily (and cached) during conversion.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _MAP if kind is MappingNode else _SEQ


def compose(text: str, problems: list[Problem]) -> Iterator[tuple[int, Node, Any]]:
    """(index, root node, data) of every non-empty document; problems are appended as found.

    A syntax error ends the stream: the documents before it are still yielded.
    """
    has_aliases = "*" in text or "<<" in text
    index = 0
    try:
        for root in yaml.compose_all(text, Loader=_Loader):
            if root is None or (
                isinstance(root, ScalarNode)
                and (_plain_tag(root.value) if root.tag == _PLAIN else root.tag).endswith(":null")
            ):
                continue  # an empty document between separators
            data = _to_data(root, has_aliases, problems, index)
            if data is not _INVALID:
                yield index, root, data
            index += 1
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, index, text))
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        problems.append(Problem("yaml-syntax", f"invalid YAML: {exc}", Span(1, 1, 1, 2), (), index))
    except RecursionError:
        problems.append(
            Problem(
                "yaml-syntax",
                f"document is nested more than {MAX_NESTING} levels deep; not linted",
                Span(1, 1, 1, 2),
                (),
                index,
            )
        )


def locate(root: Node, source: Any, path: JsonPath, target: Target = "value") -> Span:
    """Span of the key or value at ``path`` below ``root`` (see ``Document.locate``)."""
    key_node, node, complete = _walk(root, path)
    if not complete or target == "key":
        chosen = key_node if key_node is not None else node
    elif isinstance(node, ScalarNode) or _single_line(node):
        chosen = node
        if _empty(node) and key_node is not None:
            chosen = key_node
    else:
        chosen = key_node if key_node is not None else node
    return _span(chosen, source)


def _span(node: Node, source: Any) -> Span:
    start, end = node.start_mark, node.end_mark
    line, col = start.line + 1, start.column + 1
    if isinstance(node, ScalarNode) or _single_line(node):
        end_line, end_col = end.line + 1, end.column + 1
        if (end_line, end_col) <= (line, col):
            end_line, end_col = line, col + 1
        return Span(line, col, end_line, end_col)
    # a block collection: its first line
    text = source.line(line)
    return Span(line, col, line, max(len(text.rstrip()) + 1, col + 1))


def _single_line(node: Node) -> bool:
    return node.start_mark.line == node.end_mark.line


def _empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.start_mark.index == node.end_mark.index


def _walk(root: Node, path: JsonPath) -> tuple[Node | None, Node, bool]:
    key_node: Node | None = None
    node = root
    for part in path:
        if isinstance(node, MappingNode) and isinstance(part, str):
            for k, v in reversed(node.value):  # the last duplicate wins, as in the data
                if isinstance(k, ScalarNode) and k.value == part:
                    key_node, node = k, v
                    break
            else:
                return key_node, node, False
        elif (
            isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
        ):
            key_node, node = None, node.value[part]
        else:
            return key_node, node, False
    return key_node, node, True


def _syntax_problem(exc: yaml.MarkedYAMLError, index: int, text: str) -> Problem:
    mark, context = exc.problem_mark, exc.context_mark
    problem = exc.problem or "invalid YAML"
    # an unterminated quote or bracket is found at the end of the file; point at where it began
    if context is not None and (mark is None or "end of stream" in problem):
        mark, context = context, None
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"invalid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context}"
        if context is not None and mark is not None and context.line != mark.line:
            message += f" at line {context.line + 1}"
        message += ")"
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message += "; YAML does not allow tabs for indentation, use spaces"
    elif mark is not None and exc.context and "flow" in exc.context:
        message += _flow_reference_hint(text, mark.index)
    return Problem("yaml-syntax", message, Span(line, col, line, col + 1), (), index)


class _Invalid:
    """Marker: the document could not be turned into data."""


_INVALID: Any = _Invalid()


def _flow_reference_hint(text: str, index: int) -> str:
    """The README's hint when an unquoted ``${env:NAME}`` broke a flow collection: the parser
    stops at its ``{`` (it starts a flow mapping), so the reference begins at or just before."""
    start = text.rfind("${", max(0, index - 1), index + 2)
    if start < 0:
        return ""
    from snaplint.findings.references import REF_RE

    m = REF_RE.match(text, start)
    ref = m.group(0) if m else "${env:NAME}"
    return f'; in flow style ({{…}} or […]) quote the reference: "{ref}"'


def _node_problem(rule: str, message: str, node: Node, index: int, path: JsonPath = ()) -> Problem:
    s, e = node.start_mark, node.end_mark
    end_line, end_col = (
        (e.line + 1, e.column + 1) if s.line == e.line else (s.line + 1, s.column + 2)
    )
    if (end_line, end_col) <= (s.line + 1, s.column + 1):
        end_col = s.column + 2
    return Problem(rule, message, Span(s.line + 1, s.column + 1, end_line, end_col), path, index)


def _scalar(node: ScalarNode, problems: list[Problem], index: int, root: Node) -> Any:
    tag = node.tag
    if tag == _PLAIN:
        tag = node.tag = _plain_tag(node.value)
    value = _typed(tag, node.value)
    if value is MISFIT:
        problems.append(
            _node_problem(
                "yaml-syntax", _misfit_message(tag, node.value), node, index, _path_to(root, node)
            )
        )
        return node.value
    if value is not UNSUPPORTED:
        return value
    problems.append(
        _node_problem(
            "yaml-syntax",
            f"unsupported YAML tag {tag!r}; manifests use plain values",
            node,
            index,
            _path_to(root, node),
        )
    )
    return node.value


_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used

UNSUPPORTED: Any = object()  # a tag that is not data: "=", "<<", or an explicit custom tag
MISFIT: Any = object()  # a core tag whose text it cannot read: "!!int x", or past int's digit limit


def _misfit_message(tag: str, text: str) -> str:
    name = tag.rsplit(":", 1)[-1]
    digits = sum(c.isdigit() for c in text)
    if name == "int" and digits > sys.get_int_max_str_digits() > 0:
        return (
            f"integer of {digits:,} digits is over the {sys.get_int_max_str_digits():,}-digit "
            "limit for reading numbers; not a value a manifest can hold"
        )
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"value {shown!r} is not a valid {name} (tag {tag!r})"


def _typed(tag: str, text: str) -> Any:
    """The data of a scalar's text under its resolved tag, or :data:`UNSUPPORTED`."""
    if tag in _AS_TEXT_TAGS:  # timestamps stay text: JSON Schema formats apply to strings
        return text
    try:
        if tag == _INT and text.isdigit() and (text[0] != "0" or len(text) == 1):
            return int(text)  # the common case; octal, hex, 1_000 and 1:30 take the slow path
        if tag in _PLAIN_TAGS:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, text))
    except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
        # an explicit "!!int x", or more digits than int() reads (sys.get_int_max_str_digits)
        return MISFIT
    return UNSUPPORTED


def plain_value(value: str) -> Any:
    """The data of a plain scalar, exactly as :func:`_scalar` converts its node.

    Returns :data:`UNSUPPORTED` for the two implicit tags that are not data ("=", "<<"):
    the caller leaves those to the node path, which reports them.
    """
    return _typed(_plain_tag(value), value)


def _expanded_size(root: Node, problems: list[Problem], index: int) -> bool:
    """Check alias expansion (bombs) and cycles before building data; False if unusable."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            on_path.discard(nid)
            children = _children(node)
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[nid] = total
            if total > MAX_EXPANDED_NODES:
                problems.append(
                    _node_problem(
                        "file-too-large",
                        f"document expands to more than {MAX_EXPANDED_NODES:,} values through "
                        "YAML aliases (an alias bomb?); not linted",
                        node,
                        index,
                    )
                )
                return False
            continue
        if nid in sizes:
            continue
        if nid in on_path:
            problems.append(
                _node_problem(
                    "yaml-syntax", "recursive YAML alias: a node contains itself", node, index
                )
            )
            return False
        on_path.add(nid)
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, False))
    return True


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        out: list[Node] = []
        for k, v in node.value:
            out.append(k)
            out.append(v)
        return out
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _is_merge(key: Node) -> bool:
    if key.__class__ is ScalarNode and key.value == "<<" and key.tag in (_PLAIN, _MERGE):
        key.tag = _MERGE
        return True
    return False


def _flatten_merges(node: MappingNode, problems: list[Problem], index: int) -> None:
    """Apply ``<<`` merge keys on the node level: merged pairs first, explicit ones override."""
    merged: list[tuple[Node, Node]] = []
    explicit: list[tuple[Node, Node]] = []
    for k, v in node.value:
        if _is_merge(k):
            sources = v.value if isinstance(v, SequenceNode) else [v]
            for src in sources:
                if not isinstance(src, MappingNode):
                    problems.append(
                        _node_problem(
                            "yaml-syntax",
                            "a merge key (<<) needs a mapping or a list of mappings",
                            src,
                            index,
                        )
                    )
                    continue
                if any(_is_merge(sk) for sk, _ in src.value):
                    _flatten_merges(src, problems, index)
                merged.extend(src.value)
        else:
            explicit.append((k, v))
    node.value = merged + explicit


def _to_data(root: Node, has_aliases: bool, problems: list[Problem], index: int) -> Any:
    """Nodes → plain data, iteratively. JSON paths are computed only for problems (rare)."""
    if has_aliases and not _expanded_size(root, problems, index):
        return _INVALID
    if root.__class__ is ScalarNode:
        return _scalar(root, problems, index, root)  # type: ignore[arg-type]
    memo: dict[int, Any] | None = {} if has_aliases else None
    holder: list[Any] = [None]
    stack: list[tuple[Node, Any, Any]] = [(root, holder, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, parent, slot = pop()
        if memo is not None:
            shared = memo.get(id(node), _INVALID)
            if shared is not _INVALID:
                parent[slot] = shared
                continue
        cls = node.__class__
        if cls is ScalarNode:
            parent[slot] = node.value if node.tag == _STR else _scalar(node, problems, index, root)  # type: ignore[arg-type]
            continue
        children = node.value
        if cls is SequenceNode:
            items: list[Any] = [None] * len(children)
            parent[slot] = items
            if memo is not None:
                memo[id(node)] = items
            for i in range(len(children) - 1, -1, -1):
                push((children[i], items, i))
            continue
        mapping: dict[str, Any] = {}
        parent[slot] = mapping
        if memo is not None:
            memo[id(node)] = mapping
        seen: set[str] | None = set() if len(children) > 1 else None
        merges = False
        for k, _v in children:
            if k.__class__ is not ScalarNode:
                continue
            if _is_merge(k):
                merges = True
            elif seen is not None:
                if k.value in seen:
                    _duplicate(node, k, problems, index, root)
                else:
                    seen.add(k.value)
        if merges:
            _flatten_merges(node, problems, index)  # type: ignore[arg-type]
            children = node.value
        for k, v in reversed(children):
            if k.__class__ is not ScalarNode:
                problems.append(
                    _node_problem(
                        "yaml-syntax",
                        "mapping keys must be plain strings, not collections",
                        k,
                        index,
                        _path_to(root, node),
                    )
                )
                continue
            push((v, mapping, k.value))
        for k, _v in children:  # keep document order in the mapping
            if k.__class__ is ScalarNode:
                mapping[k.value] = None
    return holder[0]


def _duplicate(mapping: Node, key: Node, problems: list[Problem], index: int, root: Node) -> None:
    first = next(k for k, _ in mapping.value if k.__class__ is ScalarNode and k.value == key.value)
    problems.append(
        _node_problem(
            "duplicate-key",
            f"duplicate key '{key.value}' (first defined at line {first.start_mark.line + 1}); "
            "the later value wins",
            key,
            index,
            (*_path_to(root, mapping), key.value),
        )
    )


def _path_to(root: Node, target: Node) -> JsonPath:
    """The JSON path of ``target`` below ``root`` (only computed when a problem needs it)."""
    stack: list[tuple[Node, JsonPath]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if k is target:
                    return path
                if isinstance(k, ScalarNode):
                    stack.append((v, (*path, k.value)))
        elif isinstance(node, SequenceNode):
            stack.extend((v, (*path, i)) for i, v in enumerate(node.value))
    return ()
