"""A `transcodingConfig` value is outside its documented range.

## What it does
Reports `transcodingConfig` values outside their documented ranges: `width`/`height` over 1920
pixels, `mixedVideoLayout` not 0–3, `backgroundColor` not `#RRGGBB`, more than 17 `layoutConfig`
regions, region positions and sizes outside 0–1, `render_mode` not 0/1, a
`backgroundConfig.image_url` that is not HTTPS. Snapshot jobs should not set `transcodingConfig` at
all (a separate rule).

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
      transcodingConfig:
        backgroundColor: black
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig.transcodingConfig`
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
"""

ID = "transcoding-config-invalid"
CODE = "SNP120"
SEVERITY = "error"
SCOPE = "schema"
