"""The file cannot be read as UTF-8 text.

## What it does
Reports files that cannot be read, binary files (NUL bytes) and files that are not valid UTF-8, at the first undecodable byte.

## Why is this bad?
A manifest that cannot be decoded cannot be checked, and a binary file matched by the manifest globs usually means a wrong include pattern.

## Example
Not expressible as a YAML snippet; see the rule's test cases in `rules/unreadable-file/`.

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
snaplint reads UTF-8 (a byte-order mark is allowed) and UTF-16 with a byte-order mark.

- YAML 1.2.2 specification (2021-10-01): https://yaml.org/spec/1.2.2/ — character encodings (section
  5.2)
"""

ID = "unreadable-file"
CODE = "SNP003"
SEVERITY = "error"
SCOPE = "syntax"
