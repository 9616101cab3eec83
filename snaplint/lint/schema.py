"""JSON Schemas → findings with rule IDs and messages a person would write.

Two validators per schema, built once per process:

* a compiled one (``jsonschema_rs``) decides pass/fail — most files are clean,
  and it answers in microseconds;
* ``jsonschema`` (imported only when a document fails) explains each failure:
  ``iter_errors``, ``absolute_path`` for the location, ``best_match`` inside
  ``anyOf``/``oneOf``.

The schema files reference each other's ``$defs`` by relative path (so editors
can follow them); :func:`bundle` inlines those into one self-contained schema
per kind, which both validators and ``snaplint schema`` use.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix, JsonPath
from snaplint.findings.references import is_ref
from snaplint.findings.schemafiles import bundle as bundle
from snaplint.findings.schemafiles import is_secret_path as is_secret_path
from snaplint.findings.schemafiles import pointer as _pointer
from snaplint.findings.schemafiles import schema_dir as schema_dir
from snaplint.findings.schemafiles import secret_paths as secret_paths

KIND_FILES = {
    "job": "snapshot-job",
    "start": "start-request",
    "acquire": "acquire-request",
    "config": "config",
}

DEFAULT_RULE = {
    "type": "wrong-type",
    "required": "missing-field",
    "additionalProperties": "unknown-field",
    "unevaluatedProperties": "unknown-field",
    "false": "unknown-field",
    "dependentRequired": "missing-field",
}
FALLBACK_RULE = "schema-constraint"

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


# --------------------------------------------------------------------------- validators


@cache
def _fast(name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(bundle(name))


@cache
def _slow(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(bundle(name))


def validate(name: str, data: Any) -> list[Finding]:
    """Findings for ``data`` against schema ``name`` (empty when valid)."""
    if _fast(name).is_valid(data):
        return []
    return explain(name, data)


def explain(name: str, data: Any) -> list[Finding]:
    from jsonschema.exceptions import best_match

    seen: dict[tuple[Any, ...], Finding] = {}
    for error in _slow(name).iter_errors(data):
        for finding in _findings(error, best_match, name):
            seen.setdefault((finding.path, finding.rule, finding.message), finding)
    found = list(seen.values())
    # a value of the wrong type also fails its enum/range/pattern: say only what matters first
    mistyped = {f.path for f in found if f.rule == DEFAULT_RULE["type"]}
    if mistyped:
        found = [f for f in found if f.rule == DEFAULT_RULE["type"] or f.path not in mistyped]
    return found


def _findings(error: Any, best_match: Any, name: str) -> Iterator[Finding]:
    # anyOf/oneOf: follow the most relevant branch, as far as it is unambiguous
    depth = 0
    while error.validator in ("anyOf", "oneOf") and error.context and depth < 20:
        error = best_match(error.context)
        depth += 1
    path: JsonPath = tuple(error.absolute_path)
    instance = error.instance
    if is_ref(instance):
        return  # known later: no type or value finding on a reference
    keyword = str(error.validator)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        rule = schema.get("x-snaplint-rule") or DEFAULT_RULE["required"]
        for name in error.validator_value:
            if isinstance(instance, dict) and name not in instance:
                yield Finding(
                    path,
                    _template(schema, keyword, {"name": name})
                    or f"{_where(path)} is missing required field '{name}'",
                    rule,
                    target="key",
                )
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        rule = schema.get("x-snaplint-rule") or DEFAULT_RULE[keyword]
        allowed = sorted(_allowed_keys(schema, bundle(name)))
        for key in _unexpected(instance, schema, allowed):
            yield _unknown_key(path, key, allowed, rule, instance, schema)
        return
    if error.schema is False or error.validator is None:  # a `false` subschema
        key = path[-1] if path else ""
        yield Finding(path, f"'{key}' is not allowed here", DEFAULT_RULE["false"], target="key")
        return
    if keyword == "dependentRequired":
        rule = schema.get("x-snaplint-rule") or DEFAULT_RULE[keyword]
        for trigger, needed in error.validator_value.items():
            if isinstance(instance, dict) and trigger in instance:
                for name in needed:
                    if name not in instance:
                        message = (
                            _template(schema, keyword, {"name": name, "field": trigger})
                            or f"{_where(path)} has '{trigger}' but is missing '{name}', which it requires"
                        )
                        yield Finding(path, message, rule, target="key")
        return
    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        # jsonschema reports a bad key at its mapping; point at the key itself
        rule = schema.get("x-snaplint-rule") or DEFAULT_RULE["additionalProperties"]
        message = _template(schema, keyword, {"name": instance, "value": show_value(instance)})
        yield Finding(
            (*path, instance), message or f"invalid key {show_value(instance)}", rule, target="key"
        )
        return
    rule = (
        DEFAULT_RULE["type"]
        if keyword == "type"
        else schema.get("x-snaplint-rule") or FALLBACK_RULE
    )
    secret = bool(schema.get("x-snaplint-secret")) or is_secret_path(name, path)
    fix = _type_fix(error, name, path) if keyword == "type" else None
    yield Finding(path, _message(keyword, error, schema, path, secret), rule, fix=fix)


def _type_fix(error: Any, name: str, path: JsonPath) -> Fix | None:
    """A safe fix for a scalar that only needs quoting (``uid: 910001``) or wrapping in a list
    (``fileType: jpg``): offered when the result satisfies the field's whole subschema."""
    value, wanted = error.instance, error.validator_value
    wanted = {wanted} if isinstance(wanted, str) else set(wanted)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if "string" in wanted and isinstance(value, int | float):
        candidate: Any = str(value)
        description = f'quote {value} as "{value}"'
    elif "array" in wanted:
        candidate = [value]
        description = f"wrap {show_value(value)} in a list"
    else:
        return None
    try:
        if not _slow(name).evolve(schema=error.schema).is_valid(candidate):
            return None
    except Exception:  # a subschema that does not stand alone: no fix rather than a wrong one
        return None
    return Fix(description, (Edit("set", path, candidate),))


def _unexpected(instance: Any, schema: dict[str, Any], allowed: list[str]) -> list[str]:
    if not isinstance(instance, dict):
        return []
    import re

    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in allowed and not any(p.search(k) for p in patterns)]


def _allowed_keys(schema: dict[str, Any], root: dict[str, Any]) -> set[str]:
    """Property names a mapping may have, following composition keywords and local $refs."""
    found: set[str] = set()
    stack = [schema]
    seen: set[int] = set()
    while stack:
        s = stack.pop()
        if not isinstance(s, dict) or id(s) in seen:
            continue
        seen.add(id(s))
        found.update(s.get("properties", {}))
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend(s.get(key, []))
        for key in ("then", "else"):
            if key in s:
                stack.append(s[key])
        ref = s.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            stack.append(_pointer(root, ref[1:]))
    return found


def _unknown_key(
    path: JsonPath,
    key: str,
    allowed: list[str],
    rule: str,
    instance: dict[str, Any],
    schema: dict[str, Any],
) -> Finding:
    suggestion = suggest(key, allowed)
    where = _where(path)
    message = (
        _template(schema, "additionalProperties", {"name": key})
        or f"unknown field '{key}' in {where}"
    )
    fix = None
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
        if suggestion not in instance:
            fix = Fix(
                f"rename '{key}' to '{suggestion}'",
                (Edit("rename", (*path, key), new_key=suggestion),),
            )
    return Finding((*path, key), message, rule, target="key", fix=fix)


def suggest(key: str, candidates: Iterable[str]) -> str | None:
    """The documented key a misspelt one most likely meant, if one is close enough."""
    candidates = list(candidates)
    folded = {c.lower(): c for c in candidates}
    if key.lower() in folded:
        return folded[key.lower()]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
    if close:
        return close[0]
    lowered = difflib.get_close_matches(key.lower(), list(folded), n=1, cutoff=0.75)
    return folded[lowered[0]] if lowered else None


# --------------------------------------------------------------------------- messages


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _template(schema: dict[str, Any], keyword: str, values: dict[str, Any]) -> str | None:
    template = schema.get("x-snaplint-message")
    if isinstance(template, dict):
        template = template.get(keyword)
    if not isinstance(template, str):
        return None
    return template.format_map(_Values(values))


def _field(path: JsonPath) -> str:
    if not path:
        return "document"
    parts = list(path)
    if isinstance(parts[-1], int):
        i = len(parts) - 1
        while i > 0 and isinstance(parts[i - 1], int):
            i -= 1
        head = str(parts[i - 1]) if i > 0 else "document"
        return head + "".join(f"[{p}]" for p in parts[i:])
    return str(parts[-1])


def _where(path: JsonPath) -> str:
    return _field(path) if path else "the document"


def show_value(value: Any, secret: bool = False) -> str:
    """A value as a message shows it: short, JSON-like; secrets never shown."""
    if secret:
        return "(sensitive value)"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:56] + '…"'
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _describe(value: Any, secret: bool) -> str:
    kind = (
        "a string"
        if isinstance(value, str)
        else "true/false"
        if isinstance(value, bool)
        else "an integer"
        if isinstance(value, int)
        else "a number"
        if isinstance(value, float)
        else "a list"
        if isinstance(value, list)
        else "a mapping"
        if isinstance(value, dict)
        else "nothing"
        if value is None
        else type(value).__name__
    )
    if secret or isinstance(value, list | dict) or value is None:
        return kind
    return f"{kind} {show_value(value)}"


def _message(keyword: str, error: Any, schema: dict[str, Any], path: JsonPath, secret: bool) -> str:
    field = _field(path)
    value = error.instance
    unit = schema.get("x-snaplint-unit")
    unit_text = f" {unit}" if unit else ""
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    values = {
        "field": field,
        "value": show_value(value, secret),
        "limit": error.validator_value,
        "minimum": lo,
        "maximum": hi,
        "unit": unit or "",
        "allowed": _allowed_text(schema),
        "name": field,
    }
    custom = _template(schema, keyword, values)
    if custom:
        return custom
    got = f" (got {show_value(value, secret)})"
    if keyword == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        want = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        return f"{field} must be {want} (got {_describe(value, secret)})"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if lo is not None and hi is not None:
            return f"{field} must be between {lo} and {hi}{unit_text}{got}"
        if keyword == "minimum":
            return f"{field} must be at least {lo}{unit_text}{got}"
        if keyword == "exclusiveMinimum":
            return f"{field} must be greater than {lo}{unit_text}{got}"
        if keyword == "maximum":
            return f"{field} must be at most {hi}{unit_text}{got}"
        return f"{field} must be less than {hi}{unit_text}{got}"
    if keyword == "enum":
        return f"{field} must be {_allowed_text(schema)}{got}"
    if keyword == "const":
        return f"{field} must be {show_value(error.validator_value)}{got}"
    if keyword == "minLength":
        return (
            f"{field} must be at least {error.validator_value} characters long{_len(value, secret)}"
        )
    if keyword == "maxLength":
        return (
            f"{field} must be at most {error.validator_value} characters long{_len(value, secret)}"
        )
    if keyword == "minItems":
        n = error.validator_value
        return f"{field} must have at least {n} item{'s' if n != 1 else ''} (got {len(value)})"
    if keyword == "maxItems":
        return f"{field} must have at most {error.validator_value} items (got {len(value)})"
    if keyword == "uniqueItems":
        return f"{field} must not repeat items"
    if keyword == "minProperties":
        return f"{field} must not be empty"
    if keyword == "pattern":
        return f"{field} has an invalid format{got}"
    if keyword == "multipleOf":
        return f"{field} must be a multiple of {error.validator_value}{got}"
    if keyword == "dependentRequired":
        return f"{field} is incomplete: {error.message}"
    if keyword in ("not", "oneOf", "anyOf"):
        return f"{field} is not valid here{got}"
    return f"{field}: {error.message}"


def _len(value: Any, secret: bool) -> str:
    if isinstance(value, str) and not secret:
        return f" (got {len(value)})"
    return ""


def _allowed_text(schema: dict[str, Any]) -> str:
    options = schema.get("enum")
    if options is None:
        return ""
    shown = [show_value(o) for o in options]
    if len(shown) == 1:
        return shown[0]
    if len(shown) <= 12:
        return "one of " + ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"one of {len(shown)} documented values ({', '.join(shown[:6])}, …)"


@cache
def secret_field_names() -> frozenset[str]:
    """Names of every secret field in any schema (for redacting free-form structures)."""
    names: set[str] = set()
    for name in ("snapshot-job", "start-request", "acquire-request"):
        try:
            names.update(p[-1] for p in secret_paths(name) if p and p[-1] != "*")
        except FileNotFoundError:
            continue
    return frozenset(names)
