"""The endpoint URL policy: one parser (urllib3's), and every known parser confusion refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from urllib3.util import parse_url

from snaplint.agora.client import CloudRecordingClient
from snaplint.agora.clientconfig import Credentials
from snaplint.agora.connection import ConnectionConfigError, describe_connection
from snaplint.agora.endpoint import EndpointError, check_endpoint, is_loopback_host


def only_loopback(host: str) -> list[str]:
    return ["127.0.0.1", "::1"] if host in ("localhost", "api.localhost") else []


def check(url: str):
    return check_endpoint(url, setting="SNAPLINT_API_ENDPOINT", resolver=only_loopback)


ACCEPTED = [
    ("https://api.agora.io", "https://api.agora.io", False),
    ("https://api.agora.io/", "https://api.agora.io", False),
    ("HTTPS://api.sd-rtn.com:443/prefix/", "https://api.sd-rtn.com:443/prefix", False),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080", True),
    ("http://127.9.8.7", "http://127.9.8.7", True),
    ("http://[::1]:9000/", "http://[::1]:9000", True),
    ("http://localhost:8080", "http://localhost:8080", True),
    ("http://api.localhost", "http://api.localhost", True),
]


@pytest.mark.parametrize(("url", "normal", "loopback"), ACCEPTED)
def test_accepted_endpoints(url, normal, loopback):
    endpoint = check(url)
    assert endpoint.url == normal
    assert endpoint.loopback is loopback


# Each row: a URL that urllib.parse and urllib3 (what requests connects with) read differently,
# or that hides a non-loopback host behind something that looks like loopback.
CONFUSIONS = [
    ("http://evil.example\\@127.0.0.1:8080/", "backslash"),
    ("http://127.0.0.1\\@evil.example/", "backslash"),
    ("http://evil.example\\.127.0.0.1/", "backslash"),
    ("https://user:pw@api.agora.io", "credentials in the URL"),
    ("http://127.0.0.1:80@evil.example", "credentials in the URL"),
    ("http://evil.example@127.0.0.1", "credentials in the URL"),
    ("http://127.0.0.1%2f@evil.example", "credentials in the URL"),
    ("http://127.0.0.1\t@evil.example", "character"),
    ("http://127.0.0.1\n.evil.example", "character"),
    ("http://127.0.0.1 .evil.example", "character"),
    ("http://127.0.0.1\x00.evil.example", "character"),
    ("http://127。0。0。1", "character"),  # ideographic full stops: IDNA folds them to dots
    ("http://ⓛocalhost", "character"),
    ("http://127.0.0.1%00.evil.example", "not a URL|valid host"),
    ("http://127.0.0.1.evil.example", "plain http:// is refused"),
    ("http://localhost.evil.example", "plain http:// is refused"),
    (
        "http://0x7f.0.0.1",
        "plain http:// is refused",
    ),  # inet_aton reads it as loopback; we do not guess
    ("http://2130706433", "plain http:// is refused"),
    ("http://[::ffff:10.0.0.1]", "plain http:// is refused"),
    ("http://10.1.2.3:8080", "plain http:// is refused"),
    ("http://api.agora.io", "plain http:// is refused"),
    ("http://127.0.0.1/#@evil.example", "query or fragment"),
    ("http://127.0.0.1/?@evil.example", "query or fragment"),
    ("https://api.agora.io?x=1", "query or fragment"),
    ("ftp://api.agora.io", "must start with https://"),
    ("//api.agora.io", "must start with https://"),
    ("api.agora.io", "must start with https://"),
    ("https://", "valid host"),
    ("https://:443", "valid host"),
    ("https://-bad-.example", "valid host"),
    ("", "empty"),
]


@pytest.mark.parametrize(("url", "why"), CONFUSIONS)
def test_confusions_are_refused(url, why):
    with pytest.raises(EndpointError, match=why) as info:
        check(url)
    message = str(info.value)
    assert "SNAPLINT_API_ENDPOINT" in message
    assert "pw@" not in message  # userinfo never echoed
    assert "\n" not in message and "\t" not in message


def test_the_backslash_case_is_a_real_confusion_of_the_two_parsers():
    """Why the policy reads URLs with urllib3: the old check passed this one."""
    url = "http://evil.example\\@127.0.0.1:8080/"
    assert urlsplit(url).hostname == "127.0.0.1"
    assert parse_url(url).host == "evil.example"
    with pytest.raises(EndpointError):
        check(url)


def test_localhost_that_resolves_elsewhere_is_not_loopback():
    assert is_loopback_host("localhost", lambda host: ["127.0.0.1"])
    assert not is_loopback_host("localhost", lambda host: ["127.0.0.1", "203.0.113.9"])
    assert not is_loopback_host("localhost", lambda host: [])
    with pytest.raises(EndpointError, match="plain http://"):
        check_endpoint("http://localhost:8080", resolver=lambda host: ["203.0.113.9"])


def test_the_client_refuses_the_same_urls():
    """Enforced where the connection is made, whoever builds the client."""
    with pytest.raises(ValueError, match="backslash"):
        CloudRecordingClient(
            Credentials.of("id", "secret"), endpoint="http://e.example\\@127.0.0.1"
        )


def test_connection_names_the_setting():
    with pytest.raises(ConnectionConfigError, match="SNAPLINT_API_ENDPOINT"):
        describe_connection(endpoint=None, env={"SNAPLINT_API_ENDPOINT": "http://e\\@127.0.0.1"})
    with pytest.raises(ConnectionConfigError, match=r"api\.endpoint"):
        describe_connection(endpoint="http://evil.example", env={})


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jobs" / "classroom.yaml"


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply_with_an_empty_state_refuse_a_tricky_endpoint(tmp_path: Path, command):
    (tmp_path / "jobs.yaml").write_text(EXAMPLE.read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "SNAPLINT_"))} | {
        "SNAPLINT_API_ENDPOINT": "http://evil.example\\@127.0.0.1:9/",
        "AGORA_CUSTOMER_ID": "cid",
        "AGORA_CUSTOMER_SECRET": "TOPSECRET-customer",
        "AGORA_APP_ID": "0123456789abcdef0123456789abcdef",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "storage-secret-value",
        "SNAPLINT_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    args = [command, "jobs.yaml"] + (["--auto-approve"] if command == "apply" else [])
    run = subprocess.run(
        [sys.executable, "-m", "snaplint", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 2, output
    assert "SNAPLINT_API_ENDPOINT" in output and "backslash" in output
    assert "TOPSECRET" not in output and "storage-secret" not in output
    assert not (tmp_path / ".snaplint" / "state.json").exists() or json.loads(
        (tmp_path / ".snaplint" / "state.json").read_text()
    ).get("jobs") in (None, {})
