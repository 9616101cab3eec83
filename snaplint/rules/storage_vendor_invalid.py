"""`storageConfig.vendor` is not a supported storage vendor.

## What it does
Reports a `vendor` other than 1 (Amazon S3), 2 (Alibaba Cloud), 3 (Tencent Cloud), 5 (Microsoft
Azure), 6 (Google Cloud), 7 (Huawei Cloud), 8 (Baidu AI Cloud) or 11 (S3-compatible). The legacy
vendors 0 (Qiniu) and 4 (Kingsoft) are no longer in the vendor table.

## Why is this bad?
Screenshots cannot be uploaded; the start call fails.

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
      vendor: 0
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.vendor`
- Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor
- Agora, *Release notes* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/overview/release-notes
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — the legacy vendors 0 and 4
"""

ID = "storage-vendor-invalid"
CODE = "SNP124"
SEVERITY = "error"
SCOPE = "schema"
