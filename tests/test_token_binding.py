"""For which channel and uid a literal token was minted (rules/_token.py, token-for-another-channel),
and `${agora:rtc-token}` as a reference lint leaves alone."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from snaplint.agora.tokens import build_rtc_token
from snaplint.findings.references import is_minted_token, is_ref, iter_refs, ref_name
from snaplint.rules._token import minted_for, token_binding

APP = "970ca35de60c44645bbae8a215061b33"
CERT = "5cfd2fd1755d40ecb72977518be15d3b"


def _token_006(cname: str, uid: str) -> str:
    def string(b: bytes) -> bytes:
        return struct.pack("<H", len(b)) + b

    message = struct.pack("<II", 1, 1_900_000_000) + struct.pack("<H", 0)
    content = (
        string(b"s" * 32)
        + struct.pack("<II", zlib.crc32(cname.encode()), zlib.crc32(uid.encode()))
        + string(message)
    )
    return "006" + APP + base64.b64encode(content).decode()


@pytest.mark.parametrize(
    ("token", "cname", "uid", "expected"),
    [
        (build_rtc_token(APP, CERT, "room", 910001), "room", "910001", True),
        (build_rtc_token(APP, CERT, "room", 910001), "room", "910002", False),
        (build_rtc_token(APP, CERT, "room", 910001), "hall", "910001", False),
        (build_rtc_token(APP, CERT, "room", 0), "room", "12345", True),  # uid 0: any uid
        (_token_006("room", "910001"), "room", "910001", True),
        (_token_006("room", "910001"), "room", "7", False),
        (_token_006("room", "910001"), "hall", "910001", False),
        (_token_006("room", ""), "room", "7", True),
    ],
)
def test_minted_for(token, cname, uid, expected):
    binding = token_binding(token)
    assert binding is not None
    assert minted_for(binding, cname, uid) is expected


@pytest.mark.parametrize("token", ["007", "007!!!", "006short", "006" + "a" * 32 + "@@", "x"])
def test_unreadable_tokens_have_no_binding(token):
    assert token_binding(token) is None


def test_minted_token_is_a_reference_without_a_variable():
    assert is_ref("${agora:rtc-token}") and is_minted_token("${agora:rtc-token}")
    assert not is_ref("${agora:other}") and not is_minted_token("${env:X}")
    assert ref_name("${agora:rtc-token}") is None
    doc = {"a": "${agora:rtc-token}", "b": "${env:B}"}
    assert list(iter_refs(doc)) == [(("b",), "B")]
