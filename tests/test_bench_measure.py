"""``bench/lint.py`` measures each run's own peak memory, not the bench process's.

A process spawned straight from a large one starts its peak-RSS count at its parent's
high-water mark on Linux; the bench forks every run from a small launcher instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="wait4 (POSIX) measures RSS")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_lint", REPO / "bench" / "lint.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_a_run_reports_its_own_peak_not_the_bench_s(tmp_path: Path) -> None:
    bench = _bench()
    ballast = bytearray(160 * 2**20)  # this process now holds 160 MiB ...
    ballast[::4096] = b"x" * len(ballast[::4096])  # ... touched, so resident
    env = dict(os.environ)
    _, small, code = bench.run([sys.executable, "-S", "-c", "pass"], tmp_path, env)
    assert code == 0 and small < 80 * 1024  # KiB: a bare interpreter, not the 160 MiB here
    grow = "b = bytearray(120 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    _, big, code = bench.run([sys.executable, "-S", "-c", grow], tmp_path, env)
    assert code == 0 and big >= 120 * 1024  # a run's own memory is counted
    del ballast


def test_a_run_reports_its_exit_code_and_time(tmp_path: Path) -> None:
    bench = _bench()
    elapsed, _, code = bench.run(
        [sys.executable, "-S", "-c", "import time, sys; time.sleep(0.2); sys.exit(3)"],
        tmp_path,
        dict(os.environ),
    )
    assert code == 3 and 0.2 <= elapsed < 30
