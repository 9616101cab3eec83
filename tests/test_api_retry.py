"""Retries, backoff, Retry-After, domain failover and pacing — against emulator faults over HTTP."""

from __future__ import annotations

import itertools
import socket
import threading
import time

import pytest

from snaplint.agora.clientconfig import RetryPolicy
from snaplint.agora.exceptions import (
    AlreadyStartedError,
    InvalidOperationError,
    InvalidParameterError,
    ServerError,
    TransportError,
    WorkerNotFoundError,
)
from snaplint.agora.ratelimit import RateLimiters
from snaplint.agora.retry import GatedRetry
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    APP,
    BOT_UID,
    CNAME,
    emulator_fixture,
    running_emulator,
    snapshot_request,
    start_session,
)

NO_JITTER = RetryPolicy(total=3, backoff_factor=0.5, backoff_jitter=0.0, failover_backoff=(0.0,))


class SleepRecorder:
    """Fake sleep: records the requested delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(round(seconds, 3))


def endpoint_log(emu, endpoint):
    return [e for e in emu.request_log() if e["endpoint"] == endpoint]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ 5xx and body codes


def test_5xx_is_retried_with_exponential_backoff_then_succeeds(emulator):
    rid, sid = start_session(emulator)
    emulator.faults(errors={"query": {"rate": 1.0, "count": 3}})  # 504 {code 62} three times
    sleep = SleepRecorder()
    client = emulator.client(retry=NO_JITTER, sleep=sleep)
    assert client.query(APP, rid, sid, "individual").status == 0
    assert [e["status"] for e in endpoint_log(emulator, "query")] == [504, 504, 504, 200]
    assert sleep.delays == [0.5, 1.0, 2.0]  # factor·2^(n−1), from the first retry on
    assert client.stats["retries"] == 3


def test_exhausted_retries_raise_a_retryable_server_error(emulator):
    emulator.faults(errors={"acquire": {"rate": 1.0}})
    client = emulator.client(sleep=SleepRecorder())
    with pytest.raises(ServerError) as info:
        client.acquire(APP, CNAME, BOT_UID, {})
    err = info.value
    assert (err.http_status, err.code, err.reason, err.retryable) == (
        500,
        504,
        "allocate_timeout",
        True,
    )
    assert err.attempts == 4  # 1 + total=3 retries
    assert len(endpoint_log(emulator, "acquire")) == 4
    assert str(err) == (
        "acquire failed: HTTP 500, code 504 (allocate_timeout): allocating a worker timed out — retry with backoff"
    )


def test_code_65_on_206_is_retried_by_the_body_code_loop(emulator):
    rid, sid = start_session(emulator)
    emulator.faults(errors={"query": {"rate": 1.0, "code": 65, "count": 2}})
    sleep = SleepRecorder()
    client = emulator.client(retry=NO_JITTER, sleep=sleep)
    assert client.query(APP, rid, sid, "individual").status == 0
    log = endpoint_log(emulator, "query")
    assert [(e["status"], e["code"]) for e in log] == [(206, 65), (206, 65), (200, None)]
    assert sleep.delays == [0.5, 1.0]  # the loop reuses Retry's backoff


def test_code_65_exhausted(emulator):
    emulator.faults(errors={"acquire": {"rate": 1.0, "code": 65}})
    with pytest.raises(ServerError) as info:
        emulator.client(sleep=SleepRecorder()).acquire(APP, CNAME, BOT_UID, {})
    assert (info.value.http_status, info.value.code, info.value.attempts) == (206, 65, 4)
    assert "retry with the same parameters and resourceId" in str(info.value)


def test_4xx_is_never_retried(emulator):
    client = emulator.client(sleep=SleepRecorder())
    with pytest.raises(InvalidParameterError):
        client.acquire(APP, CNAME, "0", {})
    rid, _ = start_session(emulator)
    with pytest.raises(WorkerNotFoundError):
        client.query(APP, rid, "f" * 32, "individual")
    statuses = [(e["endpoint"], e["status"]) for e in emulator.request_log()]
    assert statuses.count(("acquire", 400)) == 1
    assert statuses.count(("query", 404)) == 1
    assert client.stats["retries"] == 0


def test_retry_after_is_honoured(emulator):
    emulator.faults(burst_429=2, retry_after=2)
    sleep = SleepRecorder()
    client = emulator.client(retry=NO_JITTER, sleep=sleep)
    client.acquire(APP, CNAME, BOT_UID, {})
    assert sleep.delays == [2.0, 2.0]  # Retry-After instead of 0.5, 1.0
    assert [e["status"] for e in endpoint_log(emulator, "acquire")] == [429, 429, 200]


def test_answer_lost_after_start_succeeded_surfaces_as_already_started(emulator):
    emulator.faults(errors={"start": {"rate": 1.0, "count": 1, "when": "after"}})
    client = emulator.client(sleep=SleepRecorder())
    rid = client.acquire(APP, CNAME, BOT_UID, {}).resource_id
    with pytest.raises(AlreadyStartedError) as info:
        client.start(APP, rid, "individual", CNAME, BOT_UID, snapshot_request())
    assert info.value.attempts == 2  # an earlier attempt of this very call started it
    assert len(emulator.sessions(state="running")) == 1  # exactly one session


# ------------------------------------------------------------------ network failures


def test_dropped_connections_are_retried(emulator):
    emulator.faults(drops={"acquire": {"rate": 1.0, "count": 2}})
    client = emulator.client(sleep=SleepRecorder())
    assert client.acquire(APP, CNAME, BOT_UID, {}).resource_id
    assert [e["dropped"] for e in endpoint_log(emulator, "acquire")] == [True, True, False]


def test_stop_whose_answer_was_lost_reports_49_on_the_retry(emulator):
    emulator.faults(drops={"stop": {"rate": 1.0, "count": 1, "when": "after"}})
    emulator.publish("1001")
    rid, sid = start_session(emulator, request=snapshot_request(["1001"]))
    emulator.advance(5)
    client = emulator.client(sleep=SleepRecorder())
    with pytest.raises(
        InvalidOperationError
    ) as info:  # the stop happened; the retry finds it exiting
        client.stop(APP, rid, sid, "individual", CNAME, BOT_UID)
    assert info.value.code == 49 and info.value.attempts == 2
    assert emulator.session(sid)["state"] == "exiting"


def test_unreachable_endpoint_is_a_transport_error(tmp_path):
    port = free_port()
    from snaplint.agora.client import CloudRecordingClient
    from snaplint.agora.clientconfig import Credentials

    client = CloudRecordingClient(
        Credentials.of("id", "super-secret-value"),
        endpoint=f"http://127.0.0.1:{port}",
        retry=NO_JITTER,
        sleep=SleepRecorder(),
        limiters=RateLimiters(),
        qps=1000,
    )
    with pytest.raises(TransportError) as info:
        client.acquire(APP, CNAME, BOT_UID, snapshot_request(with_secrets=True))
    err = info.value
    assert err.http_status is None and err.retryable
    assert str(err).startswith(
        "acquire failed: network error (ConnectionError): the connection failed"
    )
    assert "super-secret-value" not in str(err) + repr(err)


def test_failover_to_the_next_domain(emulator):
    from snaplint.agora.client import CloudRecordingClient
    from snaplint.agora.clientconfig import Credentials
    from snaplint.emulator import DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET

    dead = f"http://127.0.0.1:{free_port()}"
    sleep = SleepRecorder()
    client = CloudRecordingClient(
        Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET),
        endpoints=[dead, emulator.url],
        retry=RetryPolicy(
            total=1, backoff_factor=0.0, backoff_jitter=0.0, failover_backoff=(1.0, 3.0)
        ),
        sleep=sleep,
        limiters=RateLimiters(),
        qps=1000,
    )
    assert client.acquire(APP, CNAME, BOT_UID, {}).resource_id
    assert client.stats["failovers"] == 1
    assert 1.0 in sleep.delays  # the documented 1 s before the next domain


def test_gateway_5xx_fails_over_but_agora_codes_do_not(tmp_path):
    from snaplint.agora.client import CloudRecordingClient
    from snaplint.agora.clientconfig import Credentials
    from snaplint.emulator import DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET

    with running_emulator(tmp_path / "a") as broken, running_emulator(tmp_path / "b") as healthy:
        broken.faults(errors={"*": {"rate": 1.0, "status": 503}})
        client = CloudRecordingClient(
            Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET),
            endpoints=[broken.url, healthy.url],
            retry=NO_JITTER,
            sleep=SleepRecorder(),
            limiters=RateLimiters(),
            qps=1000,
        )
        assert client.acquire(APP, CNAME, BOT_UID, {}).resource_id
        assert [e["status"] for e in broken.request_log()] == [503] * 4
        assert len(healthy.request_log()) == 1
        broken.faults(errors={"*": {"rate": 1.0}})  # 500 {code 504}: the service itself answered
        with pytest.raises(ServerError):
            client.acquire(APP, CNAME, BOT_UID, {})
        assert len(healthy.request_log()) == 1


def test_latency_fault_slows_answers(emulator):
    emulator.faults(latency_ms=150)
    client = emulator.client()
    t = time.monotonic()
    client.acquire(APP, CNAME, BOT_UID, {})
    assert time.monotonic() - t >= 0.15


# ------------------------------------------------------------------ backoff details


def test_backoff_counts_from_the_first_error_with_bounded_jitter():
    from urllib3.util.retry import RequestHistory

    r = GatedRetry(total=5, backoff_factor=3.0, backoff_jitter=1.0, backoff_max=30.0)
    assert r.get_backoff_time() == 0.0
    for n, base in [(1, 3.0), (2, 6.0), (3, 12.0), (4, 24.0), (5, 30.0)]:
        r.history = tuple(RequestHistory("GET", "/", None, 500, None) for _ in range(n))
        values = {r.get_backoff_time() for _ in range(50)}
        assert all(base <= v <= min(30.0, base + 1.0) for v in values), (n, values)
        if base < 30.0:
            assert len(values) > 1  # jitter is random


# ------------------------------------------------------------------ pacing over HTTP


def windows_ok(times: list[float], rate: int, window: float = 1.0, slack: float = 1e-6) -> bool:
    """No ``window`` seconds hold more than ``rate`` timestamps."""
    times = sorted(times)
    return all(times[i + rate] - times[i] >= window - slack for i in range(len(times) - rate))


def test_token_bucket_paces_threads_below_the_rate(tmp_path):
    rate = 40
    with running_emulator(tmp_path, qps=rate) as emu:
        sent: list[float] = []
        lock = threading.Lock()

        def record(app_id: str, t: float) -> None:
            with lock:
                sent.append(t)

        client = emu.client(qps=rate, on_attempt=record)
        threads = [
            threading.Thread(
                target=lambda: [client.acquire(APP, CNAME, BOT_UID, {}) for _ in range(15)]
            )
            for _ in range(4)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        assert len(sent) == 60
        assert windows_ok(sent, rate)
        assert elapsed >= (60 - 1) / rate - 0.01
        log = emu.request_log()
        assert all(e["status"] == 200 for e in log)  # never a 429 from the service
        arrivals = [e["monotonic"] for e in log]
        assert windows_ok(arrivals, rate, slack=0.05)  # same clock, small transit jitter


def test_retries_are_paced_too(emulator):
    rate = 20
    rid, sid = start_session(emulator)
    emulator.faults(
        errors={
            "query": {"rate": 1.0, "count": 6},
            "acquire": {"rate": 1.0, "code": 65, "count": 3},
        }
    )
    sent: list[float] = []
    client = emulator.client(
        qps=rate,
        retry=RetryPolicy(total=8, backoff_factor=0.0, backoff_jitter=0.0),
        on_attempt=lambda app, t: sent.append(t),
    )
    client.query(APP, rid, sid, "individual")  # urllib3-internal retries
    client.acquire(APP, CNAME, "910002", {})  # body-code loop retries
    assert len(sent) == 7 + 4
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 1 / rate - 1e-6
