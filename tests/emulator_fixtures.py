"""Helpers for tests that run the emulator over real HTTP on 127.0.0.1.

Import the fixtures into a test module to use them::

    from tests.emulator_fixtures import emulator_fixture  # noqa: F401  (the "emulator" fixture)

``emulator`` starts a server on a free port with a frozen clock (``time_scale=0``): time moves
only through ``emu.advance(seconds)``, so lifecycle tests are deterministic and fast. Its QPS
limit is off unless a test asks for one (``running_emulator(path, qps=5)``).
``emu.client()`` gives a client with quick retries and a private rate-limiter registry.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from snaplint.agora.client import CloudRecordingClient
from snaplint.agora.clientconfig import Credentials, RetryPolicy
from snaplint.agora.ratelimit import RateLimiters
from snaplint.emulator import (
    DEFAULT_APP_ID,
    DEFAULT_CUSTOMER_ID,
    DEFAULT_CUSTOMER_SECRET,
    EmulatorServer,
    FaultConfig,
    create_app,
)

APP = DEFAULT_APP_ID
CNAME = "lesson42"
BOT_UID = "910001"
FAST_RETRY = RetryPolicy(total=3, backoff_factor=0.01, backoff_jitter=0.0, failover_backoff=(0.0,))

# Distinctive secret values: tests assert they never show up in text a user could see.
SECRETS = {
    "accessKey": "AKIA-SECRET-ACCESS-7f3a9",
    "secretKey": "sk-SECRET-KEY-c81d2e",
    "stsToken": "sts-SECRET-TOKEN-5b7c",
    "token": "rtc-SECRET-TOKEN-007e6a",
}


def snapshot_request(
    uids: tuple[str, ...] | list[str] = ("1001", "1002"),
    *,
    interval: int = 5,
    max_idle: int = 30,
    prefix: tuple[str, ...] = ("lesson42", "shots"),
    bucket: str = "my-shots",
    vendor: int = 1,
    with_secrets: bool = False,
) -> dict[str, Any]:
    """A valid screenshot-only start ``clientRequest`` (reference §1.4 example)."""
    request: dict[str, Any] = {
        "recordingConfig": {
            "channelType": 1,
            "streamTypes": 1,
            "videoStreamType": 0,
            "maxIdleTime": max_idle,
            "subscribeVideoUids": list(uids),
            "subscribeUidGroup": 0,
        },
        "snapshotConfig": {"captureInterval": interval, "fileType": ["jpg"]},
        "storageConfig": {
            "vendor": vendor,
            "region": 0,
            "bucket": bucket,
            "accessKey": "AK",
            "secretKey": "SK",
            "fileNamePrefix": list(prefix),
        },
    }
    if with_secrets:
        request["token"] = SECRETS["token"]
        request["storageConfig"].update(
            accessKey=SECRETS["accessKey"],
            secretKey=SECRETS["secretKey"],
            stsToken=SECRETS["stsToken"],
        )
    return copy.deepcopy(request)


class Emu:
    """A running emulator server plus shortcuts to its control API."""

    def __init__(self, server: EmulatorServer, storage_dir: Path) -> None:
        self.server = server
        self.app = server.app
        self.engine = server.app.engine
        self.url = server.url
        self.storage_dir = storage_dir
        self.http = requests.Session()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, f"{self.url}/_emulator/{path}", json=body, timeout=10)
        assert resp.status_code == 200, (resp.status_code, resp.text)
        return resp.json()

    def publish(
        self,
        uid: str,
        cname: str = CNAME,
        *,
        video: bool = True,
        audio: bool = True,
        app: str = APP,
    ) -> None:
        self.control(
            "POST",
            f"apps/{app}/channels/{quote(cname, safe='')}/publishers",
            {"uid": uid, "video": video, "audio": audio},
        )

    def unpublish(self, uid: str, cname: str = CNAME, app: str = APP) -> None:
        self.control("DELETE", f"apps/{app}/channels/{quote(cname, safe='')}/publishers/{uid}")

    def advance(self, seconds: float) -> float:
        return self.control("POST", "clock/advance", {"seconds": seconds})["now"]

    def sessions(self, state: str | None = None) -> list[dict[str, Any]]:
        return self.control("GET", "sessions" + (f"?state={state}" if state else ""))

    def session(self, sid: str) -> dict[str, Any]:
        return self.control("GET", f"sessions/{sid}")

    def failover(self, sid: str) -> dict[str, Any]:
        return self.control("POST", f"sessions/{sid}/failover")

    def faults(self, **config: Any) -> dict[str, Any]:
        return self.control("PUT", "faults", config)

    def request_log(self) -> list[dict[str, Any]]:
        return self.control("GET", "requests")

    def client(self, **kwargs: Any) -> CloudRecordingClient:
        kwargs.setdefault("retry", FAST_RETRY)
        kwargs.setdefault("limiters", RateLimiters())
        kwargs.setdefault("qps", 1000.0)  # most tests are not about pacing
        return CloudRecordingClient(
            Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET),
            endpoint=self.url,
            **kwargs,
        )

    def files_on_disk(self) -> list[str]:
        return sorted(
            p.relative_to(self.storage_dir).as_posix() for p in self.storage_dir.rglob("*.jpg")
        )


@contextmanager
def running_emulator(storage_dir: Path, **kwargs: Any) -> Iterator[Emu]:
    kwargs.setdefault("time_scale", 0.0)
    kwargs.setdefault("qps", None)  # tests about the QPS limit set it; the rest run unthrottled
    kwargs.setdefault("failover_recovery", 10.0)
    faults = kwargs.pop("faults", None)
    app = create_app(
        storage_dir=storage_dir, faults=FaultConfig.from_dict(faults) if faults else None, **kwargs
    )
    server = EmulatorServer(app, "127.0.0.1", 0).start()
    try:
        yield Emu(server, storage_dir)
    finally:
        server.stop()


@pytest.fixture(name="emulator")
def emulator_fixture(tmp_path: Path) -> Iterator[Emu]:
    with running_emulator(tmp_path / "storage") as emu:
        yield emu


def start_session(
    emu: Emu,
    client: CloudRecordingClient | None = None,
    *,
    cname: str = CNAME,
    uid: str = BOT_UID,
    request: dict[str, Any] | None = None,
    mode: str = "individual",
) -> tuple[str, str]:
    """acquire + start; returns (resourceId, sid)."""
    client = client or emu.client()
    request = request if request is not None else snapshot_request()
    rid = client.acquire(APP, cname, uid, {}).resource_id
    sid = client.start(APP, rid, mode, cname, uid, request).sid
    return rid, sid
