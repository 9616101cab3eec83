"""`stsExpiration` is not a Unix time in seconds.

## What it does
Reports a negative `storageConfig.stsExpiration`. Whether it lies far enough in the future is a
separate rule.

## Why is this bad?
The value is the STS token's expiry as Unix seconds (an unsigned 64-bit number); a negative value is
never valid.

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
      stsToken: ${env:AWS_SESSION_TOKEN}
      stsExpiration: -1
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
      stsToken: ${env:AWS_SESSION_TOKEN}
      stsExpiration: ${env:AWS_SESSION_EXPIRATION}
```

## Options
None.

## Source
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.stsExpiration`
- Agora, *Release notes* (entry of 2024-08-02):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — STS fields added
"""

ID = "sts-expiration-invalid"
CODE = "SNP127"
SEVERITY = "error"
SCOPE = "schema"
