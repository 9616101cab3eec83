"""A document is not a snaplint manifest or a raw Agora body.

## What it does
Reports documents that are not a mapping, that carry an unknown `apiVersion` or `kind`, or that look neither like a `SnapshotJob` nor like a raw Agora `start`/`acquire` body (`cname`, `uid`, `clientRequest`).

## Why is this bad?
Such a document is not checked against any constraint and never becomes a job, so a typo in `apiVersion` or `kind` silently drops a job from every plan.

## Example
```yaml
apiVersion: snaplint/v2
kind: SnapshotJob
metadata:
  name: lesson42
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
snaplint policy: the manifest format `snaplint/v1`; raw bodies are the request bodies of:

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start
"""

ID = "unknown-document"
CODE = "SNP006"
SEVERITY = "error"
SCOPE = "syntax"
