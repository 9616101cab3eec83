"""Notification signatures: Agora's published vectors, the V2-over-V1 rule, per-App-ID
secrets, and that a Secrets object never shows a secret."""

from __future__ import annotations

import pickle

import pytest

from snaplint.notifications.signature import Secrets, sign_v1, sign_v2, verify

# Agora's example (docs: notification service, signature verification)
BODY = (
    b'{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f",'
    b'"notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}'
)
V2 = "de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24"
V1 = "5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1"
APP_A = "0123456789abcdef0123456789abcdef"
APP_B = "fedcba9876543210fedcba9876543210"


def test_agora_published_vectors():
    assert sign_v2(BODY, "secret") == V2
    assert sign_v1(BODY, "secret") == V1
    assert verify(BODY, "secret", v2=V2, v1=V1) == "v2"
    assert verify(BODY, "secret", v2=None, v1=V1) == "v1"
    assert verify(BODY, "secret", v2=V2.upper(), v1=None) == "v2"  # hex case does not matter


@pytest.mark.parametrize(
    ("v2", "v1"),
    [
        (None, None),  # unsigned
        ("", ""),
        (V2[:-1] + "0", None),  # one digit off
        (V1, None),  # a SHA-1 digest in the V2 header
        (V2[:-1] + "0", V1),  # a wrong V2 is not rescued by a right V1
        (None, V1[:-1] + "0"),
        ("zz" * 32, None),
        ("é" * 64, None),  # not ASCII: refused, not an exception
    ],
)
def test_wrong_or_missing_signatures_fail(v2, v1):
    assert verify(BODY, "secret", v2=v2, v1=v1) is None
    assert Secrets("secret").verify(BODY, v2=v2, v1=v1) is None


def test_a_changed_body_or_secret_fails():
    assert verify(BODY + b" ", "secret", v2=V2, v1=None) is None
    assert verify(BODY, "Secret", v2=V2, v1=None) is None


def test_per_app_secrets_narrow_the_match_and_name_the_app():
    secrets = Secrets(per_app={APP_A: "secret", APP_B: "other"})
    # at <path>/<appId>: only that App ID's secret is tried
    assert secrets.verify(BODY, v2=V2, v1=None, app_id=APP_A).app_id == APP_A
    assert secrets.verify(BODY, v2=V2, v1=None, app_id=APP_B) is None
    # at <path>: the matching secret tells the App ID
    found = secrets.verify(BODY, v2=V2, v1=None)
    assert (found.app_id, found.scheme) == (APP_A, "v2")
    assert secrets.knows(APP_A) and not secrets.knows("ffffffffffffffffffffffffffffffff")


def test_default_secret_covers_other_app_ids_and_records_none_when_ambiguous():
    secrets = Secrets("secret", per_app={APP_B: "other"})
    assert secrets.knows("ffffffffffffffffffffffffffffffff")
    assert secrets.verify(BODY, v2=V2, v1=None, app_id="ffffffffffffffffffffffffffffffff").app_id
    assert secrets.verify(BODY, v2=V2, v1=None).app_id is None  # the default matched
    shared = Secrets("secret", per_app={APP_A: "secret"})  # the default and App A share it
    assert shared.verify(BODY, v2=V2, v1=None).app_id is None


def test_secrets_never_show_themselves():
    secrets = Secrets("secret-value-1", per_app={APP_A: "secret-value-2"})
    for text in (repr(secrets), str(secrets), f"{secrets}", f"{secrets!r}"):
        assert "secret-value" not in text
        assert APP_A in repr(secrets)
    restored = pickle.loads(pickle.dumps(secrets))  # worker processes get working secrets
    assert restored.verify(BODY, v2=sign_v2(BODY, "secret-value-1"), v1=None) is not None


@pytest.mark.parametrize(
    ("default", "per_app"),
    [(None, None), ("", None), (" padded ", None), (None, {"bad/app": "s"}), (None, {APP_A: ""})],
)
def test_invalid_secrets_are_refused_without_quoting_them(default, per_app):
    with pytest.raises(ValueError) as err:
        Secrets(default, per_app)
    assert "padded" not in str(err.value)


def test_secrets_from_the_environment():
    env = {"SNAPLINT_NCS_SECRET": "secret", f"SNAPLINT_NCS_SECRET_{APP_B}": "other", "X": "y"}
    secrets = Secrets.from_env(env)
    assert secrets.has_default and secrets.app_ids == (APP_B,)
    assert secrets.verify(BODY, v2=V2, v1=None).app_id is None
    assert secrets.verify(BODY, v2=sign_v2(BODY, "other"), v1=None).app_id == APP_B
    with pytest.raises(ValueError):
        Secrets.from_env({"SNAPLINT_NCS_SECRET": ""})
