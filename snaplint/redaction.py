"""Keep secrets out of logs, exception text and reprs.

Secret fields of Cloud Recording bodies (reference §2): the RTC ``token``, storage
``accessKey`` / ``secretKey`` / ``stsToken``, decryption ``secret`` / ``salt``; and the REST
customer secret. :func:`redact` replaces them by key wherever they sit in a body;
:func:`secret_values` collects their values so that free text (a server's error reason, a log
line) can be scrubbed with :func:`scrub`; :class:`Secret` holds one value whose ``repr`` and
``str`` never show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

REDACTED = "(sensitive value)"

# Keys whose values are secrets wherever they appear in a request body.
SECRET_KEYS = frozenset(
    {
        "token",
        "accessKey",
        "secretKey",
        "stsToken",
        "secret",
        "salt",
        "customerSecret",
        "customer_secret",
        "password",
    }
)
_MIN_SCRUB_LENGTH = 4  # shorter values would scrub ordinary words out of messages


class Secret:
    """A secret string that never shows itself in ``repr``/``str``/f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def redact(data: Any, keys: frozenset[str] = SECRET_KEYS) -> Any:
    """A copy of ``data`` with the value of every secret key replaced by ``REDACTED``."""
    if isinstance(data, dict):
        return {
            k: (REDACTED if k in keys and v not in (None, "") else redact(v, keys))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact(v, keys) for v in data]
    if isinstance(data, Secret):
        return REDACTED
    return data


def secret_values(data: Any, keys: frozenset[str] = SECRET_KEYS) -> set[str]:
    """Every non-empty string value stored under a secret key, at any depth."""
    found: set[str] = set()
    stack = [data]
    while stack:  # iterative: bodies can be deep
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in keys and isinstance(v, str) and v:
                    found.add(v)
                elif k in keys and isinstance(v, Secret) and v.reveal():
                    found.add(v.reveal())
                else:
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of every secret replaced by ``***``.

    Longest secrets first, so a secret that contains another is removed whole.
    """
    for value in sorted({s for s in secrets if len(s) >= _MIN_SCRUB_LENGTH}, key=len, reverse=True):
        text = text.replace(value, "***")
    return text


_LINE_PATTERN = re.compile(
    r"""(?P<key>(?P<q>["']?)\b(?P<name>[A-Za-z_][\w-]*)(?P=q)\s*:[ \t]*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,}\]#][^,}\]#]*)"""
)


@cache
def _secret_names() -> frozenset[str]:
    from snaplint.lint.schema import secret_field_names

    return SECRET_KEYS | secret_field_names()


@cache
def _documented_names() -> frozenset[str]:
    """Every property name the schemas document (a documented field is never a misspelling)."""
    from snaplint.findings.schemafiles import bundle

    names: set[str] = set()
    for schema in ("snapshot-job", "start-request", "acquire-request"):
        try:
            stack: list[Any] = [bundle(schema)]
        except FileNotFoundError:
            continue
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                props = node.get("properties")
                if isinstance(props, dict):
                    names.update(k for k in props if isinstance(k, str))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return frozenset(names)


@cache
def is_secret_key(name: str) -> bool:
    """A key whose value must not be shown: a secret field, or a key that is not a documented
    field and that the linter's "did you mean" would take for a secret one (``acessKey``,
    ``secretKye``, ``AccessKey``, ``tokn``) — a credential under a typo is still a credential."""
    names = _secret_names()
    if name in names:
        return True
    if name in _documented_names():
        return False
    from snaplint.lint.schema import suggest

    return suggest(name, names) is not None


def mask_source_line(line: str) -> str:
    """A YAML/JSON source line with the values of secret keys replaced by ``***``.

    Works on text, not structure, so it also covers lines of files that do not parse.
    ``${env:NAME}`` references are not secrets and stay visible.
    """

    def mask(m: re.Match[str]) -> str:
        if not is_secret_key(m.group("name")):
            return m.group(0)
        value = m.group("value").rstrip()
        if "${env:" in value and value.strip("\"' ").startswith("${env:"):
            return m.group(0)
        return m.group("key") + "***" + m.group("value")[len(value) :]

    return _LINE_PATTERN.sub(mask, line)
