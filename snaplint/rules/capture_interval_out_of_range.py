"""`captureInterval` is outside 1–3600 seconds.

## What it does
Reports a `snapshotConfig.captureInterval` below 1 or above 3600 seconds, the widest range any
documented revision accepts. Values 1–4, accepted by some revisions only, are checked by a separate
revision-dependent rule.

## Why is this bad?
The start call fails with code 2 and no screenshots are taken.

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
      captureInterval: 0
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
The range that holds under every source; the sources disagree on the minimum (see
`capture-interval-below-documented-minimum`).

- Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture — 1 to 3600 seconds
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — 1 to 3600 seconds
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — 5 to 3600 seconds
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — 5 to 3600 seconds
- Agora's official Go REST client (commit 2afc9fb, 2025-07-31):
  https://github.com/AgoraIO-Community/agora-rest-client-go — 5 to 3600 seconds
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python — 5 to 3600 seconds
- Agora, *Release notes* (entry of 2021-10-29):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — the range widened to 1 to 3600
  seconds
"""

ID = "capture-interval-out-of-range"
CODE = "SNP121"
SEVERITY = "error"
SCOPE = "schema"
