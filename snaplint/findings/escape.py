"""One escaping for everything a human format prints from the input: file names, keys, values.

A file name or value holding a newline could forge a finding line (``concise``, ``github``), and
ESC, C1 or bidi controls could move the cursor or reorder what a terminal shows. Each such
character is printed as a Python-style escape instead (``\\n``, ``\\x1b``, ``\\u202e``), and a
byte of a file name that is not UTF-8 (``os.fsdecode`` gives a lone surrogate) as ``\\xNN``, as
ruff and git quote them. JSON formats need none of this: JSON escapes control characters.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included), DEL, C1, the line and paragraph separators, the bidi
# embeddings, overrides, isolates and marks, and lone surrogates
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape: the raw byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every control, bidi and undecodable character escaped; else unchanged."""
    if _UNSAFE.search(text) is None:  # the common case costs one scan
        return text
    return _UNSAFE.sub(_escape, text)
