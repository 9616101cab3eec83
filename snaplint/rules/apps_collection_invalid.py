"""`appsCollection.combinationPolicy` is not "default" or "postpone_transcoding".

## What it does
Reports an `appsCollection.combinationPolicy` other than `default` or `postpone_transcoding`.
Snapshot jobs should not set `appsCollection` at all (a separate rule).

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
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
    appsCollection:
      combinationPolicy: postponed
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
- Agora, *RESTful API* (single-page reference, revision before 2025-04-10):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — `appsCollection`, documented
  until 2025-04-10
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python — `api_start.py`
"""

ID = "apps-collection-invalid"
CODE = "SNP134"
SEVERITY = "error"
SCOPE = "schema"
