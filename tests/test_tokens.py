"""AccessToken2 (``007``) RTC tokens: published vectors byte for byte, round trips, refusals.

The vectors are Agora's own, from the unit tests of its open-source token tools (repository
``AgoraIO/Tools``, read at commit da06bfb83556c597bfcb7db65fa65c975165a130):

- ``DynamicKey/AgoraDynamicKey/python3/test/AccessToken2Test.py``: ``test_service_rtc``,
  ``test_service_rtc_account``, ``test_service_rtc_uid_0``, ``test_multi_service`` (built here
  byte for byte) and ``test_parse_extended_services_from_cpp`` (a C++-built token, parsed);
- ``DynamicKey/AgoraDynamicKey/go/src/accesstoken2/accesstoken_test.go``:
  ``Test_AccessToken_Build_ServiceRtc`` (Go's zlib writes other bytes for the same content).

All use App ID ``970CA35de60c44645bbae8a215061b33``, certificate
``5CFd2fd1755d40ecb72977518be15d3b``, channel ``7d72365eb983485397e3e3f9d460bdda``, uid
2882341273, issue ts 1111111, salt 1, expiries 600 s.
"""

from __future__ import annotations

import base64
import os
import re
import time
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.agora.tokens import (
    CODE_EXPIRED,
    CODE_INVALID,
    MAX_UID,
    PRIVILEGE_JOIN_CHANNEL,
    PRIVILEGE_PUBLISH_AUDIO,
    ROLE_PRIVILEGES,
    OtherService,
    ParsedToken,
    RtcService,
    TokenError,
    TokenProblem,
    build_rtc_token,
    build_token,
    pack_privileges,
    pack_rtc_service,
    pack_string,
    pack_uint16,
    pack_uint32,
    parse_token,
    signature_matches,
    uid_string,
    unpack_privileges,
    unpack_string,
    unpack_uint16,
    unpack_uint32,
    verify_rtc_token,
)

APP_ID = "970CA35de60c44645bbae8a215061b33"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"
CHANNEL = "7d72365eb983485397e3e3f9d460bdda"
UID = 2882341273
TS = 1111111
EXPIRE = 600
FIXED = {"issue_ts": TS, "salt": 1}

# python3/test/AccessToken2Test.py: test_service_rtc and test_service_rtc_account
RTC_TOKEN = (
    "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxND"
    "cwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"
)
# python3/test/AccessToken2Test.py: test_service_rtc_uid_0
RTC_TOKEN_UID_0 = (
    "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxND"
    "cwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo="
)
# python3/test/AccessToken2Test.py: test_multi_service (RTC with all four privileges, RTM,
# FPA, chat, APaaS)
MULTI_SERVICE_TOKEN = (
    "007eJxTYHh8IPKzTvBdf9ce8bk7G61vs06oca1e815/ot4+x7rfjDIKDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBm"
    "aGScbG7l8EGCKYGBgYGRgYWIEkCxCD+ExgkhlMsoBJBQbzFHMjYzPT1CRLC2MTC1NjS/NU41TjNMsUEzODpJSURC4GIwsL"
    "I2MTQyNzYyagORCTkEVZ4KKsWOXZgWIQm1HF//8HAL01L5I="
)
# python3/test/AccessToken2Test.py: test_parse_extended_services_from_cpp (Streaming, FCDN,
# RTM2; no RTC service)
CPP_EXTENDED_TOKEN = (
    "007eJxTYPj86Lzdz79M25wNn/lMfvu+TkfmdpiviKvChm8ZV3SWndytwGBpbuDsaGyakmpmkGxiYmZimpSUmGqRaGRoam"
    "BmmGRs7P5FgCGCiYGBkYGBgRkImYAsEJ8JTCowmKeYGxmbmaYmWVoYm1iYGluapxqnGqdZppiYGSSlpCRyMRhZWBgZmxga"
    "mRuzUaSbA6gXopuToSS1uCS+tDi1iJkB4jQmoGBuanFxYnqqbiKCmcTIAIEcDMUlRamJubqJLGD1jAxsDCD9uokAO/VDvQ=="
)
# go/src/accesstoken2/accesstoken_test.go: Test_AccessToken_Build_ServiceRtc (same content
# as RTC_TOKEN, other zlib bytes)
GO_RTC_TOKEN = (
    "007eJxSYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxND"
    "cwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxoAAAAD"
    "//8JqJOM="
)

EXAMPLES = int(os.environ.get("SNAPLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ZLIB = f"zlib {zlib.ZLIB_RUNTIME_VERSION}: a zlib other than Mark Adler's deflates differently"


def packed(token: str) -> bytes:
    return zlib.decompress(base64.b64decode(token[3:]))


def repack(data: bytes) -> str:
    return "007" + base64.b64encode(zlib.compress(data)).decode()


def parsed(token: str) -> ParsedToken:
    result = parse_token(token)
    assert isinstance(result, ParsedToken), result
    return result


def problem(token: str, channel: str = CHANNEL, uid: int | str = UID, now: float = TS):
    return verify_rtc_token(token, APP_ID, CERT, channel, uid, now)


# --- published vectors -------------------------------------------------------------------


def test_subscriber_token_matches_agoras_test_service_rtc():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, UID, "subscriber", EXPIRE, EXPIRE, **FIXED)
    assert token == RTC_TOKEN, ZLIB


def test_user_account_token_matches_agoras_test_service_rtc_account():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, str(UID), "subscriber", EXPIRE, EXPIRE, **FIXED)
    assert token == RTC_TOKEN, ZLIB


def test_uid_0_token_matches_agoras_test_service_rtc_uid_0():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, 0, "subscriber", EXPIRE, EXPIRE, **FIXED)
    assert token == RTC_TOKEN_UID_0, ZLIB


def test_publisher_service_with_others_matches_agoras_test_multi_service():
    privileges = {PRIVILEGE_JOIN_CHANNEL: EXPIRE}
    uid = str(UID)
    rtc = pack_rtc_service(CHANNEL, uid, dict.fromkeys(ROLE_PRIVILEGES["publisher"], EXPIRE))
    rtm = pack_uint16(2) + pack_privileges(privileges) + pack_string(uid)
    fpa = pack_uint16(4) + pack_privileges(privileges)
    chat = pack_uint16(5) + pack_privileges(privileges) + pack_string(uid)
    # APaaS: no room, this user, role -1 (an int16); its privilege 2 is "user"
    apaas = pack_uint16(7) + pack_privileges({2: EXPIRE}) + pack_string("") + pack_string(uid)
    apaas += b"\xff\xff"
    # given out of order: the builder puts services in type order, as the reference does
    token = build_token(APP_ID, CERT, [apaas, chat, rtc, fpa, rtm], EXPIRE, **FIXED)
    assert token == MULTI_SERVICE_TOKEN, ZLIB


def test_published_rtc_token_parses():
    assert parsed(RTC_TOKEN) == ParsedToken(
        version="007",
        app_id=APP_ID,
        issue_ts=TS,
        expire=EXPIRE,
        salt=1,
        services=(RtcService(CHANNEL, "2882341273", ((PRIVILEGE_JOIN_CHANNEL, EXPIRE),)),),
        unparsed_from=None,
        signature=parsed(RTC_TOKEN).signature,
        content=packed(RTC_TOKEN)[34:],  # after the u16 length and 32 bytes of HMAC-SHA256
    )
    assert len(parsed(RTC_TOKEN).signature) == 32
    assert parsed(RTC_TOKEN).expires_at == TS + EXPIRE
    assert parsed(RTC_TOKEN_UID_0).rtc_services[0].uid == ""


def test_a_go_built_token_reads_as_the_same_token():
    assert base64.b64decode(GO_RTC_TOKEN[3:]) != base64.b64decode(RTC_TOKEN[3:])
    assert parsed(GO_RTC_TOKEN) == parsed(RTC_TOKEN)
    assert problem(GO_RTC_TOKEN) is None


def test_multi_service_token_reads_every_service():
    token = parsed(MULTI_SERVICE_TOKEN)
    assert [s.type if isinstance(s, OtherService) else 1 for s in token.services] == [1, 2, 4, 5, 7]
    (rtc,) = token.rtc_services
    assert rtc.privileges == ((1, EXPIRE), (2, EXPIRE), (3, EXPIRE), (4, EXPIRE))
    assert token.services[1] == OtherService(2, ((1, EXPIRE),), pack_string(str(UID)))
    assert token.unparsed_from is None
    assert signature_matches(token, CERT)
    assert problem(MULTI_SERVICE_TOKEN) is None


def test_cpp_built_extended_services_are_read_and_signed():
    token = parsed(CPP_EXTENDED_TOKEN)
    assert [s.type for s in token.services if isinstance(s, OtherService)] == [3, 6, 8]
    assert token.services[0].privileges == ((1, EXPIRE), (2, EXPIRE))
    assert token.services[0].fields == pack_string(CHANNEL) + pack_string(str(UID))
    assert token.unparsed_from is None
    assert signature_matches(token, CERT)
    assert not signature_matches(token, "a" * 32)
    refusal = problem(CPP_EXTENDED_TOKEN)  # signed right, but it grants nothing in RTC
    assert refusal is not None and refusal.kind == "service" and refusal.code == CODE_INVALID


# --- round trips -------------------------------------------------------------------------


def test_publisher_token_grants_publishing_and_joining():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, UID, "publisher", 900, 300, **FIXED)
    (rtc,) = parsed(token).rtc_services
    assert rtc.privileges == ((1, 300), (2, 300), (3, 300), (4, 300))
    assert parsed(token).expire == 900
    assert problem(token) is None


def test_subscriber_token_only_joins():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, UID, "subscriber", **FIXED)
    (rtc,) = parsed(token).rtc_services
    assert rtc.privilege(PRIVILEGE_JOIN_CHANNEL) == 3600
    assert rtc.privilege(PRIVILEGE_PUBLISH_AUDIO) is None


def test_the_request_uid_may_be_a_string_or_an_int():
    assert problem(RTC_TOKEN, uid="2882341273") is None
    assert problem(RTC_TOKEN, uid=UID) is None


def test_a_uid_0_token_admits_any_uid():
    for uid in (1, UID, "527841", "some-account"):
        assert problem(RTC_TOKEN_UID_0, uid=uid) is None


def test_defaults_are_now_and_a_random_salt():
    before = int(time.time())
    token = build_rtc_token(APP_ID, CERT, CHANNEL, UID)
    result = parsed(token)
    assert before <= result.issue_ts <= time.time()
    assert 1 <= result.salt <= 99_999_999
    assert (result.expire, result.rtc_services[0].privilege(PRIVILEGE_JOIN_CHANNEL)) == (3600, 3600)
    assert result.rtc_services[0].privileges == tuple((p, 3600) for p in (1, 2, 3, 4))
    assert problem(token, now=time.time()) is None


def test_salts_differ_between_tokens():
    salts = {parsed(build_rtc_token(APP_ID, CERT, CHANNEL, UID)).salt for _ in range(20)}
    assert len(salts) > 1


def test_uid_strings_follow_the_reference():
    assert uid_string(0) == ""
    assert uid_string(UID) == "2882341273"
    assert uid_string("0") == "0"  # an account "0" is not uid 0 (the reference compares uid == 0)
    assert uid_string("alice") == "alice"


# --- refusals ----------------------------------------------------------------------------


def test_other_channel_is_invalid():
    refusal = problem(RTC_TOKEN, channel="other")
    assert refusal == TokenProblem("channel", f"the token is for channel {CHANNEL!r}, not 'other'")
    assert refusal.code == CODE_INVALID == 110


def test_other_uid_is_invalid():
    refusal = problem(RTC_TOKEN, uid=1234)
    assert refusal == TokenProblem("uid", "the token is for uid '2882341273', not '1234'")
    assert refusal.code == 110


def test_other_app_id_is_invalid():
    refusal = verify_rtc_token(RTC_TOKEN, "0" * 32, CERT, CHANNEL, UID, TS)
    assert refusal is not None and refusal.kind == "app-id" and refusal.code == 110


def test_other_certificate_is_a_signature_mismatch():
    refusal = verify_rtc_token(RTC_TOKEN, APP_ID, "a" * 32, CHANNEL, UID, TS)
    assert refusal is not None and refusal.kind == "signature" and refusal.code == 110


def test_a_tampered_signature_is_invalid():
    data = bytearray(packed(RTC_TOKEN))
    data[10] ^= 0x01  # inside the 32 signature bytes
    refusal = problem(repack(bytes(data)))
    assert refusal is not None and refusal.kind == "signature" and refusal.code == 110


def test_content_moved_to_another_channel_keeps_no_signature():
    # The attacker's edit: same signature, channel name replaced by one of the same length.
    data = packed(RTC_TOKEN).replace(CHANNEL.encode(), b"x" * len(CHANNEL))
    assert parsed(repack(data)).rtc_services[0].channel_name == "x" * len(CHANNEL)
    refusal = problem(repack(data), channel="x" * len(CHANNEL))
    assert refusal is not None and refusal.kind == "signature"


def test_an_extended_lifetime_keeps_no_signature():
    data = bytearray(packed(RTC_TOKEN))
    pos = 2 + 32 + 2 + 32 + 4  # signature, app id, issue ts: then the u32 expire
    data[pos : pos + 4] = pack_uint32(10**9)
    refusal = problem(repack(bytes(data)), now=TS + 10_000)
    assert refusal is not None and refusal.kind == "signature" and refusal.code == 110


def test_expired_token_is_109_and_valid_until_its_last_second():
    assert problem(RTC_TOKEN, now=TS + EXPIRE) is None
    refusal = problem(RTC_TOKEN, now=TS + EXPIRE + 1)
    assert refusal == TokenProblem(
        "expired", "the token expired at 1111711 (Unix time; issued at 1111111, valid for 600 s)"
    )
    assert refusal.code == CODE_EXPIRED == 109


def test_expired_join_privilege_is_109():
    token = build_rtc_token(APP_ID, CERT, CHANNEL, UID, "publisher", 600, 300, **FIXED)
    assert problem(token, now=TS + 300) is None
    refusal = problem(token, now=TS + 301)
    assert refusal is not None and refusal.kind == "privilege-expired" and refusal.code == 109


def test_an_expired_token_with_a_bad_signature_is_invalid_not_expired():
    refusal = verify_rtc_token(RTC_TOKEN, APP_ID, "b" * 32, CHANNEL, UID, TS + 10**6)
    assert refusal is not None and refusal.code == 110


def test_a_token_without_the_join_privilege_is_invalid():
    service = pack_rtc_service(CHANNEL, str(UID), {PRIVILEGE_PUBLISH_AUDIO: EXPIRE})
    token = build_token(APP_ID, CERT, [service], EXPIRE, **FIXED)
    refusal = problem(token)
    assert refusal is not None and refusal.kind == "privilege" and refusal.code == 110


def test_any_matching_rtc_service_admits():
    services = [
        pack_rtc_service("first", "1", {PRIVILEGE_JOIN_CHANNEL: EXPIRE}),
        pack_rtc_service(CHANNEL, str(UID), {PRIVILEGE_JOIN_CHANNEL: EXPIRE}),
    ]
    token = build_token(APP_ID, CERT, services, EXPIRE, **FIXED)
    assert [s.channel_name for s in parsed(token).rtc_services] == ["first", CHANNEL]
    assert problem(token) is None
    assert problem(token, channel="first", uid=1) is None
    refusal = problem(token, channel="third")
    assert refusal is not None
    assert refusal.reason == f"the token is for channel {CHANNEL!r}, 'first', not 'third'"


def test_reading_stops_at_an_unknown_service_as_the_reference_does():
    rtc = pack_rtc_service(CHANNEL, str(UID), {PRIVILEGE_JOIN_CHANNEL: EXPIRE})
    unknown = pack_uint16(999) + pack_privileges({1: EXPIRE})
    token = build_token(APP_ID, CERT, [rtc, unknown], EXPIRE, **FIXED)
    assert parsed(token).unparsed_from == 999
    assert len(parsed(token).rtc_services) == 1
    assert problem(token) is None

    # type 0 sorts first: the RTC service after it is never reached
    first = pack_uint16(0) + pack_privileges({1: EXPIRE})
    token = build_token(APP_ID, CERT, [rtc, first], EXPIRE, **FIXED)
    assert parsed(token).services == ()
    assert parsed(token).unparsed_from == 0
    assert signature_matches(parsed(token), CERT)
    assert problem(token).kind == "service"


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("006970CA35de60c44645bbae8a215061b33IAAAAA", "version"),
        ("", "version"),
        ("abc", "version"),
        ("007", "malformed"),
        ("007!!!!", "malformed"),
        ("007" + base64.b64encode(b"not zlib").decode(), "malformed"),
        ("007" + base64.b64encode(zlib.compress(b"\x20\x00short")).decode(), "malformed"),
        ("007" + base64.b64encode(zlib.compress(b"x" * 100)[:-6]).decode(), "malformed"),
        ("007é", "malformed"),
    ],
)
def test_unreadable_tokens_are_invalid(token, kind):
    refusal = parse_token(token)
    assert isinstance(refusal, TokenProblem) and refusal.kind == kind
    assert problem(token) == refusal and refusal.code == 110


def test_cut_tokens_are_malformed():
    for end in range(len(packed(RTC_TOKEN))):
        refusal = parse_token(repack(packed(RTC_TOKEN)[:end]))
        assert isinstance(refusal, TokenProblem) and refusal.kind == "malformed", end


def test_a_zlib_stream_without_its_checksum_is_malformed():
    # inflates to the whole content, but the reference's zlib.decompress refuses it
    cut = zlib.compress(packed(RTC_TOKEN))[:-4]
    assert zlib.decompressobj().decompress(cut) == packed(RTC_TOKEN)
    refusal = parse_token("007" + base64.b64encode(cut).decode())
    assert refusal == TokenProblem(
        "malformed", "the token cannot be read: the token's zlib data is cut short"
    )


def test_inflating_stops_at_a_mebibyte():
    bomb = "007" + base64.b64encode(zlib.compress(bytes(2 << 20))).decode()  # 2 MiB of zeros
    assert len(bomb) < 4000
    assert parse_token(bomb) == TokenProblem(
        "malformed", "the token cannot be read: the token's content exceeds 1048576 bytes"
    )


def test_padding_may_be_dropped():
    assert parsed(RTC_TOKEN_UID_0.rstrip("=")) == parsed(RTC_TOKEN_UID_0)


# --- bad arguments and secrets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"app_id": "abc"}, "app_id must be 32 hexadecimal characters"),
        ({"app_certificate": "z" * 32}, "app_certificate must be 32 hexadecimal characters"),
        ({"app_certificate": CERT[:-1]}, "app_certificate must be 32 hexadecimal characters"),
        ({"uid": -1}, "uid must be an integer 0..4294967295 (got -1)"),
        ({"uid": MAX_UID + 1}, "uid must be an integer 0..4294967295 (got 4294967296)"),
        ({"uid": True}, "uid must be an integer"),
        ({"role": "admin"}, "role must be one of publisher, subscriber (got 'admin')"),
        ({"token_expire": 2**32}, "token expire must be an integer 0..4294967295"),
        ({"privilege_expire": -5}, "privilege_expire must be an integer 0..4294967295"),
        ({"issue_ts": 2**32}, "issue_ts must be an integer"),
        ({"salt": -1}, "salt must be an integer"),
        ({"channel_name": "c" * 65536}, "a packed string holds at most 65535 bytes"),
        ({"channel_name": 5}, "channel_name must be a string (got int)"),
    ],
)
def test_bad_arguments_raise_token_error_without_the_certificate(kwargs, message):
    args = {"app_id": APP_ID, "app_certificate": CERT, "channel_name": CHANNEL, "uid": UID}
    with pytest.raises(TokenError, match=re.escape(message)) as caught:
        build_rtc_token(**(args | kwargs))
    assert CERT not in str(caught.value)
    assert kwargs.get("app_certificate", CERT) not in str(caught.value)


def test_verify_refuses_a_malformed_certificate_setting():
    with pytest.raises(TokenError, match="app_certificate must be") as caught:
        verify_rtc_token(RTC_TOKEN, APP_ID, CERT + "0", CHANNEL, UID, TS)
    assert CERT not in str(caught.value)


def test_a_token_needs_a_service():
    with pytest.raises(TokenError, match="at least one service"):
        build_token(APP_ID, CERT, [], EXPIRE)


def test_reprs_and_reasons_hold_no_secret():
    token = parsed(RTC_TOKEN)
    shown = repr(token) + str(token)
    assert "signature='***'" in shown and "content='***'" in shown
    assert repr(token.signature) not in shown and token.signature.hex() not in shown
    for secret in (CERT, RTC_TOKEN, RTC_TOKEN[3:40]):
        assert secret not in shown
    refusals = [
        problem(RTC_TOKEN, channel="x"),
        problem(RTC_TOKEN, uid=5),
        problem(RTC_TOKEN, now=TS + 10**6),
        verify_rtc_token(RTC_TOKEN, APP_ID, "c" * 32, CHANNEL, UID, TS),
        verify_rtc_token(RTC_TOKEN, "c" * 32, CERT, CHANNEL, UID, TS),
        problem(RTC_TOKEN[:60]),
    ]
    for refusal in refusals:
        assert refusal is not None
        text = repr(refusal) + refusal.reason
        assert CERT not in text and RTC_TOKEN[3:40] not in text and RTC_TOKEN[60:90] not in text


# --- properties --------------------------------------------------------------------------


@FUZZ
@given(st.integers(0, 2**16 - 1), st.integers(0, 2**32 - 1), st.binary(max_size=4))
def test_integers_round_trip(small, big, tail):
    data = pack_uint16(small) + pack_uint32(big) + tail
    value, pos = unpack_uint16(data)
    assert (value, pos) == (small, 2)
    assert unpack_uint32(data, pos) == (big, 6)


@FUZZ
@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=2**32)))
def test_integers_out_of_range_are_refused(value):
    with pytest.raises(TokenError):
        pack_uint32(value)
    with pytest.raises(TokenError):
        pack_uint16(value)


@FUZZ
@given(st.lists(st.one_of(st.binary(max_size=300), st.text(max_size=100)), max_size=8))
def test_strings_round_trip_in_sequence(values):
    data = b"".join(pack_string(v) for v in values)
    pos = 0
    for value in values:
        read, pos = unpack_string(data, pos)
        assert read == (value.encode() if isinstance(value, str) else value)
    assert pos == len(data)


@FUZZ
@given(st.binary(max_size=300), st.data())
def test_a_cut_string_is_refused(value, data):
    whole = pack_string(value)
    end = data.draw(st.integers(0, len(whole) - 1))
    with pytest.raises(TokenError, match="truncated"):
        unpack_string(whole[:end])


@FUZZ
@given(st.dictionaries(st.integers(0, 2**16 - 1), st.integers(0, 2**32 - 1), max_size=20))
def test_privileges_round_trip_in_privilege_order(privileges):
    data = pack_privileges(privileges)
    assert len(data) == 2 + 6 * len(privileges)
    assert unpack_privileges(data) == (tuple(sorted(privileges.items())), len(data))


uids = st.one_of(st.integers(0, MAX_UID), st.text(max_size=40))


@FUZZ
@given(
    channel=st.text(min_size=1, max_size=64),
    uid=uids,
    role=st.sampled_from(["publisher", "subscriber"]),
    token_expire=st.integers(0, 86_400),
    privilege_expire=st.integers(0, 86_400),
    issue_ts=st.integers(0, 2**32 - 1),
    salt=st.integers(1, 99_999_999),
)
def test_build_parse_verify_round_trip(
    channel, uid, role, token_expire, privilege_expire, issue_ts, salt
):
    token = build_rtc_token(
        APP_ID,
        CERT,
        channel,
        uid,
        role,
        token_expire,
        privilege_expire,
        issue_ts=issue_ts,
        salt=salt,
    )
    assert token.startswith("007")
    result = parsed(token)
    assert (result.app_id, result.issue_ts, result.expire, result.salt) == (
        APP_ID,
        issue_ts,
        token_expire,
        salt,
    )
    privileges = tuple((p, privilege_expire) for p in ROLE_PRIVILEGES[role])
    assert result.services == (RtcService(channel, uid_string(uid), privileges),)
    now = issue_ts + min(token_expire, privilege_expire)
    assert verify_rtc_token(token, APP_ID, CERT, channel, uid, now) is None
    late = verify_rtc_token(token, APP_ID, CERT, channel, uid, now + 1)
    assert late is not None and late.code == 109
    other = verify_rtc_token(token, APP_ID, CERT, channel + "x", uid, issue_ts)
    assert other is not None and other.kind == "channel" and other.code == 110


@FUZZ
@given(st.data())
def test_any_changed_byte_is_refused(data):
    content = bytearray(packed(RTC_TOKEN))
    pos = data.draw(st.integers(0, len(content) - 1))
    content[pos] ^= data.draw(st.integers(1, 255))
    refusal = problem(repack(bytes(content)))
    assert refusal is not None and refusal.code == 110


@FUZZ
@given(st.one_of(st.text(max_size=200), st.text(max_size=200).map(lambda t: "007" + t)))
def test_parse_never_raises_on_text(text):
    assert isinstance(parse_token(text), ParsedToken | TokenProblem)


@FUZZ
@given(st.binary(max_size=400))
def test_parse_never_raises_on_inflated_bytes(data):
    result = parse_token(repack(data))
    assert isinstance(result, ParsedToken | TokenProblem)
    if isinstance(result, ParsedToken):
        assert isinstance(
            verify_rtc_token(repack(data), APP_ID, CERT, CHANNEL, UID, TS), TokenProblem
        )
