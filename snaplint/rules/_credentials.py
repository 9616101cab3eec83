"""Telling a credential from a placeholder: shared by ``literal-secret`` and ``placeholder-credential``.

Both rules read the secret fields the schemas mark (``x-snaplint-secret``). A value that a
person left from the docs (``xxxx``, ``***``, ``<your key>``, ``YOUR_KEY``, ``changeme``, a
vendor's documented example key) is a placeholder: the job cannot work, but nothing leaked.
Everything else that is literal is a secret, and :func:`shape` names the well-known kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from snaplint.findings.diagnostics import JsonPath

# Example credentials printed in the vendors' own documentation: public, never valid.
VENDOR_EXAMPLES = (
    "AKIAIOSFODNN7EXAMPLE",  # AWS access key ID (IAM user guide)
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS secret access key (IAM user guide)
    "AKIAI44QH8DHBEXAMPLE",  # AWS access key ID (signature examples)
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",  # AWS secret access key (signature examples)
    "ASIAIOSFODNN7EXAMPLE",  # AWS temporary access key ID (STS)
    "GOOGTS7C7FUP3AIRVJTE2BCDKINBTES3HC2GY5CBFJDCQ2SYHV6A6XXVTJFSA",  # GCS HMAC access ID
    "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ",  # GCS HMAC secret
    # Azure Storage emulator (Azurite) well-known account key
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
)

_MASKED = re.compile(r"^x{4,}|\*{3,}|•{3,}", re.IGNORECASE)  # xxxx…, ***, •••
_TEMPLATE = re.compile(r"^\s*(<.*>|\{\{.*\}\}|\[.*\])\s*$")  # <your key>, {{ key }}, [key]
# your key, your_key, YOUR_KEY, yourKey (not "yourt…": a word must follow)
_YOUR = re.compile(r"^\s*(?:(?i:your)[\s_.-]|[Yy]our[A-Z]|YOUR[A-Z])")
_WORDS = re.compile(
    r"^\s*(change[\s_-]?me|replace[\s_-]?me|placeholder|dummy|todo|fixme|none|null|redacted)\s*$",
    re.IGNORECASE,
)
_EXAMPLE_KEY = re.compile(r"EXAMPLE(KEY)?$")  # AWS-style documentation keys end so

# Credential shapes a literal may have (what literal-secret names in its message).
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key ID", re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$")),
    ("an Alibaba Cloud AccessKey ID", re.compile(r"^LTAI[A-Za-z0-9]{12,28}$")),
    ("a Google Cloud Storage HMAC access ID", re.compile(r"^GOOG[A-Z0-9]{20,}$")),
    ("an Agora RTC token", re.compile(r"^00[67][A-Za-z0-9+/=_-]{32,}$")),
    ("an Azure storage account key", re.compile(r"^[A-Za-z0-9+/]{86}==$")),
    ("a 40-character secret key (AWS, GCS HMAC)", re.compile(r"^[A-Za-z0-9+/]{40}$")),
)


def placeholder_kind(value: str, field: str, extra: Iterable[str] = ()) -> str | None:
    """What kind of placeholder ``value`` is (for the message), or None if it is not one.

    ``extra``: more placeholder values (exact) or ``re:PATTERN`` entries, from a rule option.
    An empty value counts only where a credential is always needed (the storage keys); an
    empty ``token`` is what a channel without an App Certificate takes.
    """
    if value.strip() == "":
        return "empty" if field in ("accessKey", "secretKey", "stsToken") else None
    if value in VENDOR_EXAMPLES or _EXAMPLE_KEY.search(value):
        return "a vendor's documented example key"
    if _MASKED.search(value):
        return "masked with x or *"
    if _TEMPLATE.match(value):
        return "a template to fill in"
    if _YOUR.match(value) or _WORDS.match(value):
        return "a word to replace"
    for entry in extra:
        if entry.startswith("re:"):
            if re.search(entry[3:], value):
                return "a placeholder (rule option)"
        elif value == entry:
            return "a placeholder (rule option)"
    return None


def shape(value: str) -> str | None:
    """The well-known credential kind ``value`` looks like, or None."""
    for name, pattern in SHAPES:
        if pattern.match(value):
            return name
    return None


# -- the secret fields of a document (the schemas' x-snaplint-secret marks) --

_SCHEMA_FOR_KIND = {"job": "snapshot-job", "start": "start-request", "acquire": "acquire-request"}


@cache
def _trie(kind: str) -> dict[str, Any]:
    """The secret paths of a document kind as a tree: one walk visits each mapping once."""
    from snaplint.findings.schemafiles import secret_paths

    root: dict[str, Any] = {}
    for pattern in secret_paths(_SCHEMA_FOR_KIND[kind]):
        node = root
        for part in pattern:
            node = node.setdefault(part, {})
        node[_LEAF] = True
    return root


_LEAF = "\0leaf"


def _secret_paths(data: Any, trie: dict[str, Any]) -> list[JsonPath]:
    """Paths in ``data`` of the fields the trie marks (``*`` = any key or index)."""
    found: list[JsonPath] = []
    stack: list[tuple[Any, dict[str, Any], JsonPath]] = [(data, trie, ())]
    while stack:
        node, sub, path = stack.pop()
        for part, child in sub.items():
            if part == _LEAF:
                found.append(path)
            elif part == "*":
                if isinstance(node, dict):
                    stack.extend((v, child, (*path, k)) for k, v in node.items())
                elif isinstance(node, list):
                    stack.extend((v, child, (*path, i)) for i, v in enumerate(node))
            elif isinstance(node, dict) and part in node:
                stack.append((node[part], child, (*path, part)))
    return found


def secret_fields(doc: Any) -> list[JsonPath]:
    """Paths of the secret fields present in ``doc`` (any value, any type)."""
    return _secret_paths(doc.data, _trie(doc.kind))
