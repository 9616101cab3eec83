"""Screenshot names and object keys (reference §3.1), library and ``snaplint files``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from snaplint.agora.filenames import (
    ScreenshotNameError,
    build_name,
    format_utc,
    key_pattern,
    object_key,
    parse_key,
    parse_name,
    parse_utc,
)

SID = "38f8e3cfdc474cd56fc1ceba380d7e1a"
WHEN = datetime(2019, 6, 11, 7, 32, 46, 73000, tzinfo=UTC)


def test_build_matches_the_documented_example():
    # SHOT/SEED-20 example: utc 20190611073246073
    assert (
        build_name(SID, "lesson42", "123", WHEN)
        == f"{SID}_lesson42__uid_s_123__uid_e_video_20190611073246073.jpg"
    )


def test_failover_prefix_counts_from_zero():
    assert build_name(SID, "c", 123, WHEN, failover=0).startswith(f"bak0_{SID}_")
    assert build_name(SID, "c", 123, WHEN, failover=2).startswith("bak2_")


def test_raw_variant_drops_video():
    name = build_name(SID, "c", "5", WHEN, variant="raw")
    assert name == f"{SID}_c__uid_s_5__uid_e_20190611073246073.jpg"
    assert parse_name(name).variant == "raw"
    with pytest.raises(ScreenshotNameError, match="individual"):
        parse_name(name, variant="individual")


@pytest.mark.parametrize(
    "cname", ["lesson42", "a_b", "x__uid_s_y", "room 1!#$%&()+-:;<=.>?@[]^_{}|~,"]
)
@pytest.mark.parametrize("failover", [None, 0, 3])
def test_round_trip(cname, failover):
    name = build_name(SID, cname, "4294967295", WHEN, failover=failover)
    parsed = parse_name(name)
    assert (parsed.sid, parsed.cname, parsed.uid, parsed.failover) == (
        SID,
        cname,
        "4294967295",
        failover,
    )
    assert parsed.captured_at == WHEN
    assert str(parsed) == name


def test_utc_is_17_digits_in_utc_from_epoch_seconds():
    assert format_utc(0) == "19700101000000000"
    assert format_utc(1_560_238_366.073) == "20190611073246073"
    assert parse_utc("20190611073246073") == WHEN
    with pytest.raises(ValueError):
        format_utc(datetime(2019, 1, 1))  # naive datetimes are ambiguous


@pytest.mark.parametrize(
    "name",
    [
        "",
        "photo.jpg",
        f"{SID}_lesson42__uid_s_123__uid_e_video_2019061107324607.jpg",  # 16 digits
        f"{SID}_lesson42__uid_s_123__uid_e_video_201906110732460733.jpg",  # 18 digits
        f"{SID}_lesson42__uid_s_123__uid_e_video_20191311073246073.jpg",  # month 13
        f"{SID}_lesson42__uid_s_123__uid_e_video_20190611073246073.png",
        f"{SID}_lesson42__uid_s_0123__uid_e_video_20190611073246073.jpg",  # leading zero
        f"{SID}_lesson42__uid_s_4294967296__uid_e_video_20190611073246073.jpg",  # > 2^32-1
        f"{SID}__uid_s_123__uid_e_video_20190611073246073.jpg",  # no cname
        f"bak_{SID}_lesson42__uid_s_123__uid_e_video_20190611073246073.jpg",  # bak without n
        f"bak01_{SID}_lesson42__uid_s_123__uid_e_video_20190611073246073.jpg",
        f"{SID}_lesson42_uid_s_123_uid_e_video_20190611073246073.jpg",  # single underscores
    ],
)
def test_non_matching_names_are_rejected(name):
    with pytest.raises(ScreenshotNameError):
        parse_name(name)


def test_object_keys_join_the_prefix():
    name = build_name(SID, "c", "1", WHEN)
    key = object_key(["lesson42", "shots"], name)
    assert key == f"lesson42/shots/{name}"
    prefix, parsed = parse_key(key)
    assert prefix == ["lesson42", "shots"] and parsed.uid == "1"
    assert object_key(None, name) == name
    with pytest.raises(ScreenshotNameError, match="letters and digits"):
        object_key(["a_b"], name)
    with pytest.raises(ScreenshotNameError, match="128"):
        object_key(["a" * 129], name)
    with pytest.raises(ScreenshotNameError):
        parse_key(f"bad-prefix/{name}")


def test_build_rejects_bad_parts():
    for args in [
        ("s_id", "c", "1"),
        ("abc123", "c", "1"),
        (SID, "", "1"),
        (SID, "a/b", "1"),
        (SID, "c", "0"),
        (SID, "c", "x"),
    ]:
        with pytest.raises(ScreenshotNameError):
            build_name(*args, WHEN)


def test_key_pattern_has_placeholders():
    assert (
        key_pattern("lesson42", "1001", ["lesson42", "shots"])
        == "lesson42/shots/<sid>_lesson42__uid_s_1001__uid_e_video_<utc>.jpg"
    )


# ------------------------------------------------------------------ snaplint files


def test_cli_parse(cli):
    key = f"lesson42/shots/bak1_{SID}_lesson42__uid_s_1001__uid_e_video_20190611073246073.jpg"
    code, out, err = cli("files", "parse", key)
    assert code == 0, err
    assert "cname:     lesson42" in out
    assert "bak1 (after failover 2)" in out
    assert "2019-06-11T07:32:46.073Z" in out
    code, out, _ = cli("files", "parse", key, "--json")
    data = json.loads(out)
    assert data["failover"] == 1 and data["directories"] == ["lesson42", "shots"]


def test_cli_parse_accepts_a_storage_path(cli):
    path = f"1/my-shots/lesson42/{SID}_lesson42__uid_s_7__uid_e_video_20190611073246073.jpg"
    code, out, err = cli("files", "parse", path, "--json")
    assert code == 0, err
    assert json.loads(out)["directories"] == ["1", "my-shots", "lesson42"]


def test_cli_parse_rejects(cli):
    code, out, err = cli("files", "parse", "holiday.jpg")
    assert code == 1 and out == ""
    assert "does not match" in err


MANIFEST = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: maths
spec:
  cname: math101
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig: {captureInterval: 15, fileType: ["jpg"]}
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${env:AK}
      secretKey: ${env:SK}
      fileNamePrefix: ["classroom", "math101"]
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: everyone
spec:
  cname: hall
  uid: "910002"
  clientRequest:
    recordingConfig: {channelType: 1, streamTypes: 1, subscribeUidGroup: 0}
    snapshotConfig: {fileType: ["jpg"]}
    storageConfig: {vendor: 2, region: 0, bucket: b2, accessKey: a, secretKey: s}
"""


def test_cli_key_from_manifest(cli, tmp_path):
    path = tmp_path / "jobs.yaml"
    path.write_text(MANIFEST)
    code, out, err = cli("files", "key", str(path))
    assert code == 0, err
    assert "classroom/math101/<sid>_math101__uid_s_1001__uid_e_video_<utc>.jpg" in out
    assert "classroom/math101/<sid>_math101__uid_s_1002__uid_e_video_<utc>.jpg" in out
    # no explicit video list: every publisher is captured, so the uid stays a placeholder
    assert "<sid>_hall__uid_s_<uid>__uid_e_video_<utc>.jpg" in out
    assert "bucket shots (vendor 1), recorded by uid 910001" in out
    assert "${env:" not in out


def test_cli_key_by_job_name_with_sid(cli, tmp_path):
    (tmp_path / "jobs.yaml").write_text(MANIFEST)
    code, out, err = cli("files", "key", "maths", "--sid", SID, "--json", cwd=tmp_path)
    assert code == 0, err
    (job,) = json.loads(out)
    assert job["job"] == "maths" and job["bucket"] == "shots" and job["botUid"] == "910001"
    assert job["keys"][0] == f"classroom/math101/{SID}_math101__uid_s_1001__uid_e_video_<utc>.jpg"


def test_cli_key_unknown_job(cli, tmp_path):
    code, _, err = cli("files", "key", "nope", cwd=tmp_path)
    assert code == 2 and "no manifest file or job named" in err
