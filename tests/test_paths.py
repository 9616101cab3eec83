"""The runner's shortcuts for absolute and display paths (``lint.paths.Absolute``) agree with
``os.path.abspath`` and ``manifest.display_path`` on every path, clean or not."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from snaplint.lint.manifest import display_path
from snaplint.lint.paths import Absolute

PARTS = st.sampled_from(["jobs", "a.yaml", ".", "..", "", ".hidden", "x..y", "-", "b c"])


@st.composite
def paths(draw) -> str:
    parts = draw(st.lists(PARTS, min_size=1, max_size=5))
    path = "/".join(parts)
    where = draw(st.sampled_from(["relative", "below cwd", "elsewhere"]))
    if where == "below cwd":
        return os.path.join(os.getcwd(), path)
    if where == "elsewhere":
        return "/elsewhere/" + path
    return path


@given(paths())
def test_the_shortcuts_agree_with_the_library(path: str) -> None:
    absolute = Absolute()
    assert absolute(path) == os.path.abspath(path)
    assert absolute.display(path) == display_path(path)


def test_a_clean_path_is_kept_as_it_is() -> None:
    absolute = Absolute()
    inside = os.path.join(os.getcwd(), "jobs", "a.yaml")
    assert absolute.display(inside) == "jobs/a.yaml"
    assert absolute.display("jobs/a.yaml") == "jobs/a.yaml"
    assert absolute.display("-") == "-"
