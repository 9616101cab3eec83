"""The JSON Schemas snaplint ships (``schemas/``), bundled, and the secret fields they mark.

Everything that must know the schema's facts without validating anything reads them here:
:func:`bundle` (``snaplint schema``, both validators of :mod:`snaplint.lint.schema`, the
config's validation) and the ``x-snaplint-secret`` marks (:func:`secret_paths`,
:func:`is_secret_path`) that the ``literal-secret`` rule, the plan's fingerprints and the state
codec go by, so that each agrees with the schema on what a secret is. Standard library only:
reading a mark never imports a validator, and a rule that reads one never imports the linter.

The schema files reference each other's ``$defs`` by relative path (so editors can follow
them); :func:`bundle` inlines those into one self-contained schema per kind.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from snaplint.findings.diagnostics import JsonPath


@cache
def schema_dir() -> Path:
    """``snaplint/schemas`` inside an installed wheel, else the repository's ``schemas/``."""
    package = Path(__file__).resolve().parents[1]  # snaplint/
    for candidate in (package / "schemas", package.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("snaplint's schemas/ folder is missing from this installation")


@cache
def _load_file(filename: str) -> dict[str, Any]:
    with open(schema_dir() / filename, encoding="utf-8") as fh:
        return json.load(fh)


def _filename(name: str) -> str:
    return name if name.endswith(".json") else f"{name}.schema.json"


@cache
def bundle(name: str) -> dict[str, Any]:
    """A self-contained copy of ``schemas/<name>.schema.json`` with cross-file refs inlined."""
    root_file = _filename(name)
    root = copy.deepcopy(_load_file(root_file))
    defs: dict[str, Any] = root.setdefault("$defs", {})
    assigned: dict[tuple[str, str], str] = {(root_file, d): d for d in defs}
    queue: list[tuple[str, str]] = []

    def target_name(file: str, fragment: str) -> str:
        key = (file, fragment)
        if key in assigned:
            return assigned[key]
        base = fragment.rsplit("/", 1)[-1] if fragment else Path(file).name.split(".")[0]
        candidate, n = base, 1
        while candidate in defs or candidate in assigned.values():
            n += 1
            candidate = f"{base}{n}"
        assigned[key] = candidate
        defs[candidate] = {}  # reserve; filled from the queue
        queue.append(key)
        return candidate

    def rewrite(node: Any, current: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    file, _, fragment = v.partition("#")
                    file = file or current
                    if file == root_file:
                        out[k] = f"#{fragment}"
                    else:
                        out[k] = f"#/$defs/{target_name(file, fragment)}"
                else:
                    out[k] = rewrite(v, current)
            return out
        if isinstance(node, list):
            return [rewrite(v, current) for v in node]
        return node

    for key in list(defs):
        defs[key] = rewrite(defs[key], root_file)
    for key in [k for k in root if k != "$defs"]:
        root[key] = rewrite(root[key], root_file)
    while queue:
        file, fragment = queue.pop()
        node: Any = _load_file(file)
        for part in [p for p in fragment.split("/") if p]:
            node = node[part]
        node = (
            {k: v for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
            if not fragment
            else node
        )
        defs[assigned[(file, fragment)]] = rewrite(node, file)
    return root


def pointer(root: dict[str, Any], pointer: str) -> Any:
    """The node at a JSON pointer (``/$defs/name``) of ``root``; ``{}`` when there is none."""
    node: Any = root
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return {}
    return node


@cache
def secret_paths(name: str) -> frozenset[tuple[str, ...]]:
    """Paths (``*`` for any index or key) of fields marked ``x-snaplint-secret``."""
    root = bundle(name)
    found: set[tuple[str, ...]] = set()
    stack: list[tuple[Any, tuple[str, ...], frozenset[str]]] = [(root, (), frozenset())]
    while stack:
        node, path, refs = stack.pop()
        if not isinstance(node, dict):
            continue
        if node.get("x-snaplint-secret"):
            found.add(path)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in refs:
            stack.append((pointer(root, ref[1:]), path, refs | {ref}))
        for key, sub in node.get("properties", {}).items():
            stack.append((sub, (*path, key), refs))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append((node[key], (*path, "*"), refs))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                stack.append((sub, path, refs))
        for key in ("then", "else"):
            if key in node:
                stack.append((node[key], path, refs))
    return frozenset(found)


def is_secret_path(name: str, path: JsonPath) -> bool:
    candidate = tuple(str(p) for p in path)
    for pattern in secret_paths(name):
        if len(pattern) == len(candidate) and all(
            p == "*" or p == c for p, c in zip(pattern, candidate, strict=True)
        ):
            return True
    return False
