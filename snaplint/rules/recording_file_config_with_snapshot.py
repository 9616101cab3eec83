"""`recordingFileConfig` is set together with `snapshotConfig` where the revision forbids it.

## What it does
Under `api-revision: 2020-10` (the seed page), reports `recordingFileConfig` in a start request
that also has `snapshotConfig`. Under `2026-06` nothing is reported: recording and screenshots in one
session are allowed, and then `recordingFileConfig` is exactly what asks for the recording.

## Why is this bad?
The 2020 documentation says the two "cannot both be set": a session either records or takes
screenshots, and you acquire twice to do both. Sending both under that contract fails the start
or loses the screenshots.

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
    recordingFileConfig:
      avFileType: ["hls"]
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
A screenshot-only job (record in a second job), or select `api-revision: 2026-06`:
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
Revision-dependent.

- `2020-10`: Agora, *Capture Screenshots* (the 2020 page, archived):
  https://docs.agora.io/en/cloud-recording/cloud_recording_screen_capture
- `2020-10`: Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — `recordingFileConfig` and
  `snapshotConfig` "cannot both be set"
- `2026-06`: Agora, *Release notes* (entry of 2021-09-06):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — recording and screenshots in one
  session
- `2026-06`: Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingFileConfig` is required for it
- `2026-06`: Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture — its table agrees; its
  "Considerations" still say "do not set recordingFileConfig", which the release notes settle
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import start_request

ID = "recording-file-config-with-snapshot"
CODE = "SNP201"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if ctx.revision != "2020-10":
        return
    found = start_request(doc)
    if found is None:
        return
    request, path = found
    if "snapshotConfig" in request and "recordingFileConfig" in request:
        yield Finding(
            (*path, "recordingFileConfig"),
            "the 2020-10 revision does not allow recordingFileConfig together with snapshotConfig: "
            "take screenshots in a session of their own (record in a second job), or select "
            "api-revision 2026-06, where one session may record and take screenshots",
            target="key",
        )
