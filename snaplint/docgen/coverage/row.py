"""A row of the coverage table, and the words rows use for what no rule can check."""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    ref: str  # where in the reference: "§2.4", "§9 #3", "R7"
    constraint: str
    rules: tuple[str, ...] = ()
    note: str = ""


RUN_TIME = "run time"
PLAN_APPLY = "plan/apply"
