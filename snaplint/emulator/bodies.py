"""Request bodies and control values the emulator accepts: bounded JSON, finite numbers.

A body is parsed only after a cheap scan proves its nesting shallow (the standard parser
recurses, so thousands of ``[`` end in ``RecursionError``), with numbers of at most
:data:`MAX_NUMBER_DIGITS` characters (a 5,000-digit integer exceeds Python's int-string limit and
``1e400`` parses to infinity) and without ``NaN``/``Infinity`` (not JSON). Any of these is a
:class:`BodyError`, which the app answers with a 400 JSON error instead of a traceback.

Control-API values go through :func:`number`, :func:`flag` and :func:`text`: the right type
(``true`` is not a number), finite, within the range the setting allows.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_BODY_BYTES = 1024 * 1024  # the server refuses longer bodies with 413
MAX_DEPTH = 32  # Agora bodies nest 5 levels; control bodies 3
MAX_NUMBER_DIGITS = 64

# strings first (a bracket inside a string is text), then the brackets themselves
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BodyError(ValueError):
    """A body or value the emulator refuses; the message is safe to show (no values echoed
    beyond the field name and a short excerpt)."""


def _depth(raw: bytes) -> int:
    depth = deepest = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise BodyError(f"a number has {len(text)} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise BodyError(f"a number has {len(text)} characters (at most {MAX_NUMBER_DIGITS})")
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"the number {text} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw``; :class:`BodyError` for anything the emulator refuses."""
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError(f"the body is larger than {MAX_BODY_BYTES} bytes")
    if _depth(raw) > MAX_DEPTH:
        raise BodyError(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        text = raw.decode("utf-8")
        return json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant
        )
    except BodyError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BodyError("the body must be JSON (UTF-8)") from None


def number(
    value: Any,
    name: str,
    *,
    minimum: float = 0.0,
    maximum: float = math.inf,
    integer: bool = False,
    exclusive_minimum: bool = False,
) -> float | int:
    """``value`` if it is a finite number (an integer when ``integer``) in range."""
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type:
        raise BodyError(f"{name} must be {kind} (got {_excerpt(value)})")
    if not math.isfinite(value):
        raise BodyError(f"{name} must be finite (got {_excerpt(value)})")
    low_ok = value > minimum if exclusive_minimum else value >= minimum
    if not low_ok or value > maximum:
        low = f"> {minimum:g}" if exclusive_minimum else f"≥ {minimum:g}"
        high = "" if maximum == math.inf else f" and ≤ {maximum:g}"
        raise BodyError(f"{name} must be {low}{high} (got {_excerpt(value)})")
    return value


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise BodyError(f"{name} must be true or false (got {_excerpt(value)})")
    return value


def text(value: Any, name: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise BodyError(f"{name} must be a string of at most {max_length} characters")
    return value


def obj(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BodyError(f"{name} must be a JSON object (got {type(value).__name__})")
    return value


def _excerpt(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
