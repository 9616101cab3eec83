"""A value has the wrong type.

## What it does
Reports a value whose JSON type is not the documented one: a number where a string is expected
(`uid: 910001`), a string where a list is expected (`fileType: jpg`), a mapping where a number is
expected, and so on.

## Why is this bad?
Agora rejects a body with a wrongly typed field (code 2), and some clients silently send a zero
value instead. `uid` and the subscription UIDs are strings in quotes, not numbers.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: 910001
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

## Fix safety
Safe, when offered: a number where a string is expected is quoted (`uid: 910001` →
`uid: "910001"`), and a scalar where a list is expected is wrapped (`fileType: jpg` →
`fileType: [jpg]`). The fix is offered only when the result satisfies the field's schema.

## Source
- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — field types
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — field types
- Agora, *Common errors* (2022-07 revision, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/common-errors — code 2, invalid parameter
"""

ID = "wrong-type"
CODE = "SNP102"
SEVERITY = "error"
SCOPE = "schema"
