"""A snapshot job sets `streamMode: original`, which takes no screenshots.

## What it does
Reports `recordingConfig.streamMode: original` in a job or a body with `snapshotConfig`
(Individual Recording v2, `mode: raw`, has no `streamMode`; see `field-removed-in-raw-mode`).

## Why is this bad?
In the stream-mode table only `default` and `standard` produce video screenshots; `original` keeps
the original audio streams (it only takes effect with `streamTypes: 0`) and supports no
screenshots, so the job uploads nothing.

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
      streamMode: original
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
      streamMode: standard
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
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig.streamMode`
- Agora, *Stream mode* (reference, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/reference/stream-mode — screenshots are listed for
  `default` and `standard` only
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_snapshot, section

ID = "stream-mode-original-with-snapshot"
CODE = "SNP213"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None or not is_snapshot(doc) or ctx.mode_of(doc) == "raw":
        return
    recording, path = found
    if recording.get("streamMode") == "original":
        yield Finding(
            (*path, "streamMode"),
            'streamMode original takes no screenshots; use "default" or "standard"',
        )
