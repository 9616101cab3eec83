"""Renames without restarts: ``kind: Moved`` documents (Terraform's ``moved`` blocks), pure.

A move says that the job recorded in state as ``from`` is now called ``to``: the planner
plans the recorded session under its new name (no stop, no start), and apply records the new
name. Resolution is by pairs of job names, so that moves of a job set's key
(``<set>-<old key>`` → ``<set>-<new key>``) and of a whole set (every key's pair) can be
expanded into pairs before :func:`resolve` sees them.

==========================  ====================  ===========================================
``from`` in state           ``to`` in state       plan
==========================  ====================  ===========================================
yes                         no                    the move: ``# job.a has moved to job.b``
no                          yes                   already recorded: nothing (the document may
                                                  stay or be deleted)
yes                         yes                   error: which one is the job?
no                          no                    error: nothing to move
==========================  ====================  ===========================================
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from snaplint.plan.changes import Diagnostic


@dataclass(frozen=True)
class Move:
    source: str  # spec.from: the old name
    to: str  # spec.to: the new name
    origin: str = ""  # the manifest holding it
    document: int = 0


def moves_of(documents: Iterable[Any]) -> list[Move]:
    """The moves of every ``kind == "moved"`` document (schema-checked by lint)."""
    found: list[Move] = []
    for doc in documents:
        if getattr(doc, "kind", None) != "moved":
            continue
        source, to = doc.get(("spec", "from")), doc.get(("spec", "to"))
        if isinstance(source, str) and isinstance(to, str):
            found.append(Move(source, to, doc.source.display, doc.index))
    return found


def resolve(
    moves: Sequence[Move], recorded: Collection[str]
) -> tuple[dict[str, str], list[Diagnostic]]:
    """The renames to plan (new name → old name) and the errors, for the recorded names."""
    renames: dict[str, str] = {}
    errors: list[Diagnostic] = []
    seen_from: dict[str, Move] = {}
    seen_to: dict[str, Move] = {}
    for m in moves:
        where = {"source": m.origin or None}
        if m.source == m.to:
            errors.append(Diagnostic("error", f"Moved: job {m.source} is moved to itself", **where))
            continue
        twice = seen_from.get(m.source) or seen_to.get(m.to)
        if twice is not None:
            errors.append(
                Diagnostic(
                    "error",
                    f"Moved: job {m.source} → {m.to} conflicts with {twice.source} → {twice.to}",
                    "a job can be moved from one name to one other name only",
                    **where,
                )
            )
            continue
        seen_from[m.source], seen_to[m.to] = m, m
        has_from, has_to = m.source in recorded, m.to in recorded
        if has_from and not has_to:
            renames[m.to] = m.source
        elif has_from and has_to:
            errors.append(
                Diagnostic(
                    "error",
                    f"Moved: both job {m.source} and job {m.to} are recorded in the state",
                    f"the move cannot say which session job {m.to} is; `snaplint state rm` "
                    "the wrong one (its session keeps running unmanaged) or delete the Moved "
                    "document",
                    **where,
                )
            )
        elif not has_from and not has_to:
            errors.append(
                Diagnostic(
                    "error",
                    f"Moved: neither job {m.source} nor job {m.to} is recorded in the state",
                    "there is no session to move; delete the Moved document",
                    **where,
                )
            )
    chained = set(renames) & set(renames.values())
    for name in sorted(chained):
        errors.append(Diagnostic("error", f"Moved: job {name} is both moved and moved to"))
    return renames, errors
