"""A `fileNamePrefix` element has characters other than letters and digits.

## What it does
Reports `storageConfig.fileNamePrefix` elements that are empty or contain anything but `A-Z`, `a-z`
and `0-9` (no `/`, `_`, `-` or other symbols). The length of the joined prefix is a separate rule.

## Why is this bad?
The start call fails with code 2. Use one element per folder instead of slashes: `["lesson42",
"shots"]` → `lesson42/shots/<file>`.

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
      fileNamePrefix: ["lesson42/shots"]
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
      fileNamePrefix: ["lesson42", "shots"]
```

## Options
None.

## Source
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.fileNamePrefix`
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
"""

ID = "file-name-prefix-invalid"
CODE = "SNP128"
SEVERITY = "error"
SCOPE = "schema"
