"""Choosing the service (real endpoint vs embedded emulator) and the embedded emulator itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from snaplint.agora.connection import (
    EMBEDDED_DESCRIPTION,
    ConnectionConfigError,
    describe_connection,
    open_client,
    resolve_app_id,
)
from snaplint.agora.exceptions import WorkerNotFoundError
from snaplint.agora.filenames import parse_key
from snaplint.agora.ratelimit import RateLimiters
from snaplint.emulator import DEFAULT_APP_ID, DEFAULT_CUSTOMER_ID
from tests.emulator_fixtures import (  # noqa: F401  (emulator_fixture provides `emulator`)
    BOT_UID,
    CNAME,
    SECRETS,
    emulator_fixture,
    snapshot_request,
)

REPO = Path(__file__).resolve().parent.parent
CREDS = {"AGORA_CUSTOMER_ID": "cust-id-1234", "AGORA_CUSTOMER_SECRET": "cust-SECRET-5678"}


# ------------------------------------------------------------------ decision


def test_nothing_configured_means_the_embedded_emulator():
    conn = describe_connection(endpoint=None, env={})
    assert (conn.kind, conn.endpoint, conn.credentials) == ("embedded", None, None)
    assert conn.description == "local emulator (no Agora account configured)"


def test_credentials_mean_the_real_service_with_failover():
    conn = describe_connection(endpoint=None, env=CREDS)
    assert (conn.kind, conn.endpoint) == ("endpoint", "https://api.agora.io")
    assert "cust-SECRET-5678" not in repr(conn) + conn.description
    client, description = open_client(
        project_root=Path("."), endpoint=None, app_id="a" * 32, env=CREDS
    )
    assert client.endpoints == ["https://api.agora.io", "https://api.sd-rtn.com"]
    assert description == "Agora Cloud Recording at https://api.agora.io"
    assert client.default_app_id == "a" * 32 and client.embedded is None
    client, _ = open_client(
        project_root=Path("."),
        endpoint=None,
        app_id=None,
        env={**CREDS, "SNAPLINT_API_REGION": "eu-west-1"},
    )
    assert client.endpoints[-1] == "https://api-eu-west-1.agora.io"


def test_environment_overrides_config():
    env = {**CREDS, "SNAPLINT_API_ENDPOINT": "https://api.sd-rtn.com", "AGORA_APP_ID": "b" * 32}
    conn = describe_connection(endpoint="https://proxy.example.com", env=env)
    assert conn.endpoint == "https://api.sd-rtn.com"
    assert resolve_app_id("a" * 32, env) == "b" * 32
    assert resolve_app_id("a" * 32, {}) == "a" * 32


@pytest.mark.parametrize(
    ("endpoint", "env", "message"),
    [
        (None, {"AGORA_APP_ID": "a" * 32}, "no customer credentials are"),
        (None, {"AGORA_CUSTOMER_ID": "x"}, "AGORA_CUSTOMER_SECRET is not set"),
        (None, {"AGORA_CUSTOMER_SECRET": "x"}, "AGORA_CUSTOMER_ID is not set"),
        ("https://api.agora.io", {}, "no customer credentials for https://api.agora.io"),
        ("http://10.1.2.3:8080", CREDS, "plain http:// is refused"),
    ],
)
def test_incomplete_or_unsafe_configuration(endpoint, env, message):
    with pytest.raises(ConnectionConfigError, match=message):
        describe_connection(endpoint=endpoint, env=env)


def test_loopback_endpoint_without_credentials_uses_the_emulator_defaults():
    conn = describe_connection(endpoint="http://127.0.0.1:8080", env={})
    assert conn.credentials.customer_id == DEFAULT_CUSTOMER_ID
    assert conn.description == "emulator at http://127.0.0.1:8080 (default emulator credentials)"


# ------------------------------------------------------------------ credentials file


def write_creds(path: Path, mode: int, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        text
        or "# Agora REST credentials\nAGORA_CUSTOMER_ID=file-id\nexport AGORA_CUSTOMER_SECRET='file-SECRET-1'\n"
    )
    path.chmod(mode)
    return path


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_credentials_file_must_be_private(tmp_path):
    path = write_creds(tmp_path / "creds", 0o600)
    conn = describe_connection(endpoint=None, env={"SNAPLINT_CREDENTIALS_FILE": str(path)})
    assert conn.kind == "endpoint" and conn.credentials.customer_id == "file-id"
    assert conn.credentials.customer_secret.reveal() == "file-SECRET-1"
    path.chmod(0o644)
    with pytest.raises(ConnectionConfigError, match="chmod 600") as info:
        describe_connection(endpoint=None, env={"SNAPLINT_CREDENTIALS_FILE": str(path)})
    assert "file-SECRET-1" not in str(info.value)


def test_credentials_file_default_location_and_errors(tmp_path):
    write_creds(tmp_path / "cfg" / "snaplint" / "credentials", 0o600)
    conn = describe_connection(endpoint=None, env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert conn.credentials.customer_id == "file-id"
    write_creds(
        tmp_path / "home" / ".config" / "snaplint" / "credentials", 0o600, "AGORA_CUSTOMER_ID=x\n"
    )
    with pytest.raises(ConnectionConfigError, match="must set both"):
        describe_connection(endpoint=None, env={"HOME": str(tmp_path / "home")})
    bad = write_creds(tmp_path / "bad", 0o600, "AGORA_CUSTOMER_SECRET\n")
    with pytest.raises(ConnectionConfigError, match="expected KEY=VALUE"):
        describe_connection(endpoint=None, env={"SNAPLINT_CREDENTIALS_FILE": str(bad)})
    # no file at the default location: embedded
    assert (
        describe_connection(endpoint=None, env={"HOME": str(tmp_path / "nobody")}).kind
        == "embedded"
    )


# ------------------------------------------------------------------ embedded emulator


def embedded(root: Path):
    client, description = open_client(
        project_root=root, endpoint=None, app_id=None, env={}, limiters=RateLimiters(), qps=1000
    )
    return client, description


def test_embedded_client_says_so_and_keeps_state_in_the_project(tmp_path):
    client, description = embedded(tmp_path)
    assert description.startswith(EMBEDDED_DESCRIPTION)
    assert client.default_app_id == DEFAULT_APP_ID
    rid = client.acquire(DEFAULT_APP_ID, CNAME, BOT_UID, {}).resource_id
    assert rid
    assert (tmp_path / ".snaplint" / "emulator" / "state.json").is_file()


def test_separate_runs_see_the_same_sessions_and_screenshots(tmp_path):
    app = DEFAULT_APP_ID
    run1, _ = embedded(tmp_path)
    rid = run1.acquire(app, CNAME, BOT_UID, {}).resource_id
    sid = run1.start(
        app, rid, "individual", CNAME, BOT_UID, snapshot_request(["1001", "1002"], interval=5)
    ).sid
    run1.close()

    # nothing runs between CLI invocations: let 12 s pass by moving the saved clock
    state_path = tmp_path / ".snaplint" / "emulator" / "state.json"
    state = json.loads(state_path.read_text())
    state["clock"]["offset"] += 12
    state_path.write_text(json.dumps(state))

    run2, _ = embedded(tmp_path)
    q = run2.query(app, rid, sid, "individual")
    assert q.status == 5  # caught up on read
    storage = tmp_path / ".snaplint" / "emulator" / "storage"
    files = sorted(p.relative_to(storage).as_posix() for p in storage.rglob("*.jpg"))
    assert len(files) == 6  # auto publishers 1001 and 1002, captures at 0 s, 5 s and 10 s
    assert {parse_key(f.split("/", 2)[2])[1].uid for f in files} == {"1001", "1002"}
    (view,) = run2.embedded.control("GET", "sessions")
    assert view["sid"] == sid and sorted(view["files"]) == files

    # the control API removes the automatic publishers: the channel idles out
    for uid in ("1001", "1002"):
        run2.embedded.control("DELETE", f"apps/{app}/channels/{CNAME}/publishers/{uid}")
    run2.embedded.control("POST", "clock/advance", {"seconds": 30 + 3})
    run3, _ = embedded(tmp_path)
    with pytest.raises(WorkerNotFoundError):
        run3.query(app, rid, sid, "individual")
    assert run3.embedded.control("GET", "sessions")[0]["endReason"].startswith("idle")


def test_embedded_state_holds_no_secrets(tmp_path):
    client, _ = embedded(tmp_path)
    rid = client.acquire(
        DEFAULT_APP_ID, CNAME, BOT_UID, {"startParameter": snapshot_request(with_secrets=True)}
    ).resource_id
    client.start(
        DEFAULT_APP_ID, rid, "individual", CNAME, BOT_UID, snapshot_request(with_secrets=True)
    )
    text = (tmp_path / ".snaplint" / "emulator" / "state.json").read_text()
    assert not any(value in text for value in SECRETS.values())


def test_concurrent_processes_share_one_world(tmp_path):
    script = """
import sys
from pathlib import Path
from snaplint.agora.connection import open_client
from snaplint.emulator import DEFAULT_APP_ID
from tests.emulator_fixtures import snapshot_request
client, _ = open_client(project_root=Path(sys.argv[1]), endpoint=None, app_id=None, env={}, qps=1000)
for i in range(6):
    uid = str(int(sys.argv[2]) + i)
    rid = client.acquire(DEFAULT_APP_ID, "room", uid, {}).resource_id
    client.start(DEFAULT_APP_ID, rid, "individual", "room", uid, snapshot_request())
"""
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), base], cwd=REPO)
        for base in ("100", "200", "300")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    client, _ = embedded(tmp_path)
    sessions = client.embedded.control("GET", "sessions?state=running")
    assert len(sessions) == 18  # no update lost under the file lock


def test_open_client_against_a_running_emulator(emulator):
    client, description = open_client(
        project_root=Path("."),
        endpoint=None,
        app_id=None,
        env={"SNAPLINT_API_ENDPOINT": emulator.url},
    )
    assert description.startswith(f"emulator at {emulator.url}")
    assert client.acquire(DEFAULT_APP_ID, CNAME, BOT_UID, {}).resource_id
