"""A mapping has the same key twice.

## What it does
Reports a key that appears a second time in the same mapping, at the second occurrence, naming the line of the first.

## Why is this bad?
YAML parsers keep only one of the values (most keep the last), so half of what you wrote is silently ignored. In a job manifest that is typically a second `storageConfig` or `captureInterval` added while editing, and the job runs with a value nobody reviewed.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
  name: lesson43
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
- YAML 1.2.2 specification (2021-10-01): https://yaml.org/spec/1.2.2/ — mapping keys are unique
  (section 3.2.1.1)
- IETF, *RFC 8259: The JSON Data Interchange Format* (2017-12):
  https://www.rfc-editor.org/rfc/rfc8259#section-4 — object names SHOULD be unique
"""

ID = "duplicate-key"
CODE = "SNP002"
SEVERITY = "error"
SCOPE = "syntax"
