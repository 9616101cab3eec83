"""A snapshot job subscribes audio only (`streamTypes: 0`), so it takes no screenshots.

## What it does
Reports `recordingConfig.streamTypes: 0` in a job or a body with `snapshotConfig`. Screenshots need
`streamTypes` 1 (video) or 2 (audio and video, the default).

## Why is this bad?
Screenshots are taken of each subscribed user's video stream. With audio only the session runs (and
may be billed) but no screenshot is ever uploaded.

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
      streamTypes: 0
      maxIdleTime: 300
      subscribeAudioUids: ["1001", "1002"]
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
```

## Options
None.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `snapshotConfig` note: `streamTypes`
  must be 1 or 2
- Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture
- Agora, *Capture Screenshots* (the 2020 page, archived):
  https://docs.agora.io/en/cloud-recording/cloud_recording_screen_capture
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_snapshot, section

ID = "snapshot-without-video-stream"
CODE = "SNP203"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None or not is_snapshot(doc):
        return
    recording, path = found
    if recording.get("streamTypes") == 0:
        yield Finding(
            (*path, "streamTypes"),
            "streamTypes 0 subscribes audio only, so no screenshots are taken; use 1 (video) "
            "or 2 (audio and video)",
        )
