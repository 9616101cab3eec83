"""A suppression's `until` date has passed.

## What it does
Reports a suppression whose `until=YYYY-MM-DD` is in the past. It no longer applies, so the suppressed finding is reported again too.

## Why is this bad?
Expiring suppressions make temporary exceptions temporary: the date forces a decision instead of a permanent hole.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
  name: other  # snaplint: ignore[duplicate-key] reason="migration" until=2000-01-01
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
snaplint policy: a suppression with `until=` is temporary, and an expired one is itself a finding.
The annotation practice it extends:

- tflint, *Annotations*:
  https://github.com/terraform-linters/tflint/blob/master/docs/user-guide/annotations.md
"""

ID = "suppression-expired"
CODE = "SNP903"
SEVERITY = "error"
SCOPE = "syntax"
