"""A suppression comment has no reason.

## What it does
Reports a suppression without `reason="…"` (unless `suppressions.require-reason: false`). The suppression still applies.

## Why is this bad?
A reason tells the next reader whether the suppression is still needed; without one, suppressions accumulate forever.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
  name: other  # snaplint: ignore[duplicate-key]
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
  # snaplint: ignore[duplicate-key] reason="migration in progress, see TICKET-1"
  name: other
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
snaplint policy: a suppression says why, so a reviewer can judge it and a later reader can remove
it. The practice it follows:

- tflint, *Annotations* (ignore comments with a reason):
  https://github.com/terraform-linters/tflint/blob/master/docs/user-guide/annotations.md
"""

ID = "suppression-missing-reason"
CODE = "SNP902"
SEVERITY = "error"
SCOPE = "syntax"
