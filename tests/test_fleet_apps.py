"""Many App IDs (issue 17, point 5): each App ID gets its own workers, all App IDs at once, so
one App ID's queue (and rate limit) never holds up another's; journal and outcomes stay whole."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from snaplint.agora.ratelimit import RateLimiters
from snaplint.operations.pacing import map_per_key
from snaplint.operations.refresh import refresh
from snaplint.state.codec import JobState
from tests.test_apply import FakeClient, run, want
from tests.test_plan import spec

APPS = ["a" * 32, "b" * 32, "c" * 32]


class PerAppClient(FakeClient):
    """FakeClient paced per App ID by real token buckets, recording each call's App ID."""

    def __init__(self, rate: float) -> None:
        super().__init__(delay=0.0)
        self.limiters = RateLimiters()
        self.rate = rate
        self.by_app: list[tuple[str, str, float]] = []

    def _paced(self, app_id: str, endpoint: str) -> None:
        granted = self.limiters.get(app_id, self.rate).acquire()
        with self._lock:
            self.by_app.append((app_id, endpoint, granted))

    def acquire(self, app_id, cname, uid, client_request):
        self._paced(app_id, "acquire")
        return super().acquire(app_id, cname, uid, client_request)

    def start(self, app_id, resource_id, mode, cname, uid, client_request):
        self._paced(app_id, "start")
        return super().start(app_id, resource_id, mode, cname, uid, client_request)


def test_apply_paces_each_app_id_on_its_own(tmp_path):
    # 3 App IDs × 6 jobs at 20 requests/s each: 12 calls per App ID, 0.55 s paced side by
    # side (the sum, one after the other, would be 1.65 s)
    jobs = [
        want(f"j{i:02d}", spec(appId=APPS[i % 3], cname=f"c{i}", uid=str(100 + i)))
        for i in range(18)
    ]
    client = PerAppClient(rate=20)
    started = time.monotonic()
    state, outcomes, records, _ = run(tmp_path, jobs, [], client, parallelism=2)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    assert all(o.result == "succeeded" for o in outcomes.values()) and len(outcomes) == 18
    assert {j.app_id for j in state.jobs.values()} == set(APPS)
    # every job's journal is whole and in order, however the App IDs interleaved
    for name in outcomes:
        steps = [(r.step, r.phase) for r in records if r.job == name]
        assert steps == [
            ("acquire", "intent"),
            ("acquire", "done"),
            ("start", "intent"),
            ("start", "done"),
        ]
    # the App IDs really interleave: the first calls are not all of one App ID
    first = {app for app, _, _ in sorted(client.by_app, key=lambda c: c[2])[:6]}
    assert first == set(APPS)


def test_parallelism_is_per_app_id(tmp_path):
    client = FakeClient(delay=0.05)
    jobs = [
        want(f"j{i}", spec(appId=APPS[i % 2], cname=f"c{i}", uid=str(100 + i))) for i in range(8)
    ]
    run(tmp_path, jobs, [], client, parallelism=1)
    assert client.max_active == 2  # one worker per App ID, both at once


def test_map_per_key_bounds_each_key():
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    lock = threading.Lock()

    def work(item: tuple[str, int]) -> int:
        key, n = item
        with lock:
            active[key] = active.get(key, 0) + 1
            peak[key] = max(peak.get(key, 0), active[key])
        time.sleep(0.01)
        with lock:
            active[key] -= 1
        return n

    items = [(k, i) for i in range(6) for k in "xyz"]
    assert sorted(map_per_key(items, lambda it: it[0], work, 2)) == sorted(i for _, i in items)
    assert peak == {"x": 2, "y": 2, "z": 2}


def test_refresh_queries_every_app_id_at_once():
    seen: list[str] = []
    gate = threading.Barrier(3, timeout=5)  # passes only if all three App IDs query together

    class Client:
        def query(self, app_id, resource_id, sid, mode):
            seen.append(app_id)
            gate.wait()
            return SimpleNamespace(status=5, raw={})

    jobs = {
        f"j{i}": JobState(f"j{i}", APPS[i], "c", "1", resource_id="R", sid="S", status="running")
        for i in range(3)
    }
    live = refresh(Client(), jobs, parallelism=1)
    assert {n: v.status for n, v in live.items()} == dict.fromkeys(jobs, "running")
