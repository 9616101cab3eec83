"""The structural diff: field changes between two specs (pure)."""

from __future__ import annotations

import pytest

from snaplint.plan.diff import MISSING, FieldChange, diff, equal, leaves
from snaplint.plan.jobs import sensitive

S1 = sensitive("hmac-sha256:aaa", "SECRET")
S2 = sensitive("hmac-sha256:bbb", "SECRET")
UNSET = sensitive(None, "SECRET")
OTHER_REF_UNSET = sensitive(None, "OTHER")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({}, {}, []),
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1}, {"a": 2}, [FieldChange(("a",), 1, 2)]),
        ({}, {"a": 1}, [FieldChange(("a",), MISSING, 1)]),
        ({"a": 1}, {}, [FieldChange(("a",), 1, MISSING)]),
        # nested mappings recurse
        ({"r": {"x": 1, "y": 2}}, {"r": {"x": 1, "y": 3}}, [FieldChange(("r", "y"), 2, 3)]),
        # lists are whole values (update replaces subscription lists as a whole)
        (
            {"uids": ["1", "2"]},
            {"uids": ["1", "3"]},
            [FieldChange(("uids",), ["1", "2"], ["1", "3"])],
        ),
        ({"uids": ["1", "2"]}, {"uids": ["1", "2"]}, []),
        # 1 and True are different values, so are 1 and "1"
        ({"a": 1}, {"a": True}, [FieldChange(("a",), 1, True)]),
        ({"a": 1}, {"a": "1"}, [FieldChange(("a",), 1, "1")]),
        # a whole block added or removed is one change
        ({}, {"b": {"x": 1}}, [FieldChange(("b", "x"), MISSING, 1)]),
        # sensitive markers: compared by hash, never descended into
        ({"k": S1}, {"k": S1}, []),
        ({"k": S1}, {"k": S2}, [FieldChange(("k",), S1, S2)]),
        # an unset variable at plan time: compared by reference only
        ({"k": S1}, {"k": UNSET}, []),
        ({"k": S1}, {"k": OTHER_REF_UNSET}, [FieldChange(("k",), S1, OTHER_REF_UNSET)]),
        # a literal turning into a secret marker (or back) is a change
        ({"k": "plain"}, {"k": S1}, [FieldChange(("k",), "plain", S1)]),
    ],
)
def test_diff(before, after, expected):
    assert diff(before, after) == expected


def test_order_follows_after_then_removed():
    changes = diff({"z": 1, "a": 1, "gone": 1}, {"b": 2, "a": 2, "z": 2})
    assert [c.path for c in changes] == [("b",), ("a",), ("z",), ("gone",)]


def test_field_change_kinds_and_sensitivity():
    assert FieldChange(("a",), MISSING, 1).kind == "add"
    assert FieldChange(("a",), 1, MISSING).kind == "remove"
    assert FieldChange(("a",), 1, 2).kind == "change"
    assert FieldChange(("k",), S1, S2).sensitive
    assert not FieldChange(("a",), 1, 2).sensitive
    assert FieldChange(("a", "b", 0), 1, 2).dotted == "a.b.0"


def test_equal_is_deep_and_typed():
    assert equal({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]})
    assert not equal({"a": [1]}, {"a": [1.0 + 0.5]})
    assert not equal(S1, "x")
    assert equal(S1, dict(S1))


def test_leaves_stop_at_lists_and_secrets():
    spec = {"a": {"b": [1, 2], "k": S1}, "c": 3}
    assert list(leaves(spec)) == [(("a", "b"), [1, 2]), (("a", "k"), S1), (("c",), 3)]


def test_missing_is_falsy_singleton():
    assert not MISSING
    assert type(MISSING)() is MISSING
    assert repr(MISSING) == "MISSING"
