"""`storageConfig.region` is not a region code of the chosen vendor.

## What it does
Reports a storage `region` that is not in the vendor's region table: Amazon S3 0–16, 18–22, 24, 25;
Alibaba Cloud 0–27; Tencent Cloud 0–19; Huawei Cloud 0–15; Baidu AI Cloud 1–7; S3-compatible 0. Also
reports a negative region. Microsoft Azure and Google Cloud regions, Baidu's former region 0 and
whether the region matches the acquire region are checked by separate rules, because the docs
disagree on them.

## Why is this bad?
The service cannot reach the bucket: uploads fail and screenshots are lost once the service stops
retrying.

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
      region: 23
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
- Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.region`
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — Amazon regions 17 and 23,
  removed since
"""

ID = "storage-region-invalid-for-vendor"
CODE = "SNP125"
SEVERITY = "error"
SCOPE = "schema"
