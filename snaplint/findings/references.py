"""``${env:NAME}`` references: values known only later, like Terraform's "known after apply".

A reference stands for a whole scalar value. Lint leaves it alone (no type or
range finding on it) unless ``--resolve-env`` substitutes the environment, in
which case an unset variable is a finding at the reference's position.

``${agora:rtc-token}`` (in ``clientRequest.token``) is a reference too, to a value snaplint
itself makes: an RTC token minted at each start. :func:`is_ref` is true for it, so lint leaves
it alone; it names no variable, so :func:`iter_refs`, :func:`ref_name` and environment
resolution skip it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from snaplint.findings.diagnostics import JsonPath

REF_RE = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
_WHOLE = re.compile(rf"^{REF_RE.pattern}$")
MINTED_TOKEN = "${agora:rtc-token}"


def is_ref(value: Any) -> bool:
    """True when ``value`` is exactly one ``${env:NAME}`` reference or ``${agora:rtc-token}``."""
    return (
        isinstance(value, str)
        and value.startswith("${")
        and (value == MINTED_TOKEN or _WHOLE.match(value) is not None)
    )


def is_minted_token(value: Any) -> bool:
    """True for ``${agora:rtc-token}``: snaplint mints the token at each start."""
    return value == MINTED_TOKEN


def ref_name(value: str) -> str | None:
    m = _WHOLE.match(value)
    return m.group(1) if m else None


def iter_refs(data: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every reference in a document, with its path (iterative: documents can be deep)."""
    stack: list[tuple[JsonPath, Any]] = [(path, data)]
    while stack:
        p, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*p, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*p, i), v) for i, v in enumerate(node))
        elif isinstance(node, str) and (m := _WHOLE.match(node)) is not None:
            yield p, m.group(1)


def defined(env: Mapping[str, str]) -> dict[str, str]:
    """The variables a reference may use. An empty value is never a valid token, key or
    setting — it is how a CI secret that was not configured arrives — so it counts as unset."""
    return {name: value for name, value in env.items() if value}


def resolve_in_place(
    data: Any, env: Mapping[str, str]
) -> tuple[list[JsonPath], list[tuple[JsonPath, str]]]:
    """Substitute references from ``env`` inside ``data``.

    Returns the paths that were substituted and the (path, name) pairs left unset (an empty
    variable counts as unset, see :func:`defined`).
    Values are substituted as strings; the linter coerces a substituted value to
    a number where the schema asks for one (an environment only holds text).
    """
    found = list(iter_refs(data))
    done: list[JsonPath] = []
    missing: list[tuple[JsonPath, str]] = []
    for path, name in found:
        if not env.get(name):
            missing.append((path, name))
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = env[name]
        done.append(path)
    return done, missing


# A value the schema found of the wrong type, as rules see it: "known later", like a reference,
# so every rule that already leaves references alone leaves it alone too (snaplint.lint.linter).
UNKNOWN = "${env:SNAPLINT_TYPE_ERROR}"


def mark_unknown(data: Any, paths: list[JsonPath]) -> Any:
    """A copy of ``data`` with the value at each of ``paths`` replaced by :data:`UNKNOWN`.

    Only the containers on the way to a path are copied (shallow; the rest is shared, and
    rules only read), so marking a few values of a large document costs a few small copies.
    """
    if any(not p for p in paths):
        return UNKNOWN
    root = copy.copy(data)
    made = {id(root)}
    for path in paths:
        node = root
        try:
            for part in path[:-1]:
                child = node[part]
                if not isinstance(child, dict | list):
                    break  # an ancestor is marked already
                if id(child) not in made:
                    child = copy.copy(child)
                    node[part] = child
                    made.add(id(child))
                node = child
            else:
                node[path[-1]] = UNKNOWN
        except (KeyError, IndexError, TypeError):
            continue  # not a path of this document: nothing to mark
    return root
