"""Desired jobs from manifests, their secret-free fingerprints and real request bodies."""

from __future__ import annotations

import pytest

from snaplint.lint.manifest import load_text
from snaplint.plan import jobs

APP = "0123456789abcdef0123456789abcdef"
OTHER_APP = "fedcba9876543210fedcba9876543210"


def manifest(name="a", cname="c1", uid='"910001"', extra_spec="", metadata="", interval="15"):
    return f"""apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
{metadata}spec:
  cname: {cname}
  uid: {uid}
{extra_spec}  clientRequest:
    token: ${{env:RTC_TOKEN}}
    recordingConfig:
      channelType: 1
      streamTypes: 1
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: {interval}
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: b
      accessKey: literal-access-key
      secretKey: ${{env:SK}}
      fileNamePrefix: ["p"]
"""


def docs(*texts):
    out = []
    for i, text in enumerate(texts):
        out += load_text(text, f"m{i}.yaml").documents
    return out


def test_desired_jobs_sorted_with_defaults():
    found, problems = jobs.desired_jobs(
        docs(manifest("zed", "c2", '"2"'), manifest("abc")), config_app_id=APP
    )
    assert problems == []
    assert [j.name for j in found] == ["abc", "zed"]
    job = found[0]
    assert (job.app_id, job.mode, job.cname, job.uid, job.protect) == (
        APP,
        "individual",
        "c1",
        "910001",
        False,
    )
    assert job.source == "m1.yaml"


@pytest.mark.parametrize(
    ("spec_app", "env_app", "config_app", "default", "expected"),
    [
        (OTHER_APP, APP, APP, None, OTHER_APP),  # the manifest is explicit per job
        (None, OTHER_APP, APP, None, OTHER_APP),  # AGORA_APP_ID over the project config
        (None, None, APP, None, APP),
        (None, None, None, APP, APP),  # the embedded emulator's default
    ],
)
def test_app_id_precedence(spec_app, env_app, config_app, default, expected):
    extra = f"  appId: {spec_app}\n" if spec_app else ""
    env = {"AGORA_APP_ID": env_app} if env_app else {}
    found, _ = jobs.desired_jobs(
        docs(manifest(extra_spec=extra)), config_app_id=config_app, env=env, default_app_id=default
    )
    assert found[0].app_id == expected


def test_problems_duplicate_name_identity_and_app_id():
    _, problems = jobs.desired_jobs(docs(manifest("a"), manifest("a", "c9")), config_app_id=APP)
    assert "used twice" in problems[0].message
    _, problems = jobs.desired_jobs(docs(manifest("a"), manifest("b")), config_app_id=APP)
    assert "same channel c1 with the same uid 910001" in problems[0].message
    _, problems = jobs.desired_jobs(docs(manifest("a")))
    assert "no App ID" in problems[0].message


def test_raw_bodies_are_not_jobs():
    raw = 'cname: c\nuid: "1"\nclientRequest:\n  scene: 0\n'
    found, problems = jobs.desired_jobs(docs(raw), config_app_id=APP)
    assert found == [] and problems == []


def test_protect_flag():
    found, _ = jobs.desired_jobs(docs(manifest(metadata="  protect: true\n")), config_app_id=APP)
    assert found[0].protect is True


def one(text=None, **kw):
    found, problems = jobs.desired_jobs(docs(text or manifest(**kw)), config_app_id=APP)
    assert not problems
    return found[0]


def test_fingerprint_hashes_every_secret_and_keeps_references():
    job = one()
    fp = jobs.fingerprint(job, "salt", {"SK": "the-secret-key", "RTC_TOKEN": "tok"})
    storage = fp.spec["clientRequest"]["storageConfig"]
    assert jobs.is_sensitive(storage["secretKey"]) and storage["secretKey"]["$ref"] == "SK"
    assert storage["secretKey"]["$sensitive"] == jobs.hash_secret("salt", "the-secret-key")
    # a literal secret is hashed too (the literal-secret lint rule flags it separately)
    assert storage["accessKey"]["$ref"] is None
    assert storage["accessKey"]["$sensitive"] == jobs.hash_secret("salt", "literal-access-key")
    assert jobs.is_sensitive(fp.spec["clientRequest"]["token"])
    text = str(fp.spec)
    assert "the-secret-key" not in text and "literal-access-key" not in text and "tok'" not in text
    # same inputs, same digest; another secret value, another digest; another salt, too
    assert (
        fp.digest
        == jobs.fingerprint(job, "salt", {"SK": "the-secret-key", "RTC_TOKEN": "tok"}).digest
    )
    assert fp.digest != jobs.fingerprint(job, "salt", {"SK": "rotated", "RTC_TOKEN": "tok"}).digest
    assert (
        fp.digest
        != jobs.fingerprint(job, "pepper", {"SK": "the-secret-key", "RTC_TOKEN": "tok"}).digest
    )


def test_fingerprint_with_unset_secret_compares_by_reference():
    fp = jobs.fingerprint(one(), "salt", {})
    assert fp.problems == ()
    assert {ref for _, ref in fp.unset_secrets} == {"SK", "RTC_TOKEN"}
    assert fp.spec["clientRequest"]["storageConfig"]["secretKey"] == jobs.sensitive(None, "SK")


def test_fingerprint_resolves_other_references_with_types():
    job = one(cname="${env:CHAN}", interval="${env:EVERY}")
    fp = jobs.fingerprint(job, "s", {"CHAN": "live-1", "EVERY": "30", "SK": "x"})
    assert fp.spec["cname"] == "live-1"
    assert fp.spec["clientRequest"]["snapshotConfig"]["captureInterval"] == 30
    fp = jobs.fingerprint(job, "s", {"CHAN": "live-1"})
    assert [p.message for p in fp.problems] == [
        "job a: environment variable EVERY is not set or empty (clientRequest.snapshotConfig.captureInterval)"
    ]
    fp = jobs.fingerprint(job, "s", {"CHAN": "live-1", "EVERY": "often"})
    assert fp.problems and "captureInterval" in fp.problems[0].message


def test_request_bodies_reveal_secrets_and_fail_on_unset():
    job = one()
    body = jobs.request_bodies(job, {"SK": "the-secret-key", "RTC_TOKEN": "tok"})
    assert body["clientRequest"]["storageConfig"]["secretKey"] == "the-secret-key"
    assert body["clientRequest"]["token"] == "tok"
    with pytest.raises(jobs.UnsetReference) as err:
        jobs.request_bodies(job, {"SK": "x"})
    assert "RTC_TOKEN" in str(err.value) and "clientRequest.token" in str(err.value)
    # an empty variable (an unconfigured CI secret) is unset too: never sent as a value
    with pytest.raises(jobs.UnsetReference) as err:
        jobs.request_bodies(job, {"SK": "", "RTC_TOKEN": "tok"})
    assert "SK" in str(err.value)
    fp = jobs.fingerprint(job, "s", {"SK": "", "RTC_TOKEN": "tok"})
    assert [name for _, name in fp.unset_secrets] == ["SK"]


@pytest.mark.parametrize(
    ("recording", "interval", "expected"),
    [
        ({"subscribeVideoUids": ["1", "2"]}, 15, (480.0, "480 (2 video streams × 3600 / 15 s)")),
        ({"subscribeVideoUids": ["1"]}, 7, (3600 / 7, "514.3 (1 video stream × 3600 / 7 s)")),
        (
            {"subscribeVideoUids": ["#allstream#"]},
            60,
            (None, "60 per subscribed video stream (3600 / 60 s)"),
        ),
        ({}, 60, (None, "60 per subscribed video stream (3600 / 60 s)")),
        ({"streamTypes": 0}, 60, (0, "0 (0 video streams × 3600 / 60 s)")),
        (
            {"streamTypes": 2, "subscribeAudioUids": ["1"]},
            60,
            (0, "0 (0 video streams × 3600 / 60 s)"),
        ),
        (
            {"subscribeVideoUids": ["1"]},
            "${env:X}",
            (None, "captureInterval is known only at apply time"),
        ),
    ],
)
def test_screenshots_per_hour(recording, interval, expected):
    cr = {"recordingConfig": recording, "snapshotConfig": {"captureInterval": interval}}
    assert jobs.screenshots_per_hour(cr) == expected


def test_capture_interval_default_and_key_pattern():
    assert jobs.capture_interval({}) == 10
    spec = {"cname": "c1", "clientRequest": {"storageConfig": {"fileNamePrefix": ["a", "b"]}}}
    assert jobs.key_pattern(spec) == "a/b/<sid>_c1__uid_s_<uid>__uid_e_video_<utc>.jpg"
    assert jobs.key_pattern({**spec, "mode": "raw"}).endswith("__uid_e_<utc>.jpg")
