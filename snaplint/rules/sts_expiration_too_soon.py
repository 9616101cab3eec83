"""`stsExpiration` is less than 4 hours away (or already past).

## What it does
Reports a `storageConfig.stsExpiration` (Unix time in seconds) that is in the past or less than 4
hours after the time of linting, and one that looks like milliseconds (13 digits).

## Why is this bad?
The STS token must stay valid for at least 4 hours when the task starts; uploads made with an
expired token fail, and screenshots end up on Agora's backup storage or are lost. (For tasks longer
than an hour, refresh the token every 60 minutes with `update`: `snaplint apply` does that.)

## Example
```yaml
# case: {"now": "2026-11-23T12:00:00+00:00"}
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
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
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
      stsToken: ${env:AWS_SESSION_TOKEN}
      stsExpiration: 1763899200
```

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
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
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
      stsToken: ${env:AWS_SESSION_TOKEN}
      stsExpiration: ${env:AWS_SESSION_EXPIRATION}
```

## Options
`min-hours` (number, default 4): how long the token must still be valid.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.stsExpiration`: Unix
  seconds, valid at least 4 hours; refresh every 60 minutes for long tasks
- Agora, *Release notes* (entry of 2024-08-02):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — STS fields added
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "sts-expiration-too-soon"
CODE = "SNP216"
SEVERITY = "error"
SCOPE = "manifest"
OPTIONS = {
    "type": "object",
    "properties": {"min-hours": {"type": "number", "minimum": 0, "default": 4}},
    "additionalProperties": False,
}


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    value = storage.get("stsExpiration")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return  # missing, a reference, or negative (sts-expiration-invalid)
    where = (*path, "stsExpiration")
    if value >= 10**12:
        yield Finding(
            where,
            f"stsExpiration {value} looks like milliseconds; it is a Unix time in seconds "
            f"({value // 1000} would be {_when(value // 1000)})",
        )
        return
    now = ctx.now.timestamp()
    hours = ctx.options.get("min-hours", 4)
    if value <= now:
        yield Finding(where, f"stsExpiration {value} ({_when(value)}) is already past")
    elif value < now + hours * 3600:
        left = (value - now) / 3600
        yield Finding(
            where,
            f"stsExpiration {value} ({_when(value)}) is only {left:.1f} hours away; the STS "
            f"token must be valid for at least {hours:g} hours",
        )
