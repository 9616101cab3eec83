"""Linting one file, in a worker process or in the runner's own: read, parse, check, and slim
the outcome down to what the parent keeps (:class:`Slim`): findings, the project stage's
records and key hashes, and what the cache stores — never node trees.

Forked workers inherit the linter through :data:`WORKER` (set by the runner before the pool
starts), so only file indexes travel to them and slim results travel back.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snaplint.findings.diagnostics import Diagnostic
from snaplint.findings.rule import from_row, project_row
from snaplint.lint.cacherows import content_hash, encode_json
from snaplint.lint.manifest import (
    DEFAULT_MAX_FILE_SIZE,
    LoadedFile,
    Problem,
    Source,
    decode,
    display_path,
    parse,
    read_bytes,
)
from snaplint.lint.projectstage import keys_of

if TYPE_CHECKING:
    from snaplint.lint.linter import FileOutcome, Linter


def _has_literal_secret(data: Any, names: frozenset[str]) -> bool:
    """True when a secret-named field holds a real value (not a ``${env:…}`` reference)."""
    from snaplint.findings.references import is_ref

    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in names and v not in (None, "") and not is_ref(v):
                    return True
                if isinstance(v, dict | list):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return False


@dataclass
class Slim:
    """What a worker (or the in-process path) sends back of one linted file: findings for the
    report, and everything else already encoded, so the parent only files it."""

    display: str
    diagnostics: list[Diagnostic]
    text: str | None  # kept when needed: findings, suppressions
    document_count: int
    # per checked document: its stage record (pickled in a worker) and key hashes
    records: list[tuple[Any, tuple[int, ...]]]
    checked: str | None  # JSON [[index, kind], ...] for the cache entry
    docs: str | None  # JSON of the checked documents' project data (None: not to be cached)
    hash: str | None = None  # content hash, when the worker read the file itself
    stat: list[int] | None = None  # (size, mtime, time) taken before that read


def lint_bytes(
    linter: Linter, path: str, raw: bytes | Problem | None
) -> tuple[FileOutcome, str | None, list[int] | None]:
    """Check one file: from bytes already read (and hashed), or read here (``raw`` None).

    Returns the outcome and, when read here, the content hash and the (size, mtime) taken
    before reading — so a file changed while being read is never trusted by the stat shortcut.
    """
    h: str | None = None
    stat: list[int] | None = None
    if raw is None:
        stat = stat_before_read(path)
        raw = read_bytes(path, linter.config.max_file_size or DEFAULT_MAX_FILE_SIZE)
        if isinstance(raw, bytes):
            h = content_hash(raw)
    if isinstance(raw, Problem):
        lf = LoadedFile(None, [], [raw])
    else:
        text = decode(raw)
        if isinstance(text, Problem):
            lf = LoadedFile(None, [], [text])
        else:
            source = Source(path, display_path(path), text)
            documents, problems = parse(source)
            lf = LoadedFile(source, documents, problems)
    outcome = linter.check_file(path, lf, real="")  # the parent knows the real path
    return outcome, h, stat


def slim_outcome(
    linter: Linter,
    path: str,
    outcome: FileOutcome,
    secret_names: frozenset[str],
    h: str | None = None,
    stat: list[int] | None = None,
    *,
    pickled: bool = False,
) -> Slim:
    """What the parent needs of a linted file; ``pickled``: the stage records are pickled here,
    in the worker (the parent then writes them to its spool as they are)."""
    records: list[tuple[Any, tuple[int, ...]]] = []
    stored: list[list[Any]] = []  # what the cache keeps of each checked document
    secret_free = True
    if linter.project_rules:
        fields = linter.project_fields
        for d in outcome.checked:
            # jobs keep only what the project rules read; raw bodies (rare) stay whole
            if fields is not None and d.kind == "job":
                row = project_row(d.data, fields)  # secret-free: tests/test_project_fields.py
                rec = (True, path, outcome.display, d.index, d.kind, row)
                stored.append([d.index, d.kind, from_row(row, fields)])
            else:
                rec = (False, path, outcome.display, d.index, d.kind, d.data)
                stored.append([d.index, d.kind, d.data])
                secret_free = secret_free and not _has_literal_secret(d.data, secret_names)
            records.append((_pickle(rec) if pickled else rec, keys_of(linter.project_keyed, d)))
    text = outcome.source.text if outcome.source is not None else None
    # the text is kept for findings and suppressions only: project findings re-read their file
    keep_text = text is not None and (bool(outcome.diagnostics) or "snaplint:" in text)
    return Slim(
        outcome.display,
        outcome.diagnostics,
        text if keep_text else None,
        outcome.document_count,
        records,
        encode_json([[d.index, d.kind] for d in outcome.checked]) if outcome.checked else None,
        encode_json(stored) if stored and secret_free else None,
        h,
        stat,
    )


def _pickle(rec: Any) -> bytes:
    import pickle  # here: a run without workers never needs it

    return pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL)


WORKER: dict[str, Any] = {}  # the linter, inherited by forked workers


def work(chunk: list[int]) -> list[tuple[int, Slim]]:
    linter = WORKER["linter"]
    names = WORKER["secret_names"]
    paths, read = WORKER["paths"], WORKER["read"]
    out = []
    for i in chunk:
        outcome, h, stat = lint_bytes(linter, paths[i], read.get(i))
        out.append((i, slim_outcome(linter, paths[i], outcome, names, h, stat, pickled=True)))
    return out


def stat_before_read(path: str) -> list[int] | None:
    """Size, mtime and the time now (before the file is read: see Entry.unchanged)."""
    now = time.time_ns()
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, now]
