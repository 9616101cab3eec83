"""A file or a document is too large to be a manifest.

## What it does
Reports files larger than `max-file-size` (10 MiB by default) and documents that expand to more than 250,000 values through YAML aliases (an "alias bomb"). Neither is linted further.

## Why is this bad?
Snapshot job manifests are a few kilobytes. A huge file is usually generated data matched by mistake, and alias expansion can turn a few hundred bytes into billions of values that exhaust memory in every tool that reads them.

## Example
```yaml
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
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
snaplint policy: snaplint's own limits, configurable with `max-file-size`; a manifest is one request
body, which the service caps far below them.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — the request body a manifest becomes
"""

ID = "file-too-large"
CODE = "SNP004"
SEVERITY = "error"
SCOPE = "syntax"
