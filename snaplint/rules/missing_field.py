"""A required field is missing.

## What it does
Reports a mapping that lacks a field the API or the manifest format requires: `cname`, `uid` and
`clientRequest` of a body; `storageConfig` with `vendor`, `region`, `bucket`, `accessKey` and
`secretKey`; `recordingConfig.channelType`; `snapshotConfig.fileType`; `metadata.name`; and
`recordingConfig` with `snapshotConfig`. The finding points at the key of the mapping that lacks
the field. A start request without `snapshotConfig` is `snapshot-config-missing`.

## Why is this bad?
The start call fails with code 2 (invalid parameter) and no screenshots are taken.

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
- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — required fields
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — required fields
- Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture
- snaplint policy: the manifest format `snaplint/v1` (`apiVersion`, `kind`, `metadata`, `spec`)
"""

ID = "missing-field"
CODE = "SNP101"
SEVERITY = "error"
SCOPE = "schema"
