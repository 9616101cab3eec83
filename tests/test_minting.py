"""${agora:rtc-token}: tokens minted at start (operations/minting.py, agora/connection.py)."""

from __future__ import annotations

import pytest

from snaplint.agora.connection import app_certificate
from snaplint.agora.tokens import parse_token, verify_rtc_token
from snaplint.operations.minting import (
    MAX_VALIDITY,
    Minter,
    MintingError,
    minter_for,
    validity_seconds,
)

APP = "970ca35de60c44645bbae8a215061b33"
CERT = "5cfd2fd1755d40ecb72977518be15d3b"
NOW = 1_800_000_000


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("", MAX_VALIDITY), ("24h", 86400), ("90m", 5400), ("3600s", 3600), ("600", 600)],
)
def test_validity(text, seconds):
    assert validity_seconds({"SNAPLINT_RTC_TOKEN_VALIDITY": text}) == seconds


@pytest.mark.parametrize("text", ["25h", "30s", "1d", "-5m", "abc", "1e3"])
def test_validity_refused(text):
    with pytest.raises(MintingError, match="SNAPLINT_RTC_TOKEN_VALIDITY"):
        validity_seconds({"SNAPLINT_RTC_TOKEN_VALIDITY": text})


def test_minted_token_is_for_the_session_and_expires_after_the_validity():
    minter = Minter(CERT, 7200, clock=lambda: NOW)
    session = {"appId": APP, "cname": "lesson42", "uid": "910001"}
    request, expires = minter.request({"token": "${agora:rtc-token}", "x": 1}, session)
    token = request["token"]
    assert token.startswith("007") and request["x"] == 1
    assert verify_rtc_token(token, APP, CERT, "lesson42", "910001", NOW + 7199) is None
    assert verify_rtc_token(token, APP, CERT, "lesson42", "910002", NOW).code == 110
    assert verify_rtc_token(token, APP, CERT, "lesson42", "910001", NOW + 7201).code == 109
    assert parse_token(token).expires_at == NOW + 7200
    assert expires == "2027-01-15T10:00:00.000Z"
    assert CERT not in repr(minter)
    # a request with its own token is left alone
    assert minter.request({"token": "007abc"}, session) == ({"token": "007abc"}, None)


def test_minter_settings(tmp_path):
    minter, why = minter_for({})
    assert minter is None and "AGORA_APP_CERTIFICATE" in why
    minter, why = minter_for({"AGORA_APP_CERTIFICATE": "short"})
    assert minter is None and "32 hex" in why and "short" not in why
    minter, why = minter_for({"AGORA_APP_CERTIFICATE": CERT})
    assert why is None and minter.certificate == CERT and minter.validity == MAX_VALIDITY
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"AGORA_CUSTOMER_ID=a\nAGORA_CUSTOMER_SECRET=b\nAGORA_APP_CERTIFICATE={CERT}\n"
    )
    credentials.chmod(0o600)
    env = {"SNAPLINT_CREDENTIALS_FILE": str(credentials)}
    assert app_certificate(env) == CERT
    assert app_certificate({**env, "AGORA_APP_CERTIFICATE": "f" * 32}) == "f" * 32
    credentials.chmod(0o644)
    minter, why = minter_for(env)
    assert minter is None and "chmod 600" in why and CERT not in why


def test_a_minted_token_anywhere_but_the_token_field_is_a_plan_error():
    from types import SimpleNamespace

    from snaplint.operations.minting import minting_problem

    def job(spec):
        return SimpleNamespace(name="j", source="j.yaml", document=0, spec=lambda: spec)

    env = {"AGORA_APP_CERTIFICATE": CERT}
    assert minting_problem(job({"clientRequest": {"token": "${agora:rtc-token}"}}), env) == []
    (problem,) = minting_problem(
        job({"clientRequest": {"storageConfig": {"secretKey": "${agora:rtc-token}"}}}), env
    )
    assert "only valid as clientRequest.token" in problem.message
    assert problem.path == ("spec", "clientRequest", "storageConfig", "secretKey")
    (problem,) = minting_problem(job({"clientRequest": {"token": "${agora:rtc-token}"}}), {})
    assert "AGORA_APP_CERTIFICATE" in problem.message
