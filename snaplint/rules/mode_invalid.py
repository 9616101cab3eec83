"""`spec.mode` is not a Cloud Recording URL mode.

## What it does
Reports a `spec.mode` other than `individual`, `mix`, `web` or `raw`. Whether a snapshot job may use
the mode is checked by a separate rule.

## Why is this bad?
The mode is a path segment of start/query/update/stop; an unknown one gets `404 no Route matched`.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  mode: snapshot
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
  mode: individual
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
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — the `mode` path parameter
- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — `raw`, added in 2026
"""

ID = "mode-invalid"
CODE = "SNP105"
SEVERITY = "error"
SCOPE = "schema"
