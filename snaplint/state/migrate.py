"""Move a state from one backend to another (``snaplint state migrate --to postgres``).

The state's bytes move verbatim: lineage, serial and salt stay what they were, so the salted
hashes of secrets still compare, saved plans made before the move still apply, and the
destination is indistinguishable from a state that was always there. Both sides are locked
for the move (by the operation that calls it), so no apply can write either meanwhile.

Refused, with nothing changed:

- the source has journal records of an interrupted apply (``apply`` must fold them first:
  they are bound to the source's lineage and serial, and moving them half-folded could
  resurrect or lose a session);
- the destination holds another state (another lineage, or an older serial of the same one
  would be fine, a newer one is not), unless ``force`` — then the destination's previous
  version becomes its backup.

The source is left in place (``--to`` says where the state lives from now on; the config or
``SNAPLINT_STATE_BACKEND`` must say so too). Migrating again is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass

from snaplint.state import journal
from snaplint.state.backends import Backend
from snaplint.state.codec import State, StateError, decode


class MigrateError(Exception):
    """The move was refused; nothing was written."""


@dataclass(frozen=True)
class Migrated:
    workspace: str
    source: str  # describe() of each side
    destination: str
    state: State | None  # None: the source holds no state
    unchanged: bool = False  # the destination already held exactly this state


def migrate(
    source: Backend,
    destination: Backend,
    *,
    workspace: str,
    force: bool = False,
) -> Migrated:
    """Copy the state of ``source`` into ``destination``; the caller holds both locks
    (:func:`snaplint.operations.state_commands.migrate`)."""
    where = (workspace, source.describe(), destination.describe())
    data = source.read()
    if data is None:
        return Migrated(*where, None)
    try:
        state = decode(data)
    except StateError as exc:
        raise MigrateError(f"the state {source.describe()} cannot be read: {exc}") from None
    pending = journal.unfolded(journal.read(source), state)
    if pending:
        raise MigrateError(
            f"the state {source.describe()} has {len(pending)} journal records of an "
            "interrupted apply; run `snaplint apply` (on this backend) to finish it, "
            "then migrate"
        )
    existing = destination.read()
    if existing == data:
        return Migrated(*where, state, unchanged=True)
    if existing is not None and not force:
        why = _conflict(existing, state)
        if why:
            raise MigrateError(
                f"{destination.describe()} already holds a state ({why}); "
                "pass --force to replace it (its current version is kept as the backup)"
            )
    destination.write(data)
    if destination.read() != data:
        raise MigrateError(f"{destination.describe()} did not store the state as written")
    destination.journal_clear()  # records there belong to the state just replaced
    return Migrated(*where, state)


def _conflict(existing: bytes, state: State) -> str:
    """Why overwriting ``existing`` with ``state`` could lose something ('' if it cannot)."""
    try:
        there = decode(existing)
    except StateError:
        return "not a snaplint state"
    if there.lineage != state.lineage:
        return f"another lineage, {there.lineage}, serial {there.serial}"
    if there.serial >= state.serial:
        return f"the same lineage at serial {there.serial}, not older than {state.serial}"
    return ""
