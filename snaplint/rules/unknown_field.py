"""A key that the schema does not document.

## What it does
Reports a mapping key that is not a documented field at that level of a job manifest or raw Agora
body, and suggests the documented key it most likely meant (`maxIdletime` → `maxIdleTime`,
`subscribeAudioUid` → `subscribeAudioUids`).

## Why is this bad?
Agora matches field names exactly, including case. The service rejects a misspelt field with code 2
or ignores it, so the setting you meant silently takes its default: a misspelt `maxIdleTime` ends
the job after 30 idle seconds.

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
      maxIdletime: 300
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
Safe, when offered: if exactly one documented key is close and not already present, the fix
renames the key, keeping its value, position, quoting and comments.

## Source
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — field names are case-sensitive
- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire
- Agora, *Common errors* (2022-07 revision, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/common-errors — code 2, invalid parameter
- Agora, *Integration best practices* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices — checklist
  items 2 and 5
"""

ID = "unknown-field"
CODE = "SNP100"
SEVERITY = "error"
SCOPE = "schema"
