"""The whole policy for one job: desired + recorded spec + live status → a :class:`Decision`.

A small pure function tested from a table. Only the subscription lists and the storage
credentials can change in place (``update``); any other changed field needs a replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snaplint.plan.changes import (
    ENDED,
    PENDING,
    REASON_CANNOT_UPDATE,
    REASON_DESTROY,
    REASON_ENDED,
    REASON_NO_CONFIG,
    REASON_REQUESTED,
    REASON_SID_UNKNOWN,
    REASON_SPEC_UNKNOWN,
    REASON_UNKNOWN,
    REASON_VERIFY,
    RUNNING,
    UNKNOWN,
    UNTRACKED,
    Action,
)
from snaplint.plan.diff import MISSING, FieldChange, Path, diff, leaves

_RC = ("clientRequest", "recordingConfig")
_SC = ("clientRequest", "storageConfig")
# What ``update`` can change in a running individual-mode session (reference §4): the
# subscription lists and the storage credentials (STS refresh). Everything else has no update
# path and needs stop + acquire + start.
IN_PLACE: frozenset[Path] = frozenset(
    {
        (*_RC, "subscribeVideoUids"),
        (*_RC, "unsubscribeVideoUids"),
        (*_RC, "subscribeAudioUids"),
        (*_RC, "unsubscribeAudioUids"),
        (*_SC, "accessKey"),
        (*_SC, "secretKey"),
        (*_SC, "stsToken"),
        (*_SC, "stsExpiration"),
    }
)
SUBSCRIPTION_FIELDS = frozenset(p for p in IN_PLACE if p[:2] == _RC)
STORAGE_CREDENTIAL_FIELDS = frozenset(p for p in IN_PLACE if p[:2] == _SC)


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str | None = None
    fields: tuple[FieldChange, ...] = ()
    forces: frozenset[Path] = frozenset()


def is_in_place(path: Path) -> bool:
    return tuple(path) in IN_PLACE


def decide(
    desired: Mapping[str, Any] | None,
    recorded: Mapping[str, Any] | None,
    status: str | None,
    *,
    replace: bool = False,
    destroy: bool = False,
) -> Decision:
    """What to do with one job.

    ``desired``: its fingerprint spec from the manifests (None: not in manifests);
    ``recorded``: the last-applied spec in state (None: not recorded); ``status``: the
    recorded session's live status (None when not recorded).
    """
    if destroy or desired is None:
        if status is None:
            return Decision(Action.NOOP)
        reason = REASON_DESTROY if destroy else REASON_NO_CONFIG
        if status in (RUNNING, UNKNOWN):
            return Decision(Action.DELETE, reason, _removed(recorded))
        if status == ENDED:
            return Decision(Action.FORGET, reason)
        # pending/untracked: no sid, so nothing can be stopped through the API
        return Decision(Action.NOOP, REASON_SID_UNKNOWN)
    created = _created(desired)
    if status is None:
        return Decision(Action.CREATE, None, created)
    if status == ENDED:
        return Decision(Action.CREATE, REASON_ENDED, created)
    if status == PENDING:
        return Decision(Action.CREATE, REASON_VERIFY, created)
    if status == UNTRACKED:
        # a session may run for it: a second start would only answer code 53, so none is
        # planned unless asked for (--replace); the plan lists it as untracked instead
        if replace:
            return Decision(Action.CREATE, REASON_SID_UNKNOWN, created)
        return Decision(Action.NOOP, REASON_SID_UNKNOWN)
    if not recorded and status == RUNNING and not replace:
        # what the session was started with is not recorded: nothing to compare, so no
        # replace; apply records the manifest's spec as its last-applied one
        return Decision(Action.NOOP, REASON_SPEC_UNKNOWN)
    changes = tuple(diff(recorded or {}, desired))
    if status == UNKNOWN:
        return Decision(Action.NOOP, REASON_UNKNOWN, changes)
    forces = frozenset(c.path for c in changes if not is_in_place(c.path))
    if replace:
        return Decision(Action.REPLACE, REASON_REQUESTED, changes, forces)
    if not changes:
        return Decision(Action.NOOP)
    if forces:
        return Decision(Action.REPLACE, REASON_CANNOT_UPDATE, changes, forces)
    return Decision(Action.UPDATE, None, changes)


def _created(spec: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(p, MISSING, v) for p, v in leaves(spec) if v is not None)


def _removed(spec: Mapping[str, Any] | None) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(p, v, MISSING) for p, v in leaves(spec or {}) if v is not None)
