"""Unit tests of the rules' shared helpers: token expiry, region areas, subscription counting."""

from __future__ import annotations

from typing import Any

import pytest

from snaplint.lint.manifest import load_text
from snaplint.lint.schema import bundle
from snaplint.rules._regions import REGIONS, region_info
from snaplint.rules._snap import env_name, subscribed_count, subscription
from snaplint.rules._token import token_expiry

# Published test vectors of Agora's token builders (AgoraIO/Tools, DynamicKey/AgoraDynamicKey/
# python3/test): AccessToken2Test (issue_ts 1111111, expire 600, join privilege 600) and
# AccessTokenTest (ts 1111111, join privilege 1446455471).
TOKEN_007 = (
    "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcw"
    "Mk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"
)
TOKEN_007_MULTI = (
    "007eJxTYAh5UWu1drfhsnu9etvupS0v/iFs+3PC/Sbl8gdht55xSusqMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpg"
    "ZJhkbu38RYIhgYmBgZGBgYAWSLEAM4jOBSWYwyQImFRjMU8yNjM1MU5MsLYxNLEyNLc1TjVON0yxTTMwMklJSErkYjCwsj"
    "IxNDI3MjZmA5kBM4mQoSS0uiS8tTi1iZmBCMZ40I1mgToSYgCwDAGL1OcI="
)
TOKEN_006 = (
    "006970CA35de60c44645bbae8a215061b33IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlE"
    "AABAAAAR/QQAAEAAQCvKDdW"
)


@pytest.mark.parametrize(
    ("token", "expiry"),
    [
        (TOKEN_007, 1111111 + 600),
        (TOKEN_007_MULTI, 1111111 + 600),  # RTC, RTM, streaming, RTNS and chat services
        (TOKEN_006, 1111111),  # the token's own ts comes before the join privilege
        (TOKEN_007[:60], None),  # truncated
        ("007" + "!" * 40, None),  # not base64
        ("006shortshortshortshortshortshortshort", None),
        ("not-a-token", None),
        ("", None),
    ],
)
def test_token_expiry(token: str, expiry: int | None) -> None:
    assert token_expiry(token) == expiry


def _schema_regions(vendor: int) -> set[int]:
    storage = bundle("start-request")["$defs"]["storageConfig"]
    for branch in storage["allOf"]:
        if branch["if"]["properties"]["vendor"]["const"] == vendor:
            region = branch["then"]["properties"]["region"]
            if "enum" in region:
                return set(region["enum"])
            return set(range(region["minimum"], region["maximum"] + 1))
    raise AssertionError(f"no region table for vendor {vendor}")


@pytest.mark.parametrize("vendor", sorted(REGIONS))
def test_area_table_has_exactly_the_schema_region_codes(vendor: int) -> None:
    """The areas used by storage-region-outside-acquire-region name every code the schema
    accepts for the vendor, and no other."""
    assert set(REGIONS[vendor]) == _schema_regions(vendor)


def test_region_names_and_areas() -> None:
    assert region_info(1, 3) == ("US_WEST_2", "NA")
    assert region_info(2, 7) == ("CN_Hongkong", "AP")  # Hong Kong is outside mainland China
    assert region_info(3, 19) == ("EU_Moscow", "EU")
    assert region_info(1, 12) == ("SA_EAST_1", None)  # South America: no acquire area
    assert region_info(6, 0) is None and region_info(1, 17) is None


def _yaml(text: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(text)


@pytest.mark.parametrize(
    ("recording", "count"),
    [
        # the reference's example: video {100, 101, 102} + audio {101, 102, 103} = 4
        (
            '{streamTypes: 2, subscribeVideoUids: ["100", "101", "102"], subscribeAudioUids: ["101", "102", "103"]}',
            4,
        ),
        (
            '{streamTypes: 1, subscribeVideoUids: ["1", "2"], subscribeAudioUids: ["3"]}',
            2,
        ),  # audio not subscribed
        ('{subscribeVideoUids: ["1", "2", "3"]}', 3),  # default 2, audio without a list: none (SUB)
        ('{subscribeVideoUids: ["#allstream#"]}', None),
        ('{subscribeVideoUids: ["1"], unsubscribeAudioUids: ["2"]}', None),  # everyone else's audio
        ("{streamTypes: 2}", None),  # no lists: everyone
        ('{subscribeVideoUids: ["1", "${env:UID}"]}', None),  # a reference: known later
        ('{streamTypes: 3, subscribeVideoUids: ["1"]}', None),  # invalid streamTypes
    ],
)
def test_subscribed_count(recording: str, count: int | None) -> None:
    assert subscribed_count(_yaml(recording)) == count


def test_subscription_kinds() -> None:
    rc = _yaml('{unSubscribeVideoUids: ["5", "#allstream#"], subscribeAudioUid: ["7"]}')
    assert subscription(rc, "video").kind == "all"
    assert subscription(rc, "video").uids == frozenset({"5"})
    assert subscription(rc, "audio").kind == "explicit"  # the seed's singular spelling counts


@pytest.mark.parametrize(
    ("text", "field", "name"),
    [
        (
            "apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata: {name: math-101}\nspec: {}\n",
            "accessKey",
            "MATH_101_ACCESS_KEY",
        ),
        ('cname: "lesson 42!"\nuid: "1"\nclientRequest: {}\n', "token", "LESSON_42_RTC_TOKEN"),
        ('cname: "42"\nuid: "1"\nclientRequest: {}\n', "stsToken", "SNAPLINT_42_STS_TOKEN"),
    ],
)
def test_env_name(text: str, field: str, name: str) -> None:
    [doc] = load_text(text).documents
    assert env_name(doc, field) == name
