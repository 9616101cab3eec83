"""A subscription list entry is not a UID string or `#allstream#`.

## What it does
Reports entries of `subscribeVideoUids`, `subscribeAudioUids`, `unsubscribeVideoUids`,
`unsubscribeAudioUids` (and the `unSubscribe…` spellings) that are not decimal strings from `"1"` to
`"4294967295"` or `"#allstream#"`. Numbers in the list are reported as wrong types.

## Why is this bad?
The service subscribes by integer UID; an entry such as `"0"`, `"user-1"` or `"all"` subscribes
nobody, so no screenshots are taken of the user you meant.

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
      subscribeVideoUids: ["1001", "all"]
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

## Source
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig` subscription lists
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
"""

ID = "subscription-uid-invalid"
CODE = "SNP114"
SEVERITY = "error"
SCOPE = "schema"
