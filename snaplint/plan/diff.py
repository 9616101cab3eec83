"""Structural diff of two specs → field changes (pure).

Mappings are compared key by key, recursively; lists and scalars are compared as whole values
(a subscription list is replaced as a whole by ``update``, so showing it whole is also what
happens). Sensitive markers (:func:`snaplint.plan.jobs.sensitive`) are leaves compared by hash,
never by content, and render as ``(sensitive value)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from snaplint.plan.jobs import is_sensitive, sensitive_equal


class _Missing:
    """The value of a field that is absent on one side."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldChange:
    """One changed field: ``before`` or ``after`` is ``MISSING`` when the field is absent."""

    path: Path
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is MISSING:
            return "add"
        if self.after is MISSING:
            return "remove"
        return "change"

    @property
    def sensitive(self) -> bool:
        return is_sensitive(self.before) or is_sensitive(self.after)

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


def equal(a: Any, b: Any) -> bool:
    """Deep equality that knows sensitive markers and keeps ``1`` and ``True`` apart."""
    if is_sensitive(a) or is_sensitive(b):
        return is_sensitive(a) and is_sensitive(b) and sensitive_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def diff(before: Any, after: Any, path: Path = ()) -> list[FieldChange]:
    """Every field that differs between ``before`` and ``after``, in a stable order."""
    return list(_diff(before, after, path))


def _mapping(value: Any) -> bool:
    return isinstance(value, dict) and not is_sensitive(value)


def _diff(before: Any, after: Any, path: Path) -> Iterator[FieldChange]:
    # a block added or removed as a whole is reported leaf by leaf, like any other block
    if (
        (_mapping(before) or before is MISSING)
        and (_mapping(after) or after is MISSING)
        and (before is not MISSING or after is not MISSING)
    ):
        before = {} if before is MISSING else before
        after = {} if after is MISSING else after
        # keys in the order of ``after`` (the manifest's order), then removed ones
        keys = list(after) + [k for k in before if k not in after]
        for key in keys:
            yield from _diff(before.get(key, MISSING), after.get(key, MISSING), (*path, key))
        return
    if before is MISSING and after is MISSING:
        return
    if before is MISSING or after is MISSING or not equal(before, after):
        yield FieldChange(path, before, after)


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every leaf of a spec (sensitive markers and lists are leaves), for create/delete views."""
    if isinstance(value, dict) and not is_sensitive(value):
        for key, sub in value.items():
            yield from leaves(sub, (*path, key))
    else:
        yield path, value
