"""A manifest file holds no YAML documents.

## What it does
Reports a file matched as a manifest that contains nothing but whitespace or comments.

## Why is this bad?
An empty manifest usually means a job was deleted by accident or a file was truncated; if it is intentional, remove the file or exclude it.

## Example
```yaml
# all jobs moved to shots.yaml
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
snaplint policy: a manifest file with no document is almost always a mistake (a file emptied by an
edit or a merge).

- YAML 1.2.2 specification (2021-10-01): https://yaml.org/spec/1.2.2/ — a stream may hold zero
  documents, so the file is valid YAML
"""

ID = "empty-file"
CODE = "SNP005"
SEVERITY = "warning"
SCOPE = "syntax"
