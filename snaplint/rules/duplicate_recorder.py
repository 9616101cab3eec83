"""Two jobs record the same channel with the same recorder `uid` (and App ID).

## What it does
Reports a job or raw start body whose App ID, `cname` and `uid` equal those of another one in the
project. Jobs without `spec.appId` use the project's App ID and count as the same App.

## Why is this bad?
App ID + channel + uid identify one recording instance. While the first task runs, the second
start fails with code 53 ("task conflict"); if both ever run, the two bots with one UID kick each
other out of the channel. Recording one channel twice needs a different `uid` per job.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-teacher
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-students
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1002"]
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
  name: lesson42-teacher
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-students
spec:
  cname: lesson42
  uid: "910002"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1002"]
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

## Options
None.

## Source
Same in both revisions.

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — appid + cname + uid identify one
  recording instance; use a different uid to record a channel twice
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start
- Agora, *Response status codes* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/status-codes — code 53, task conflict
- Agora, *Common errors* (2022-07 revision, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/common-errors — code 53
- Agora, *Integration best practices* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices — two bots with
  one uid kick each other out
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._project import RECORDER_KEY_FIELDS, label, recorder_key, where

ID = "duplicate-recorder"
CODE = "SNP301"
SEVERITY = "error"
SCOPE = "project"
# the project stage keeps only these fields of each job (see snaplint.findings.rule)
PROJECT_FIELDS = RECORDER_KEY_FIELDS


def project_key(doc: Any, ctx: Any) -> tuple[str | None, str, str] | None:
    """Jobs and start bodies recording one channel as one uid."""
    return recorder_key(doc, ctx.default_app_id)


def check(docs: Iterable[Any], ctx: Any) -> Iterator[tuple[Any, Finding]]:
    first: dict[tuple[str | None, str, str], Any] = {}
    for doc in docs:
        key = recorder_key(doc, ctx.default_app_id)
        if key is None:
            continue
        if key not in first:
            first[key] = doc
            continue
        other = first[key]
        _app, cname, uid = key
        yield (
            doc,
            Finding(
                (*doc.body_path, "uid"),
                f"{label(other)} ({where(other, (*other.body_path, 'uid'))}) already records "
                f'channel "{cname}" as uid "{uid}": the second start fails with code 53 (task '
                "conflict); give each job its own uid",
            ),
        )
