"""Two jobs in the project have the same `metadata.name`.

## What it does
Reports every job whose `metadata.name` was already used by another job in the linted project
(any file), naming where the first one is.

## Why is this bad?
`metadata.name` is a job's stable identity: plan and apply match desired jobs to running sessions
by it. With two jobs of one name, one of them is never started, or each apply stops one session to
start the other.

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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson43
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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson43-shots
spec:
  cname: lesson43
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

## Options
None.

## Source
snaplint policy: `metadata.name` is the job's identity in state, so two manifests cannot share it.
Same in both revisions. It mirrors how the service itself identifies a session:

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — appid + cname + uid identify one
  recording instance
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._project import where

ID = "duplicate-job-name"
CODE = "SNP300"
SEVERITY = "error"
SCOPE = "project"
# the project stage keeps only these fields of each job (see snaplint.findings.rule)
PROJECT_FIELDS = (("metadata", "name"),)


def project_key(doc: Any, ctx: Any) -> str | None:
    """Jobs of one name (the linter gives check only jobs whose name another job has)."""
    return doc.name


def check(docs: Iterable[Any], ctx: Any) -> Iterator[tuple[Any, Finding]]:
    first: dict[str, Any] = {}
    for doc in docs:
        name = doc.name
        if name is None:
            continue
        if name not in first:
            first[name] = doc
            continue
        yield (
            doc,
            Finding(
                ("metadata", "name"),
                f'job name "{name}" is already used by the job at '
                f"{where(first[name], ('metadata', 'name'))}; names identify jobs and must be "
                "unique in a project",
            ),
        )
