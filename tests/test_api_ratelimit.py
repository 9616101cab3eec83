"""The client's token bucket: pacing, bursts, threads (reference §1.1, §7.1: 10 requests/s per App ID)."""

from __future__ import annotations

import itertools
import threading

import pytest

from snaplint.agora.ratelimit import SHARED, RateLimiters, TokenBucket


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def clock(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def grants(bucket: TokenBucket, fake: FakeTime, n: int) -> list[float]:
    out = []
    for _ in range(n):
        bucket.acquire()
        out.append(round(fake.t - 100.0, 6))
    return out


def test_burst_one_spaces_every_grant():
    fake = FakeTime()
    bucket = TokenBucket(10, clock=fake.clock, sleep=fake.sleep)
    assert grants(bucket, fake, 5) == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_burst_allows_an_initial_batch_then_paces():
    fake = FakeTime()
    bucket = TokenBucket(10, burst=3, clock=fake.clock, sleep=fake.sleep)
    assert grants(bucket, fake, 5) == [0.0, 0.0, 0.0, 0.1, 0.2]


def test_idle_time_refills_up_to_the_burst_only():
    fake = FakeTime()
    bucket = TokenBucket(10, burst=2, clock=fake.clock, sleep=fake.sleep)
    grants(bucket, fake, 2)
    fake.t += 60
    assert bucket.try_acquire() and bucket.try_acquire()
    assert not bucket.try_acquire()


def test_acquire_returns_the_grant_time():
    fake = FakeTime()
    bucket = TokenBucket(4, clock=fake.clock, sleep=fake.sleep)
    assert [bucket.acquire() for _ in range(3)] == [100.0, 100.25, 100.5]


def test_reconfigure_changes_the_rate():
    fake = FakeTime()
    bucket = TokenBucket(10, clock=fake.clock, sleep=fake.sleep)
    bucket.acquire()
    bucket.configure(2)
    start = fake.t
    bucket.acquire()
    assert fake.t - start == pytest.approx(0.5)


def test_invalid_settings():
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(10, burst=0.5)


def test_registry_shares_one_bucket_per_app_id():
    reg = RateLimiters()
    a = reg.get("app-a", 10)
    assert reg.get("app-a", 10) is a
    assert reg.get("app-b", 10) is not a
    assert reg.get("app-a", 20) is a and a.rate == 20
    assert isinstance(SHARED, RateLimiters)


def test_threads_never_exceed_the_rate_with_a_real_clock():
    rate = 100
    bucket = TokenBucket(rate)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            granted = bucket.acquire()
            with lock:
                stamps.append(granted)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert len(stamps) == 160
    # grants are computed from the time each waiter wakes up, so gaps never shrink below 1/rate
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 1 / rate - 1e-9
    assert all(stamps[i + rate] - stamps[i] >= 1.0 - 1e-6 for i in range(len(stamps) - rate))
    assert stamps[-1] - stamps[0] >= (160 - 1) / rate - 0.01
