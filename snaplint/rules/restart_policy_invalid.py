"""`metadata.restart` is not a restart policy.

## What it does
Reports a `metadata.restart` other than `always`, `on-failure` or `never` (the default).

## Why is this bad?
`snaplint reconcile` reads the policy to decide whether to start a job again when its session
ended on its own (idle, failure, token expiry). An unknown value cannot be given a meaning: a
`yes` could as well mean `always` as `on-failure`, so the manifest is refused instead of guessed.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  restart: yes
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

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  restart: always
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
snaplint's own manifest field (docs/reconcile.md). Why sessions end on their own (auto-stop
after `maxIdleTime`, token expiry): the Cloud Recording stop reference,
https://docs.agora.io/en/cloud-recording/rest-api/stop (last updated 2026-06-17).
"""

ID = "restart-policy-invalid"
CODE = "SNP137"
SEVERITY = "error"
SCOPE = "schema"
