"""A suppression comment suppresses nothing.

## What it does
Reports a `# snaplint: ignore[RULE]` (or `ignore-file`) whose rule produced no finding where the comment applies.

## Why is this bad?
Stale suppressions hide future problems: when the line changes again, the suppression silently swallows a new, real finding.

## Example
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
      captureInterval: 15  # snaplint: ignore[duplicate-key] reason="legacy"
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
snaplint policy, after ruff's rule for `noqa` comments that suppress nothing:

- ruff, *unused-noqa (RUF100)*: https://docs.astral.sh/ruff/rules/unused-noqa/
"""

ID = "unused-suppression"
CODE = "SNP901"
SEVERITY = "warning"
SCOPE = "syntax"
