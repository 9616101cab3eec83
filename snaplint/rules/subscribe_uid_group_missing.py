"""`subscribeUidGroup` is missing in individual mode.

## What it does
Reports a `recordingConfig` without `subscribeUidGroup` when the URL mode is `individual` (or, for
a raw body with `snapshotConfig`, unknown — screenshots are individual-mode only). When the
subscription lists name the users explicitly, the finding offers the value computed from the size of
the union of subscribed audio and video UIDs.

## Why is this bad?
`subscribeUidGroup` is required in individual mode: it tells the service how many users to expect
(0 = 1–2, 1 = 3–7, 2 = 8–12, 3 = 13–17, 4 = 18–32, 5 = 33–49) and sizes the task for them. Without
it the start request is rejected.

## Example
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
      subscribeVideoUids: ["1001", "1002", "1003"]
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
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002", "1003"]
      subscribeUidGroup: 1
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

## Options
None.

## Fix safety
Safe when offered: the value is computed from the explicit lists with the start reference's
buckets, which is what the field must say. No fix is offered when a list is `["#allstream#"]`, an
unsubscribe list or a reference, because the number of users is then unknown.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig.subscribeUidGroup`,
  required in individual mode
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix
from snaplint.rules._snap import (
    GROUP_RANGES_API26,
    GROUP_TEXT,
    MAX_SUBSCRIBED,
    groups_for,
    individual_like,
    section,
    subscribed_count,
)

ID = "subscribe-uid-group-missing"
CODE = "SNP208"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None or "subscribeUidGroup" in found[0] or not individual_like(doc, ctx):
        return
    recording, path = found
    message = (
        "recordingConfig needs subscribeUidGroup in individual mode: the expected number of "
        "subscribed users (0 = 1-2, 1 = 3-7, 2 = 8-12, 3 = 13-17, 4 = 18-32, 5 = 33-49)"
    )
    fix = None
    count = subscribed_count(recording)
    if count is not None and count <= MAX_SUBSCRIBED:
        group = min(groups_for(count, GROUP_RANGES_API26))
        message += (
            f"; the lists subscribe {count} user{'s' if count != 1 else ''}, "
            f"so subscribeUidGroup: {group} ({GROUP_TEXT[group]})"
        )
        fix = Fix(
            f"add subscribeUidGroup: {group}",
            (Edit("set", (*path, "subscribeUidGroup"), group),),
        )
    yield Finding(path, message, target="key", fix=fix)
