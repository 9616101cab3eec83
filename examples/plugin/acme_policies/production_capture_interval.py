"""A production job takes screenshots more often than every 30 seconds.

## What it does
Reports a `snapshotConfig.captureInterval` below the team minimum (30 seconds by default) in jobs
labelled as production (`metadata.labels.env: production`). A job without `captureInterval` takes
a screenshot every 10 seconds, the documented default, and is reported too.

## Why is this bad?
ACME's moderation pipeline reviews production screenshots at most twice a minute; more frequent
screenshots only add storage and review cost (every screenshot is uploaded and billed).

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels:
    env: production
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
```

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels:
    env: production
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
      captureInterval: 30
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
`minimum` (integer, default 30): the lowest interval allowed in production, in seconds.
`label` (string, default `env`) and `values` (list, default `["production", "prod"]`): which
label marks a production job.

## Source
ACME moderation policy (2026). The documented default interval (10 s) is from API-26 start
(snapshotConfig.captureInterval).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.findings.references import is_ref

ID = "production-capture-interval-too-short"
CODE = "ACME001"
SEVERITY = "error"
SCOPE = "manifest"
OPTIONS = {
    "type": "object",
    "properties": {
        "minimum": {"type": "integer", "minimum": 1, "default": 30},
        "label": {"type": "string", "minLength": 1, "default": "env"},
        "values": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["production", "prod"],
        },
    },
    "additionalProperties": False,
}

DEFAULT_INTERVAL = 10  # API-26: captureInterval defaults to 10 seconds


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if doc.kind != "job":
        return  # labels exist on jobs only
    labels = doc.get(("metadata", "labels")) or {}
    if (
        not isinstance(labels, dict)
        or labels.get(ctx.options["label"]) not in ctx.options["values"]
    ):
        return
    snapshot = doc.get(("spec", "clientRequest", "snapshotConfig"))
    if not isinstance(snapshot, dict):
        return
    minimum = ctx.options["minimum"]
    interval = snapshot.get("captureInterval", DEFAULT_INTERVAL)
    if is_ref(interval) or not isinstance(interval, int) or interval >= minimum:
        return
    if "captureInterval" in snapshot:
        path, target = ("spec", "clientRequest", "snapshotConfig", "captureInterval"), "value"
        what = f"captureInterval {interval}"
    else:
        path, target = ("spec", "clientRequest", "snapshotConfig"), "key"
        what = f"the default captureInterval of {interval}"
    yield Finding(
        path,
        f"{what} seconds is below ACME's production minimum of {minimum} seconds",
        target=target,
    )
