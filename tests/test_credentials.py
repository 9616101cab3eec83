"""Placeholders vs. leaks (issue 14, point 3): each credential shape is a literal-secret and no
placeholder; each placeholder shape is a placeholder-credential and no literal-secret."""

from __future__ import annotations

import pytest

from snaplint.lint.linter import lint_text
from snaplint.rules._credentials import placeholder_kind, shape

JOB = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    token: {token}
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: {access}
      secretKey: ${{env:AWS_SECRET_ACCESS_KEY}}
"""
TOKEN_LINE, ACCESS_LINE = 9, 23

# (field, value, the shape literal-secret names or None for "any other literal")
CREDENTIALS = [
    ("accessKey", "AKIAZ3MJQ7T5HWLQ2XRB", "an AWS access key ID"),
    ("accessKey", "ASIAZ3MJQ7T5HWLQ2XRB", "an AWS access key ID"),
    ("accessKey", "k2Vq8Jd0Rw7LmN4pXs9TzB1cYh6GfE3uAo5iWqZe", "a 40-character secret key"),
    ("accessKey", "LTAI5tQ9xR2mN8kP3wZ7vB1c", "an Alibaba Cloud AccessKey ID"),
    ("accessKey", "GOOG1EQ4ZK7T2HWLQ2XRBMNP5VJ8CD3FGA6YBE9SKU", "a Google Cloud Storage HMAC"),
    ("accessKey", "Zm9v" * 21 + "Ym==", "an Azure storage account key"),
    (
        "token",
        "006970CA35de60c44645bbae8a215061b33IACV0fZUBwAAAAAAAAAAAAAAAAA",
        "an Agora RTC token",
    ),
    (
        "token",
        "007eJxTYPgR9PpAqnx95qfIy8U/2Da/4T5a+H6vV7N6wMxJWY0TZtgpMFiaGyQnG",
        "an Agora RTC token",
    ),
    ("accessKey", "hunter2", None),
]

# (field, value)
PLACEHOLDERS = [
    ("accessKey", "xxxxxxf"),
    ("accessKey", "XXXXXXXXXXXXXXXX"),
    ("accessKey", "*******"),
    ("accessKey", "LTAI****************"),
    ("accessKey", "<your_storage_access_key>"),
    ("accessKey", "your access key"),
    ("accessKey", "YOUR_ACCESS_KEY"),
    ("accessKey", "yourAccessKey"),
    ("accessKey", "changeme"),
    ("accessKey", "AKIAIOSFODNN7EXAMPLE"),
    ("accessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("accessKey", "GOOGTS7C7FUP3AIRVJTE2BCDKINBTES3HC2GY5CBFJDCQ2SYHV6A6XXVTJFSA"),
    ("token", "<token if any>"),
    ("token", "YOUR_TOKEN"),
]


def _lint(field: str, value: str) -> dict[str, list[str]]:
    token, access = ('""', f"'{value}'") if field == "accessKey" else (f"'{value}'", "${env:AK}")
    found: dict[str, list[str]] = {}
    for d in lint_text(JOB.format(token=token, access=access)):
        found.setdefault(d.rule, []).append(d.message)
        assert not value or value not in d.message  # never printed
    return found


@pytest.mark.parametrize(("field", "value", "kind"), CREDENTIALS, ids=lambda v: str(v)[:12])
def test_credential_shapes_are_secrets_not_placeholders(field: str, value: str, kind) -> None:
    assert placeholder_kind(value, field) is None
    found = _lint(field, value)
    assert set(found) == {"literal-secret"}, found
    (message,) = found["literal-secret"]
    if kind is None:
        assert shape(value) is None and "holds a literal secret;" in message
    else:
        assert f"({kind}" in message


@pytest.mark.parametrize(("field", "value"), PLACEHOLDERS, ids=lambda v: str(v)[:16])
def test_placeholders_are_not_secrets(field: str, value: str) -> None:
    assert placeholder_kind(value, field) is not None
    found = _lint(field, value)
    assert set(found) == {"placeholder-credential"}, found
    (message,) = found["placeholder-credential"]
    cannot = "cannot join the channel" if field == "token" else "cannot upload"
    assert message.startswith(f"placeholder left in: the job {cannot}")


def test_an_empty_token_is_no_placeholder_and_an_empty_key_is_one_finding() -> None:
    assert placeholder_kind("", "token") is None
    found = _lint("accessKey", "")
    assert set(found) == {"storage-value-empty"}, found  # not also placeholder-credential


def test_near_misses_are_not_placeholders() -> None:
    for value in ("yourt0ken9Qx", "xxx1", "a*b", "<half", "Example123"):
        assert placeholder_kind(value, "accessKey") is None, value
