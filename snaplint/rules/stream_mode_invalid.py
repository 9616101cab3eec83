"""`streamMode` is not "default", "standard" or "original".

## What it does
Reports a `recordingConfig.streamMode` that is not one of the documented modes. That `original`
takes no screenshots is a separate rule.

## Why is this bad?
The start call fails with code 2.

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
      streamMode: compact
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
      streamMode: standard
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig.streamMode`
- Agora, *Stream mode* (reference, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/reference/stream-mode
"""

ID = "stream-mode-invalid"
CODE = "SNP118"
SEVERITY = "error"
SCOPE = "schema"
