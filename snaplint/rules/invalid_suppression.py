"""A suppression comment is malformed or names a rule that cannot be suppressed.

## What it does
Reports suppression comments without a rule list, with unknown rules or options, with an invalid `until` date, or naming a rule declared not suppressible (such as literal secrets). Such a suppression does not apply.

## Why is this bad?
A suppression that does not do what it says is worse than none: the reader believes a finding is handled.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42  # snaplint: ignore[no-such-rule] reason="typo"
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
snaplint policy: a suppression must name known rules that may be suppressed, as tflint refuses to
ignore rules declared `ignorable = false`:

- tflint, *Annotations*:
  https://github.com/terraform-linters/tflint/blob/master/docs/user-guide/annotations.md
"""

ID = "invalid-suppression"
CODE = "SNP904"
SEVERITY = "error"
SCOPE = "syntax"
