"""One row per schema constraint: a mutation of a valid document → rule, line, column.

The bases below are schema-valid documents that use every documented field, so
each row is a one-line edit and the expected position can be read off the base
(line numbers are those of the base; edits never add lines above the finding).
Only schema findings are compared: manifest and project rules (written
elsewhere) may add their own findings on the same documents.

Further checks: the schemas are valid draft 2020-12 and compile with the fast
validator; every ``x-snaplint-rule`` has a rule module and every schema-scope
rule module is used; every constraint rule appears in the table; secret fields
are marked; schema rule docs hold flagged Examples and clean "Use instead"s;
the UID pattern is exact on the whole uint32 range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snaplint.findings.rule import DOC_SECTIONS, doc_section, yaml_blocks
from snaplint.lint import schema
from snaplint.lint.linter import lint_text
from snaplint.lint.plugins import load_rules

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
OWN_SCHEMAS = ("snapshot-job", "start-request", "acquire-request")
GENERIC_RULES = {"unknown-field", "missing-field", "wrong-type"}

# A job using every field the job schema documents (schema-valid; rules may still object).
JOB = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels:
    team: edu
    example.com/course: "42"
  protect: false
spec:
  mode: individual
  appId: ${env:AGORA_APP_ID}
  cname: lesson42
  uid: "910001"
  acquire:
    scene: 0
    resourceExpiredHour: 24
    excludeResourceIds: ["JyvK8nXHuV1BE"]
    region: NA
    regionAffinity: 4
  clientRequest:
    token: ${env:AGORA_TOKEN}
    recordingConfig:
      channelType: 1
      streamTypes: 2
      decryptionMode: 8
      secret: ${env:CHANNEL_SECRET}
      salt: ${env:CHANNEL_SALT}
      maxIdleTime: 300
      videoStreamType: 0
      subscribeVideoUids: ["1001", "1002"]
      subscribeAudioUids: ["1001"]
      unsubscribeVideoUids: ["2001"]
      unSubscribeVideoUids: ["2002"]
      unsubscribeAudioUids: ["2003"]
      unSubscribeAudioUids: ["2004"]
      subscribeUidGroup: 1
      streamMode: standard
      audioProfile: 0
    recordingFileConfig:
      avFileType: ["hls", "mp4"]
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
      stsToken: ${env:AWS_SESSION_TOKEN}
      stsExpiration: 1893456000
      fileNamePrefix: ["lesson42", "shots"]
      extensionParams:
        sse: kms
        tag: lesson42
        endpoint: s3.example.com
"""

# A raw start body with the fields snapshot jobs do not carry (composite, web, postponed).
START = """\
cname: lesson42
uid: "910001"
clientRequest:
  recordingConfig:
    channelType: 1
    transcodingConfig:
      width: 1280
      height: 720
      fps: 15
      bitrate: 1130
      maxResolutionUid: "1001"
      mixedVideoLayout: 3
      backgroundColor: "#336699"
      backgroundImage: https://example.com/bg.png
      defaultUserBackgroundImage: https://example.com/user.png
      layoutConfig:
        - uid: "1001"
          x_axis: 0
          y_axis: 0
          width: 0.5
          height: 1
          alpha: 1
          render_mode: 0
      backgroundConfig:
        - uid: "1001"
          image_url: https://example.com/bg.jpg
          render_mode: 1
  appsCollection:
    combinationPolicy: default
  transcodeOptions:
    transConfig:
      transMode: audioMix
    container:
      format: mp3
    audio:
      sampleRate: "48000"
      bitrate: "48000"
      channels: "2"
  extensionServiceConfig:
    errorHandlePolicy: error_abort
    extensionServices:
      - serviceName: web_recorder_service
        errorHandlePolicy: error_ignore
        serviceParam:
          url: https://example.com/lesson42
  storageConfig:
    vendor: 2
    region: 27
    bucket: recordings
    accessKey: ${env:OSS_ACCESS_KEY_ID}
    secretKey: ${env:OSS_ACCESS_KEY_SECRET}
"""

# A raw acquire body with every acquire option and a start parameter.
ACQUIRE = """\
cname: lesson42
uid: "910001"
clientRequest:
  scene: 0
  resourceExpiredHour: 24
  excludeResourceIds: ["JyvK8nXHuV1BE"]
  region: CN
  regionAffinity: 1
  startParameter:
    token: ${env:AGORA_TOKEN}
    recordingConfig:
      channelType: 1
      streamTypes: 1
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      fileType: ["jpg"]
    storageConfig:
      vendor: 3
      region: 19
      bucket: shots
      accessKey: ${env:COS_SECRET_ID}
      secretKey: ${env:COS_SECRET_KEY}
"""

LAYOUT = """\
      layoutConfig:
        - uid: "1001"
          x_axis: 0
          y_axis: 0
          width: 0.5
          height: 1
          alpha: 1
          render_mode: 0
"""
BASES = {"job": JOB, "start": START, "acquire": ACQUIRE}
UIDS_33 = "[" + ", ".join(f'"{3001 + i}"' for i in range(33)) + "]"
SALT_OK = "c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdHNhbHQ="  # base64 of 32 bytes


class Row(NamedTuple):
    id: str
    base: str  # key of BASES, or "text" for a document given whole in edits[0][1]
    edits: tuple[tuple[str, str], ...]
    rule: str | None  # None: the document passes the schema
    line: int = 0
    column: int = 0
    message: str = ""  # a part of the expected message


def R(id: str, base: str, old: str, new: str, rule: str | None, line: int = 0, column: int = 0,
      message: str = "") -> Row:  # fmt: skip
    return Row(id, base, ((old, new),), rule, line, column, message)


def OK(id: str, base: str, old: str, new: str) -> Row:
    return Row(id, base, ((old, new),), None)


# fmt: off
ROWS: list[Row] = [
    # -- the bases themselves, and references standing for any scalar
    Row("job-base", "job", (), None),
    Row("start-base", "start", (), None),
    Row("acquire-base", "acquire", (), None),
    Row("references-everywhere", "job", (('uid: "910001"', "uid: ${env:RECORDER_UID}"), ("captureInterval: 15", "captureInterval: ${env:INTERVAL}"), ("vendor: 1", "vendor: ${env:VENDOR}"), ("      region: 0", "      region: ${env:REGION}"), ("channelType: 1", "channelType: ${env:CHANNEL_TYPE}")), None),
    # -- unknown-field (additionalProperties at every level)
    R("unknown-top", "job", "  protect: false", "  protected: false", "unknown-field", 8, 3, "did you mean 'protect'"),
    R("unknown-spec", "job", "  appId: ${env:AGORA_APP_ID}", "  appID: ${env:AGORA_APP_ID}", "unknown-field", 11, 3, "did you mean 'appId'"),
    R("unknown-acquire", "job", "    regionAffinity: 4", "    startParameter: {}", "unknown-field", 19, 5, "spec.clientRequest"),
    R("unknown-client-request", "job", "    token: ${env:AGORA_TOKEN}", "    tokens: ${env:AGORA_TOKEN}", "unknown-field", 21, 5, "did you mean 'token'"),
    R("unknown-recording-config", "job", "      maxIdleTime: 300", "      maxIdletime: 300", "unknown-field", 28, 7, "did you mean 'maxIdleTime'"),
    R("unknown-singular-audio-uid", "job", '      subscribeAudioUids: ["1001"]', '      subscribeAudioUid: ["1001"]', "unknown-field", 31, 7, "did you mean 'subscribeAudioUids'"),
    R("unknown-recording-file-config", "job", '      avFileType: ["hls", "mp4"]', '      fileType: ["hls", "mp4"]', "unknown-field", 40, 7),
    R("unknown-snapshot-config", "job", "      captureInterval: 15", "      interval: 15", "unknown-field", 42, 7),
    R("unknown-storage-config", "job", "      bucket: lesson42-shots", "      bucket: lesson42-shots\n      bucketName: x", "unknown-field", 48, 7),
    R("unknown-extension-params", "job", "        tag: lesson42", "        tags: lesson42", "unknown-field", 55, 9, "did you mean 'tag'"),
    R("unknown-metadata", "job", "  protect: false", "  namespace: edu", "unknown-field", 8, 3),
    R("unknown-start-top", "start", "cname: lesson42", "channel: lesson42\ncname: lesson42", "unknown-field", 1, 1),
    R("unknown-transcoding", "start", "      fps: 15", "      framerate: 15", "unknown-field", 9, 7),
    R("unknown-layout", "start", "          alpha: 1", "          opacity: 1", "unknown-field", 22, 11),
    R("unknown-background-config", "start", "          render_mode: 1", "          renderMode: 1", "unknown-field", 27, 11, "did you mean 'render_mode'"),
    R("unknown-apps-collection", "start", "    combinationPolicy: default", "    policy: default", "unknown-field", 29, 5),
    R("unknown-trans-config", "start", "      transMode: audioMix", "      transMode: audioMix\n      mode: x", "unknown-field", 33, 7),
    R("unknown-container", "start", "      format: mp3", "      formats: mp3", "unknown-field", 34, 7),
    R("unknown-audio", "start", '      channels: "2"', '      channel: "2"', "unknown-field", 38, 7),
    R("unknown-extension-service-config", "start", "    errorHandlePolicy: error_abort", "    errorPolicy: error_abort", "unknown-field", 40, 5),
    R("unknown-extension-service", "start", "        errorHandlePolicy: error_ignore", "        policy: error_ignore", "unknown-field", 43, 9),
    R("unknown-acquire-top", "acquire", "cname: lesson42", "appid: x\ncname: lesson42", "unknown-field", 1, 1),
    R("unknown-acquire-request", "acquire", "  regionAffinity: 1", "  regionAfinity: 1", "unknown-field", 8, 3, "did you mean 'regionAffinity'"),
    # -- missing-field (required, and dependentRequired)
    R("missing-bucket", "job", "      bucket: lesson42-shots\n", "", "missing-field", 44, 5, "bucket"),
    R("missing-vendor", "job", "      vendor: 1\n", "", "missing-field", 44, 5, "vendor"),
    R("missing-region", "job", "      region: 0\n", "", "missing-field", 44, 5, "region"),
    R("missing-access-key", "job", "      accessKey: ${env:AWS_ACCESS_KEY_ID}\n", "", "missing-field", 44, 5, "accessKey"),
    R("missing-secret-key", "job", "      secretKey: ${env:AWS_SECRET_ACCESS_KEY}\n", "", "missing-field", 44, 5, "secretKey"),
    R("missing-storage-config", "acquire", "    storageConfig:\n      vendor: 3\n      region: 19\n      bucket: shots\n      accessKey: ${env:COS_SECRET_ID}\n      secretKey: ${env:COS_SECRET_KEY}\n", "", "missing-field", 9, 3, "storageConfig"),
    # no snapshotConfig: a rule of its own, snapshot-config-missing (rules/snapshot-config-missing/)
    OK("missing-snapshot-config", "job", '    snapshotConfig:\n      captureInterval: 15\n      fileType: ["jpg"]\n', ""),
    R("missing-recording-config", "acquire", '    recordingConfig:\n      channelType: 1\n      streamTypes: 1\n      subscribeVideoUids: ["1001"]\n      subscribeUidGroup: 0\n', "", "missing-field", 9, 3, "recordingConfig"),
    R("missing-channel-type", "job", "      channelType: 1\n", "", "missing-field", 22, 5, "channelType"),
    R("missing-file-type", "job", '      fileType: ["jpg"]\n', "", "missing-field", 41, 5, "fileType"),
    R("missing-name", "job", "  name: lesson42-shots\n", "", "missing-field", 3, 1, "name"),
    R("missing-metadata", "job", 'metadata:\n  name: lesson42-shots\n  labels:\n    team: edu\n    example.com/course: "42"\n  protect: false\n', "", "missing-field", 1, 1, "metadata"),
    R("missing-spec-uid", "job", '  uid: "910001"\n', "", "missing-field", 9, 1, "uid"),
    R("missing-spec-cname", "job", "  cname: lesson42\n", "", "missing-field", 9, 1, "cname"),
    R("missing-start-client-request", "text", "", 'cname: lesson42\nuid: "910001"\n', "missing-field", 1, 1, "clientRequest"),
    R("missing-acquire-uid", "acquire", 'uid: "910001"\n', "", "missing-field", 1, 1, "uid"),
    R("missing-trans-mode", "start", "    transConfig:\n      transMode: audioMix\n", "    transConfig: {}\n", "missing-field", 31, 5, "transMode"),
    R("missing-trans-config", "start", "    transConfig:\n      transMode: audioMix\n", "", "missing-field", 30, 3, "transConfig"),
    R("missing-service-name", "start", "      - serviceName: web_recorder_service\n        errorHandlePolicy: error_ignore\n", "      - errorHandlePolicy: error_ignore\n", "missing-field", 42, 9, "serviceName"),
    # -- wrong-type
    R("type-uid-number", "job", 'uid: "910001"', "uid: 910001", "wrong-type", 13, 8, "(got 910001)"),
    R("type-cname-number", "job", "cname: lesson42", "cname: 42", "wrong-type", 12, 10),
    R("type-file-type-string", "job", 'fileType: ["jpg"]', "fileType: jpg", "wrong-type", 43, 17, "must be a list"),
    R("type-protect", "job", "protect: false", "protect: maybe", "wrong-type", 8, 12, "true or false"),
    R("type-label-value", "job", 'example.com/course: "42"', "example.com/course: 42", "wrong-type", 7, 25),
    R("type-labels-list", "job", '  labels:\n    team: edu\n    example.com/course: "42"\n', "  labels: [edu]\n", "wrong-type", 5, 11),
    R("type-app-id", "job", "appId: ${env:AGORA_APP_ID}", "appId: 42", "wrong-type", 11, 10),
    R("type-token", "job", "token: ${env:AGORA_TOKEN}", "token: 12345", "wrong-type", 21, 12),
    R("type-secret", "job", "secret: ${env:CHANNEL_SECRET}", "secret: 12345", "wrong-type", 26, 15),
    R("type-spec", "text", "", "apiVersion: snaplint/v1\nkind: SnapshotJob\nmetadata:\n  name: x\nspec: lesson42\n", "wrong-type", 5, 7),
    R("type-recording-config", "job", '    recordingFileConfig:\n      avFileType: ["hls", "mp4"]\n', "    recordingFileConfig: hls\n", "wrong-type", 39, 26),
    R("type-max-idle-time", "job", "maxIdleTime: 300", "maxIdleTime: 5m", "wrong-type", 28, 20),
    R("type-capture-interval-float", "job", "captureInterval: 15", "captureInterval: 7.5", "wrong-type", 42, 24, "whole number of seconds"),
    R("type-subscription-uid", "job", 'subscribeVideoUids: ["1001", "1002"]', 'subscribeVideoUids: [1001, "1002"]', "wrong-type", 30, 28, "in quotes"),
    R("type-subscription-list", "job", 'subscribeVideoUids: ["1001", "1002"]', 'subscribeVideoUids: "1001"', "wrong-type", 30, 27),
    R("type-storage-region", "job", "      region: 0", "      region: us-east-1", "wrong-type", 46, 15),
    R("type-bucket", "job", "bucket: lesson42-shots", "bucket: 42", "wrong-type", 47, 15),
    R("type-sts-expiration", "job", "stsExpiration: 1893456000", "stsExpiration: soon", "wrong-type", 51, 22),
    R("type-file-name-prefix", "job", 'fileNamePrefix: ["lesson42", "shots"]', "fileNamePrefix: lesson42", "wrong-type", 52, 23),
    R("type-file-name-prefix-item", "job", 'fileNamePrefix: ["lesson42", "shots"]', 'fileNamePrefix: ["lesson42", 2026]', "wrong-type", 52, 36),
    R("type-tag", "job", "tag: lesson42", "tag: [a]", "wrong-type", 55, 14),
    R("type-exclude-resource-ids", "job", 'excludeResourceIds: ["JyvK8nXHuV1BE"]', "excludeResourceIds: [42]", "wrong-type", 17, 26),
    R("type-resource-expired-hour", "job", "resourceExpiredHour: 24", 'resourceExpiredHour: "24"', "wrong-type", 16, 26, "whole number of hours"),
    R("type-transcoding-fps", "start", "fps: 15", "fps: fast", "wrong-type", 9, 12),
    R("type-layout-config", "start", LAYOUT, "      layoutConfig: {}\n", "wrong-type", 16, 21),
    R("type-unit-fraction", "start", "          x_axis: 0", "          x_axis: left", "wrong-type", 18, 19),
    R("type-service-param", "start", "        serviceParam:\n          url: https://example.com/lesson42\n", "        serviceParam: https://example.com/lesson42\n", "wrong-type", 44, 23),
    # -- metadata and spec
    R("name-pattern", "job", "name: lesson42-shots", "name: Lesson42_Shots", "job-name-invalid", 4, 9, "lowercase DNS label"),
    R("name-too-long", "job", "name: lesson42-shots", "name: " + "a" * 64, "job-name-invalid", 4, 9, "at most 63"),
    R("name-empty", "job", "name: lesson42-shots", 'name: ""', "job-name-invalid", 4, 9, "must not be empty"),
    OK("name-63", "job", "name: lesson42-shots", "name: " + "a" * 63),
    R("label-key", "job", "    team: edu", "    my team: edu", "label-invalid", 6, 5, 'label key "my team"'),
    R("label-key-prefix", "job", "    example.com/course:", "    Example.com/course:", "label-invalid", 7, 5),
    R("label-key-too-long", "job", "    team: edu", "    " + "t" * 64 + ": edu", "label-invalid", 6, 5),
    R("label-value", "job", "    team: edu", "    team: edu/core", "label-invalid", 6, 11, 'label value "edu/core"'),
    OK("label-empty-value", "job", "    team: edu", '    team: ""'),
    R("mode", "job", "mode: individual", "mode: snapshot", "mode-invalid", 10, 9, '(got "snapshot")'),
    R("restart", "job", "  protect: false", "  protect: false\n  restart: sometimes", "restart-policy-invalid", 9, 12, '(got "sometimes")'),
    OK("restart-on-failure", "job", "  protect: false", "  protect: false\n  restart: on-failure"),
    *[OK(f"mode-{m}", "job", "mode: individual", f"mode: {m}") for m in ("mix", "web", "raw")],
    R("cname-charset", "job", "cname: lesson42", 'cname: "lesson/42"', "cname-invalid", 12, 10, "may contain only"),
    R("cname-non-ascii", "job", "cname: lesson42", "cname: leçon42", "cname-invalid", 12, 10),
    R("cname-64", "job", "cname: lesson42", "cname: " + "c" * 64, "cname-invalid", 12, 10, "shorter than 64 bytes"),
    R("cname-empty", "job", "cname: lesson42", 'cname: ""', "cname-invalid", 12, 10, "must not be empty"),
    R("cname-acquire", "acquire", "cname: lesson42", 'cname: "lesson\\\\42"', "cname-invalid", 1, 8),
    OK("cname-63", "job", "cname: lesson42", "cname: " + "c" * 63),
    OK("cname-symbols", "job", "cname: lesson42", """cname: "a Z 0 !#$%&()+-:;<=.>?@[]^_{}|~,\""""),
    R("uid-zero", "job", 'uid: "910001"', 'uid: "0"', "uid-invalid", 13, 8, 'uid must be a decimal string from "1" to "4294967295" (got "0")'),
    R("uid-over", "job", 'uid: "910001"', 'uid: "4294967296"', "uid-invalid", 13, 8),
    R("uid-leading-zero", "job", 'uid: "910001"', 'uid: "01"', "uid-invalid", 13, 8),
    R("uid-trailing-newline", "job", 'uid: "910001"', 'uid: "910001\\n"', "uid-invalid", 13, 8),
    R("cname-trailing-newline", "job", "cname: lesson42", 'cname: "lesson42\\n"', "cname-invalid", 12, 10),
    R("file-name-prefix-trailing-newline", "job", 'fileNamePrefix: ["lesson42", "shots"]', 'fileNamePrefix: ["lesson42\\n"]', "file-name-prefix-invalid", 52, 24),
    R("uid-account", "job", 'uid: "910001"', "uid: recorder", "uid-invalid", 13, 8),
    R("uid-start", "start", 'uid: "910001"', 'uid: "-1"', "uid-invalid", 2, 6),
    R("uid-acquire", "acquire", 'uid: "910001"', 'uid: "1.5"', "uid-invalid", 2, 6),
    OK("uid-max", "job", 'uid: "910001"', 'uid: "4294967295"'),
    OK("uid-min", "job", 'uid: "910001"', 'uid: "1"'),
    # -- recordingConfig
    R("channel-type", "job", "channelType: 1", "channelType: 2", "channel-type-invalid", 23, 20, "(got 2)"),
    R("channel-type-string", "job", "channelType: 1", 'channelType: "1"', "channel-type-invalid", 23, 20),
    R("stream-types", "job", "streamTypes: 2", "streamTypes: 3", "stream-types-invalid", 24, 20),
    R("decryption-mode", "job", "decryptionMode: 8", "decryptionMode: 9", "decryption-mode-invalid", 25, 23),
    R("decryption-mode-negative", "job", "decryptionMode: 8", "decryptionMode: -1", "decryption-mode-invalid", 25, 23),
    R("salt-short", "job", "salt: ${env:CHANNEL_SALT}", "salt: c2FsdA==", "decryption-salt-invalid", 27, 13, "32 bytes"),
    R("salt-unpadded", "job", "salt: ${env:CHANNEL_SALT}", "salt: " + SALT_OK[:-1], "decryption-salt-invalid", 27, 13),
    OK("salt-32-bytes", "job", "salt: ${env:CHANNEL_SALT}", "salt: " + SALT_OK),
    R("max-idle-low", "job", "maxIdleTime: 300", "maxIdleTime: 4", "max-idle-time-out-of-range", 28, 20, "between 5 and 2592000 seconds (got 4)"),
    R("max-idle-high", "job", "maxIdleTime: 300", "maxIdleTime: 2592001", "max-idle-time-out-of-range", 28, 20),
    OK("max-idle-5", "job", "maxIdleTime: 300", "maxIdleTime: 5"),
    OK("max-idle-30-days", "job", "maxIdleTime: 300", "maxIdleTime: 2592000"),
    R("video-stream-type", "job", "videoStreamType: 0", "videoStreamType: 2", "video-stream-type-invalid", 29, 24),
    R("subscribe-video-uid", "job", 'subscribeVideoUids: ["1001", "1002"]', 'subscribeVideoUids: ["1001", "0"]', "subscription-uid-invalid", 30, 36, '(got "0")'),
    R("subscribe-audio-uid", "job", 'subscribeAudioUids: ["1001"]', 'subscribeAudioUids: ["all"]', "subscription-uid-invalid", 31, 28),
    R("unsubscribe-video-uid", "job", 'unsubscribeVideoUids: ["2001"]', 'unsubscribeVideoUids: ["4294967296"]', "subscription-uid-invalid", 32, 30),
    R("unSubscribe-video-uid", "job", 'unSubscribeVideoUids: ["2002"]', 'unSubscribeVideoUids: ["user"]', "subscription-uid-invalid", 33, 30),
    R("unsubscribe-audio-uid", "job", 'unsubscribeAudioUids: ["2003"]', 'unsubscribeAudioUids: ["#all#"]', "subscription-uid-invalid", 34, 30),
    R("unSubscribe-audio-uid", "job", 'unSubscribeAudioUids: ["2004"]', 'unSubscribeAudioUids: [" 2004"]', "subscription-uid-invalid", 35, 30),
    OK("subscribe-allstream", "job", 'subscribeVideoUids: ["1001", "1002"]', 'subscribeVideoUids: ["#allstream#"]'),
    R("subscription-empty", "job", 'unsubscribeAudioUids: ["2003"]', "unsubscribeAudioUids: []", "subscription-list-empty", 34, 29, "unsubscribeAudioUids must not be an empty list"),
    R("subscription-33", "job", 'unsubscribeVideoUids: ["2001"]', "unsubscribeVideoUids: " + UIDS_33, "subscription-list-too-long", 32, 29, "unsubscribeVideoUids may list at most 32"),
    OK("subscription-32", "job", 'unsubscribeVideoUids: ["2001"]', "unsubscribeVideoUids: " + UIDS_33.replace(', "3033"', "")),
    R("subscribe-uid-group", "job", "subscribeUidGroup: 1", "subscribeUidGroup: 6", "subscribe-uid-group-invalid", 36, 26),
    R("stream-mode", "job", "streamMode: standard", "streamMode: Standard", "stream-mode-invalid", 37, 19),
    *[OK(f"stream-mode-{m}", "job", "streamMode: standard", f"streamMode: {m}") for m in ("default", "original")],
    R("audio-profile", "job", "audioProfile: 0", "audioProfile: 3", "audio-profile-invalid", 38, 21),
    # -- transcodingConfig (composite)
    R("transcoding-width", "start", "width: 1280", "width: 2000", "transcoding-config-invalid", 7, 14, "at most 1920 pixels"),
    R("transcoding-height", "start", "height: 720", "height: 1921", "transcoding-config-invalid", 8, 15),
    R("transcoding-layout", "start", "mixedVideoLayout: 3", "mixedVideoLayout: 4", "transcoding-config-invalid", 12, 25),
    R("transcoding-color", "start", 'backgroundColor: "#336699"', 'backgroundColor: "#12345"', "transcoding-config-invalid", 13, 24, "#RRGGBB"),
    R("transcoding-layout-17", "start", LAYOUT, "      layoutConfig: [" + ", ".join(["{}"] * 18) + "]\n", "transcoding-config-invalid", 16, 21, "at most 17"),
    R("transcoding-x-axis", "start", "          x_axis: 0", "          x_axis: 1.5", "transcoding-config-invalid", 18, 19, "between 0 and 1"),
    R("transcoding-alpha", "start", "          alpha: 1", "          alpha: -0.1", "transcoding-config-invalid", 22, 18),
    R("transcoding-render-mode", "start", "          render_mode: 0", "          render_mode: 2", "transcoding-config-invalid", 23, 24),
    R("transcoding-image-url", "start", "image_url: https://example.com/bg.jpg", "image_url: http://example.com/bg.jpg", "transcoding-config-invalid", 26, 22, "https://"),
    R("transcoding-bg-render-mode", "start", "          render_mode: 1", "          render_mode: 3", "transcoding-config-invalid", 27, 24),
    # -- snapshotConfig and recordingFileConfig
    R("capture-interval-zero", "job", "captureInterval: 15", "captureInterval: 0", "capture-interval-out-of-range", 42, 24, "captureInterval must be between 1 and 3600 seconds (got 0)"),
    R("capture-interval-3601", "job", "captureInterval: 15", "captureInterval: 3601", "capture-interval-out-of-range", 42, 24, "(got 3601)"),
    OK("capture-interval-1", "job", "captureInterval: 15", "captureInterval: 1"),
    OK("capture-interval-3600", "job", "captureInterval: 15", "captureInterval: 3600"),
    R("file-type-png", "job", 'fileType: ["jpg"]', 'fileType: ["png"]', "file-type-not-jpg", 43, 18, '(got "png")'),
    R("file-type-empty", "job", 'fileType: ["jpg"]', "fileType: []", "file-type-not-jpg", 43, 17),
    R("file-type-two", "job", 'fileType: ["jpg"]', 'fileType: ["jpg", "jpg"]', "file-type-not-jpg", 43, 17),
    R("file-type-start-parameter", "acquire", 'fileType: ["jpg"]', 'fileType: ["gif"]', "file-type-not-jpg", 17, 18),
    R("av-file-type-item", "job", 'avFileType: ["hls", "mp4"]', 'avFileType: ["hls", "mkv"]', "av-file-type-invalid", 40, 27, '(got "mkv")'),
    R("av-file-type-empty", "job", 'avFileType: ["hls", "mp4"]', "avFileType: []", "av-file-type-invalid", 40, 19),
    R("av-file-type-repeated", "job", 'avFileType: ["hls", "mp4"]', 'avFileType: ["hls", "hls"]', "av-file-type-invalid", 40, 19),
    OK("av-file-type-mp3", "job", 'avFileType: ["hls", "mp4"]', 'avFileType: ["mp3"]'),
    # -- storageConfig
    R("vendor-qiniu", "job", "vendor: 1", "vendor: 0", "storage-vendor-invalid", 45, 15, "no longer supported"),
    R("vendor-kingsoft", "job", "vendor: 1", "vendor: 4", "storage-vendor-invalid", 45, 15),
    R("vendor-name", "job", "vendor: 1", "vendor: aws", "storage-vendor-invalid", 45, 15),
    R("region-negative", "job", "      region: 0", "      region: -1", "storage-region-invalid-for-vendor", 46, 15),
    R("region-amazon-17", "job", "      region: 0", "      region: 17", "storage-region-invalid-for-vendor", 46, 15, "not an Amazon S3 region code"),
    R("region-amazon-23", "job", "      region: 0", "      region: 23", "storage-region-invalid-for-vendor", 46, 15),
    R("region-amazon-26", "job", "      region: 0", "      region: 26", "storage-region-invalid-for-vendor", 46, 15),
    OK("region-amazon-25", "job", "      region: 0", "      region: 25"),
    R("region-alibaba-28", "start", "region: 27", "region: 28", "storage-region-invalid-for-vendor", 48, 13, "Alibaba Cloud"),
    R("region-tencent-20", "acquire", "region: 19", "region: 20", "storage-region-invalid-for-vendor", 20, 15, "Tencent Cloud"),
    R("region-huawei-16", "job", "vendor: 1\n      region: 0", "vendor: 7\n      region: 16", "storage-region-invalid-for-vendor", 46, 15, "Huawei Cloud"),
    OK("region-huawei-15", "job", "vendor: 1\n      region: 0", "vendor: 7\n      region: 15"),
    R("region-baidu-8", "job", "vendor: 1\n      region: 0", "vendor: 8\n      region: 8", "storage-region-invalid-for-vendor", 46, 15, "Baidu AI Cloud"),
    OK("region-baidu-0-legacy", "job", "vendor: 1\n      region: 0", "vendor: 8\n      region: 0"),
    R("region-s3-compatible-1", "job", "vendor: 1\n      region: 0", "vendor: 11\n      region: 1", "storage-region-invalid-for-vendor", 46, 15, "must be 0"),
    OK("region-azure-any", "job", "vendor: 1\n      region: 0", "vendor: 5\n      region: 3"),
    OK("region-google-0", "job", "vendor: 1\n      region: 0", "vendor: 6\n      region: 0"),
    R("bucket-empty", "job", "bucket: lesson42-shots", 'bucket: ""', "storage-value-empty", 47, 15, "bucket must not be empty"),
    R("access-key-empty", "job", "accessKey: ${env:AWS_ACCESS_KEY_ID}", 'accessKey: ""', "storage-value-empty", 48, 18),
    R("secret-key-empty", "job", "secretKey: ${env:AWS_SECRET_ACCESS_KEY}", 'secretKey: ""', "storage-value-empty", 49, 18),
    R("endpoint-empty", "job", "endpoint: s3.example.com", 'endpoint: ""', "storage-value-empty", 56, 19),
    R("sts-expiration-negative", "job", "stsExpiration: 1893456000", "stsExpiration: -1", "sts-expiration-invalid", 51, 22),
    R("file-name-prefix-underscore", "job", 'fileNamePrefix: ["lesson42", "shots"]', 'fileNamePrefix: ["lesson42", "shots_1"]', "file-name-prefix-invalid", 52, 36, "only letters and digits"),
    R("file-name-prefix-slash", "job", 'fileNamePrefix: ["lesson42", "shots"]', 'fileNamePrefix: ["lesson42/shots"]', "file-name-prefix-invalid", 52, 24),
    R("file-name-prefix-empty-item", "job", 'fileNamePrefix: ["lesson42", "shots"]', 'fileNamePrefix: [""]', "file-name-prefix-invalid", 52, 24),
    R("sse", "job", "sse: kms", "sse: KMS", "storage-sse-invalid", 54, 14),
    OK("sse-aes256", "job", "sse: kms", "sse: aes256"),
    # -- acquire
    R("scene", "job", "scene: 0", "scene: 3", "acquire-scene-invalid", 15, 12),
    R("scene-acquire-body", "acquire", "scene: 0", "scene: -1", "acquire-scene-invalid", 4, 10),
    R("resource-expired-hour-0", "job", "resourceExpiredHour: 24", "resourceExpiredHour: 0", "resource-expired-hour-out-of-range", 16, 26, "between 1 and 720 hours (got 0)"),
    R("resource-expired-hour-721", "acquire", "resourceExpiredHour: 24", "resourceExpiredHour: 721", "resource-expired-hour-out-of-range", 5, 24),
    OK("resource-expired-hour-720", "job", "resourceExpiredHour: 24", "resourceExpiredHour: 720"),
    R("acquire-region", "job", "region: NA", "region: US", "acquire-region-invalid", 18, 13, '(got "US")'),
    R("acquire-region-lowercase", "acquire", "region: CN", "region: cn", "acquire-region-invalid", 7, 11),
    R("region-affinity", "job", "regionAffinity: 4", "regionAffinity: 5", "region-affinity-invalid", 19, 21),
    # -- postponed transcoding and web recording
    R("combination-policy", "start", "combinationPolicy: default", "combinationPolicy: postponed", "apps-collection-invalid", 29, 24),
    R("trans-mode", "start", "transMode: audioMix", "transMode: mix", "transcode-options-invalid", 32, 18),
    R("container-format", "start", "format: mp3", "format: wav", "transcode-options-invalid", 34, 15),
    R("sample-rate-number", "start", 'sampleRate: "48000"', "sampleRate: 48000", "transcode-options-invalid", 36, 19, "the string"),
    R("audio-bitrate", "start", 'bitrate: "48000"', 'bitrate: "64000"', "transcode-options-invalid", 37, 16),
    R("audio-channels", "start", 'channels: "2"', "channels: 2", "transcode-options-invalid", 38, 17),
    R("service-name", "start", "serviceName: web_recorder_service", "serviceName: web", "extension-service-invalid", 42, 22),
    R("service-error-policy", "start", "errorHandlePolicy: error_ignore", "errorHandlePolicy: ignore", "extension-service-invalid", 43, 28),
    # -- the manifest envelope (checked by the loader before the schema)
    R("api-version", "job", "apiVersion: snaplint/v1", "apiVersion: snaplint/v2", "unknown-document", 1, 13),
    R("kind", "job", "kind: SnapshotJob", "kind: Snapshot", "unknown-document", 2, 7),
]
# fmt: on


def _document(row: Row) -> str:
    if row.base == "text":
        return row.edits[0][1]
    text = BASES[row.base]
    for old, new in row.edits:
        assert text.count(old) == 1, f"{row.id}: {old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


@cache
def _schema_rule_ids() -> frozenset[str]:
    used = {rule for _, rule in _rule_marks()}
    return frozenset(used | GENERIC_RULES)


def _mode(row: Row) -> str | None:
    return "individual" if row.base in ("start", "acquire", "text") else None


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_schema_constraint(row: Row) -> None:
    diagnostics = lint_text(_document(row), filename="row.yaml", mode=_mode(row))
    found = [d for d in diagnostics if d.rule in _schema_rule_ids()]
    if row.rule is None:
        assert found == [], [(d.line, d.column, d.rule, d.message) for d in found]
        return
    assert [(d.rule, d.line, d.column) for d in found] == [(row.rule, row.line, row.column)], [
        (d.rule, d.line, d.column, d.message) for d in found
    ]
    assert row.message in found[0].message
    assert found[0].code, "schema rules have a code"
    assert not re.search(
        r"is not one of|does not match|\{[a-z]+\}|\[\d+(, \d+)+\]", found[0].message
    ), "messages read like a person wrote them"


# --------------------------------------------------------------------------- schema files


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            if key not in ("enum", "const", "default", "examples", "x-snaplint-message"):
                yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


def _rule_marks() -> list[tuple[str, str]]:
    return [
        (f"{name}#{pointer}", sub["x-snaplint-rule"])
        for name in OWN_SCHEMAS
        for pointer, sub in _walk(_load(name))
        if "x-snaplint-rule" in sub
    ]


@pytest.mark.parametrize("name", OWN_SCHEMAS)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    from jsonschema import Draft202012Validator

    raw = _load(name)
    assert raw["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in raw, "no absolute $id: editors would try to fetch it"
    Draft202012Validator.check_schema(raw)
    bundled = schema.bundle(name)
    Draft202012Validator.check_schema(bundled)
    refs = [sub["$ref"] for _, sub in _walk(raw) if isinstance(sub.get("$ref"), str)]
    for ref in refs:
        file, _, fragment = ref.partition("#")
        assert fragment.startswith("/$defs/"), f"{ref}: cross-file refs point into $defs"
        assert not file or (SCHEMAS / file).is_file(), f"{ref}: relative file reference"
    assert not any("$ref" in sub and ".json" in sub["$ref"] for _, sub in _walk(bundled))
    import jsonschema_rs

    jsonschema_rs.validator_for(bundled)  # the fast validator compiles it (regex dialect included)


def test_every_schema_rule_has_a_module_and_every_module_is_used() -> None:
    table = load_rules(autoload=False)
    marks = _rule_marks()
    for where, rule in marks:
        assert table.get(rule) is not None, f"{where}: no rule module for {rule!r}"
    used = {rule for _, rule in marks} | set(schema.DEFAULT_RULE.values())
    schema_scope = {r.ID for r in table if r.SCOPE == "schema"}
    assert schema_scope - used == set(), "schema-scope rules that no schema uses"
    assert schema_scope >= GENERIC_RULES
    for rule in schema_scope:
        code = table.get(rule).CODE
        assert re.fullmatch(r"SNP1\d\d", code), f"{rule}: schema rules take SNP1xx codes"


def test_every_constraint_rule_is_in_the_table() -> None:
    tested = {row.rule for row in ROWS}
    assert {rule for _, rule in _rule_marks()} - tested == set()
    assert tested >= GENERIC_RULES


def test_constraints_carry_a_rule_and_fields_a_description() -> None:
    value_keywords = {"enum", "const", "minimum", "maximum", "minLength", "maxLength", "pattern",
                      "minItems", "maxItems", "uniqueItems", "dependentRequired", "not"}  # fmt: skip
    for name in OWN_SCHEMAS:
        for pointer, sub in _walk(_load(name)):
            if pointer.endswith("/if") or "/if/" in pointer:
                continue  # conditions of if/then never report
            constrained = value_keywords & set(sub)
            if constrained:
                assert "x-snaplint-rule" in sub, (
                    f"{name}#{pointer}: {sorted(constrained)} without a rule"
                )
            if pointer.endswith("/x-snaplint-rule"):
                continue
            parent = pointer.rpartition("/")[0]
            if (
                parent.endswith("/properties")
                and "/then/" not in pointer
                and name != "snapshot-job"
            ):
                has_description = "description" in sub or "$ref" in sub
                assert has_description, (
                    f"{name}#{pointer}: fields carry a description citing the reference"
                )
    descriptions = [
        sub["description"]
        for name in ("start-request", "acquire-request")
        for _, sub in _walk(_load(name))
        if isinstance(sub.get("description"), str)
    ]
    tags = re.compile(
        r"\b(API-26|REF-24|REF-22|SHOT|SEED-20|REG|SUB|MODE|RN|GO|PY|NODE|V2|BP|ERR-26|ERR-old)\b"
    )
    assert all(tags.search(d) for d in descriptions), [
        d for d in descriptions if not tags.search(d)
    ]


# --------------------------------------------------------------------------- secrets

SECRETS = ("token",), ("recordingConfig", "secret"), ("recordingConfig", "salt"), \
    ("storageConfig", "accessKey"), ("storageConfig", "secretKey"), ("storageConfig", "stsToken")  # fmt: skip
REQUEST_AT = {
    "snapshot-job": ("spec", "clientRequest"),
    "start-request": ("clientRequest",),
    "acquire-request": ("clientRequest", "startParameter"),
}


@pytest.mark.parametrize("name", OWN_SCHEMAS)
def test_secret_fields_are_marked(name: str) -> None:
    expected = {(*REQUEST_AT[name], *field) for field in SECRETS}
    for path in expected:
        assert schema.is_secret_path(name, path), f"{name}: {'.'.join(path)} is not marked secret"
    assert {p for p in schema.secret_paths(name)} == expected, (
        "exactly the documented secret fields"
    )
    for path in [
        (*REQUEST_AT[name], "storageConfig", "bucket"),
        (*REQUEST_AT[name], "recordingConfig", "channelType"),
    ]:
        assert not schema.is_secret_path(name, path)
    for pointer, sub in _walk(_load(name)):
        if sub.get("x-snaplint-secret"):
            assert sub.get("writeOnly") is True, (
                f"{name}#{pointer}: secrets are writeOnly for editors"
            )
            assert sub.get("type") == "string", f"{name}#{pointer}"


def test_secret_values_never_appear_in_messages() -> None:
    text = JOB.replace("salt: ${env:CHANNEL_SALT}", "salt: hunter2-not-base64")
    found = [d for d in lint_text(text) if d.rule == "decryption-salt-invalid"]
    assert len(found) == 1 and "hunter2" not in found[0].message


# --------------------------------------------------------------------------- the UID pattern


def _uid_patterns() -> list[re.Pattern[str]]:
    defs = _load("start-request")["$defs"]
    return [re.compile(defs["uid"]["pattern"]), re.compile(defs["uidList"]["items"]["pattern"])]


def _fast_uid_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(
        {"$ref": "#/$defs/uid", "$defs": _load("start-request")["$defs"]}
    )


@pytest.mark.parametrize(
    "n",
    [1, 9, 10, 999_999_999, 1_000_000_000, 3_999_999_999, 4_000_000_000, 4_199_999_999, 4_200_000_000,
     4_289_999_999, 4_290_000_000, 4_293_999_999, 4_294_000_000, 4_294_899_999, 4_294_900_000,
     4_294_959_999, 4_294_960_000, 4_294_966_999, 4_294_967_000, 4_294_967_199, 4_294_967_200,
     4_294_967_289, 4_294_967_290, 4_294_967_295, 0, 4_294_967_296, 4_294_967_300, 4_294_970_000,
     4_295_000_000, 4_300_000_000, 5_000_000_000, 9_999_999_999, 10_000_000_000],
)  # fmt: skip
def test_uid_pattern_boundaries(n: int) -> None:
    valid = 1 <= n <= 2**32 - 1
    for pattern in _uid_patterns():
        assert bool(pattern.search(str(n))) == valid
    assert _fast_uid_validator().is_valid(str(n)) == valid


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.integers(-10, 2**34), st.integers(2**32 - 5000, 2**32 + 5000)))
def test_uid_pattern_is_exactly_uint32_without_zero(n: int) -> None:
    valid = 1 <= n <= 2**32 - 1
    for pattern in _uid_patterns():
        assert bool(pattern.search(str(n))) == valid
        assert not pattern.search("0" + str(n)), "no leading zeros"


@pytest.mark.parametrize(
    "text",
    ["", " 1", "1 ", "+1", "1.0", "1e3", "0x10", "١٢٣", "#allstream# ", "1\n", "#allstream#\n"],
)
def test_uid_pattern_rejects_non_decimal_text(text: str) -> None:
    assert not _uid_patterns()[0].search(text)
    assert not _uid_patterns()[1].search(text)


# --------------------------------------------------------------------------- rule docs


def _schema_rules() -> list[Any]:
    return [r for r in load_rules(autoload=False) if r.SCOPE == "schema"]


@pytest.mark.parametrize("rule", _schema_rules(), ids=lambda r: r.ID)
def test_schema_rule_docs(rule: Any) -> None:
    doc = rule.__doc__ or ""
    positions = [doc.find(f"## {title}") for title in DOC_SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), "sections, in order"
    (example,) = yaml_blocks(doc_section(doc, "Example"))
    (use_instead,) = yaml_blocks(doc_section(doc, "Use instead"))
    assert any(d.rule == rule.ID for d in lint_text(example)), "the Example is flagged by the rule"
    assert lint_text(use_instead) == [], "Use instead lints clean"
    assert Path(__file__).resolve().parent.parent.joinpath("rules", rule.ID).is_dir(), "case folder"
