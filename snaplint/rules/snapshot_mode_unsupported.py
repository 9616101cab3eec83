"""A snapshot job is started in a URL mode that takes no screenshots.

## What it does
Reports a job (or a raw body with `snapshotConfig`) whose URL mode is not `individual`. Under
`api-revision: 2026-06` the mode `raw` (Individual Recording v2) is accepted too; under `2020-10` it
is reported, because that revision only knows `individual`. For raw bodies the mode comes from
`--mode` or the config's `mode:`; when it is unknown nothing is reported.

## Why is this bad?
Screenshots are an individual-mode feature: `snapshotConfig` only applies in individual mode, and
the mode of a session cannot change after start. A `mix` or `web` session silently takes no
screenshots, or start fails.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  mode: mix
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
spec:
  mode: individual
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
  https://docs.agora.io/en/cloud-recording/cloud_recording_screen_capture — screenshots need
  `mode=individual`
- `2026-06`: Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `snapshotConfig`: individual mode only
- `2026-06`: Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — Individual Recording
  v2, `mode=raw`, keeps screenshots
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_snapshot

ID = "snapshot-mode-unsupported"
CODE = "SNP200"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if not is_snapshot(doc):
        return
    mode = ctx.mode_of(doc)
    if mode is None or mode == "individual":
        return
    if mode == "raw" and ctx.revision != "2020-10":
        return
    if doc.kind == "job" and "mode" in doc.body:
        path, target = (*doc.body_path, "mode"), "value"
    else:
        # a raw body: the mode is not in the file, so point at what asks for screenshots
        path, target = (*doc.start_request_path, "snapshotConfig"), "key"
    if mode == "raw":
        message = (
            "mode raw (Individual Recording v2) is not part of the 2020-10 revision, which takes "
            "screenshots in individual mode only; use individual, or select api-revision 2026-06"
        )
    else:
        allowed = "individual" if ctx.revision == "2020-10" else "individual (or raw)"
        message = (
            f"screenshots are taken only in {allowed} mode, so a {mode} session takes none "
            f"(got mode {mode})"
        )
    yield Finding(path, message, target=target)
