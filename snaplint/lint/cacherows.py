"""What the lint cache stores and what it is keyed by, apart from the database itself
(:mod:`snaplint.lint.cache`): findings as compact JSON rows, the content hash of a file's bytes,
and the settings key — everything a file's own results depend on besides its bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snaplint.findings.diagnostics import Diagnostic, Edit, Fix
from snaplint.lint.manifest import DEFAULT_MAX_FILE_SIZE

if TYPE_CHECKING:
    from snaplint.lint.linter import Linter

CACHE_FORMAT = 4  # bump when a row's layout changes: older databases are then never read
# 4: each files row carries a checksum of its payload (row_checksum), checked when read


# --------------------------------------------------------------------------- diagnostics as rows


def diag_row(d: Diagnostic) -> list[Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "description": d.fix.description,
            "safe": d.fix.safe,
            "edits": [[e.op, list(e.path), e.value, e.new_key] for e in d.fix.edits],
        }
    return [
        d.line,
        d.column,
        d.end_line,
        d.end_column,
        d.rule,
        d.code,
        d.severity,
        d.message,
        list(d.path),
        d.document,
        fix,
    ]


def diag_from_row(file: str, row: list[Any]) -> Diagnostic:
    line, col, end_line, end_col, rule, code, severity, message, path, document, fix = row
    fix_obj = None
    if fix is not None:
        edits = tuple(Edit(op, tuple(p), value, new_key) for op, p, value, new_key in fix["edits"])
        fix_obj = Fix(fix["description"], edits, fix["safe"])
    return Diagnostic(
        file,
        line,
        col,
        end_line,
        end_col,
        rule,
        code,
        severity,
        message,
        tuple(path),
        document,
        fix_obj,
    )


def row_checksum(values: Sequence[Any]) -> str:
    """The checksum stored with a files row over its payload columns, with the format: a row
    edited, truncated or written by another layout no longer matches and is a miss."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"v{CACHE_FORMAT}".encode())
    for value in values:
        # a type tag per column: NULL, 0 and "" differ (a NULL diagnostics column would read as
        # "no findings")
        if isinstance(value, bool):
            value = int(value)  # SQLite stores a bool as the integer it reads back
        if isinstance(value, bytes):
            h.update(b"\x00b%d:" % len(value) + value)
        else:
            text = "" if value is None else str(value)
            h.update(f"\x00{type(value).__name__[0]}{len(text)}:{text}".encode("utf-8", "replace"))
    return h.hexdigest()


def valid_rows(rows: Any) -> bool:
    """Diagnostic rows as :func:`diag_row` writes them, whatever the checksum says."""
    if not isinstance(rows, list):
        return False
    for row in rows:
        if not (isinstance(row, list) and len(row) == 11):
            return False
        line, col, end_line, end_col, rule, code, severity, message, path, document, fix = row
        if not all(type(n) is int for n in (line, col, end_line, end_col, document)):
            return False
        if not all(isinstance(t, str) for t in (rule, code, severity, message)):
            return False
        if not isinstance(path, list) or not (fix is None or _valid_fix(fix)):
            return False
    return True


def _valid_fix(fix: Any) -> bool:
    return (
        isinstance(fix, dict)
        and isinstance(fix.get("description"), str)
        and isinstance(fix.get("safe"), bool)
        and isinstance(fix.get("edits"), list)
        and all(
            isinstance(e, list) and len(e) == 4 and isinstance(e[1], list) for e in fix["edits"]
        )
    )


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# --------------------------------------------------------------------------- settings key


def _stat_key(path: str | os.PathLike[str] | None) -> str:
    if not path:
        return "-"
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _code_fingerprint(linter: Linter) -> list[str]:
    """Size and mtime of snaplint's code and schemas, every rule module and the parsers."""
    import snaplint
    from snaplint.lint.schema import schema_dir

    out: list[str] = []
    package = Path(snaplint.__file__).parent
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out.extend(_stat_key(os.path.join(folder, f)) for f in sorted(files) if f.endswith(".py"))
    schemas = schema_dir()
    out.extend(_stat_key(p) for p in sorted(schemas.glob("*.json")))
    for rule in linter.table.rules.values():
        out.append(_stat_key(_rule_file(rule)))
    import importlib.util

    # the parsers and validators, found without importing them (whether this run imports
    # jsonschema depends on the files, and the key must not)
    for name in ("yaml", "jsonschema_rs", "jsonschema"):
        spec = importlib.util.find_spec(name)
        out.append(f"{name}={_stat_key(spec.origin if spec else None)}")
    return out


def _rule_file(rule: Any) -> str | None:
    """The source file of a rule: the module itself, or the module defining its class."""
    file = getattr(rule, "__file__", None)
    if isinstance(file, str):
        return file
    module = sys.modules.get(getattr(type(rule), "__module__", "") or "")
    return getattr(module, "__file__", None)


def settings_key(linter: Linter) -> str:
    from snaplint import __version__

    config = linter.config
    settings = {
        "format": CACHE_FORMAT,
        "snaplint": __version__,
        "python": list(sys.version_info[:3]),
        "byteorder": sys.byteorder,  # of the stored key hashes
        "enabled": sorted(linter.enabled),
        "severity": sorted(linter.severity.items()),
        "options": {rid: dict(ctx.options) for rid, ctx in sorted(linter.contexts.items())},
        "revision": linter.revision,
        "mode": linter.options.mode or config.mode,
        "max_file_size": config.max_file_size or DEFAULT_MAX_FILE_SIZE,
        "plugins": sorted(linter.table.plugin_of.items()),
        "stdin_filename": linter.options.stdin_filename,
        "today": linter.today.isoformat(),
        "code": _code_fingerprint(linter),
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


# one encoder for the run: json.dumps with options builds a new one per call
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode_json(value: Any) -> str:
    return _ENCODER.encode(value)
