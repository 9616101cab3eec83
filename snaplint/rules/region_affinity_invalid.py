"""`regionAffinity` is not 0–4.

## What it does
Reports an acquire `regionAffinity` other than 0 (nearest), 1 (China), 2 (Southeast Asia), 3
(Europe) or 4 (North America).

## Why is this bad?
The field comes from the official client libraries (and the Chinese docs); a value outside their
enum is not accepted.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  acquire:
    regionAffinity: 5
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
  acquire:
    regionAffinity: 4
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
`regionAffinity` has no English documentation; the official clients send it (citing the Chinese
docs):

- Agora's official Go REST client (commit 2afc9fb, 2025-07-31):
  https://github.com/AgoraIO-Community/agora-rest-client-go —
  `services/cloudrecording/api/acquire.go`
- Agora's official Node.js REST client (commit 2b5769c):
  https://github.com/AgoraIO-Community/agora-rest-client-nodejs — `acquireResource.ts`
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python — `api.py`
"""

ID = "region-affinity-invalid"
CODE = "SNP133"
SEVERITY = "error"
SCOPE = "schema"
