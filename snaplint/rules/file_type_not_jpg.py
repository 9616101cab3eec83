"""`fileType` is not `["jpg"]`.

## What it does
Reports a `snapshotConfig.fileType` list that is not exactly `["jpg"]`: another format, an empty
list, or more than one entry. A bare string (`fileType: jpg`) is reported as a wrong type.

## Why is this bad?
JPG is the only screenshot format; anything else fails the start call.

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
      fileType: ["png"]
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
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `snapshotConfig.fileType`
- Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture
- Agora, *Capture Screenshots* (the 2020 page, archived):
  https://docs.agora.io/en/cloud-recording/cloud_recording_screen_capture
"""

ID = "file-type-not-jpg"
CODE = "SNP122"
SEVERITY = "error"
SCOPE = "schema"
