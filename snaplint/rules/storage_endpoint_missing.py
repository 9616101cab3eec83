"""S3-compatible storage (`vendor: 11`) without `extensionParams.endpoint`.

## What it does
Reports a `storageConfig` with `vendor: 11` whose `extensionParams` has no `endpoint`.

## Why is this bad?
Vendor 11 is any self-hosted or third-party S3-compatible service; the endpoint (its domain) is the
only way the uploader knows where to send the files. Without it every upload fails.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
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
      vendor: 11
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:S3_ACCESS_KEY_ID}
      secretKey: ${env:S3_SECRET_ACCESS_KEY}
```

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
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
      vendor: 11
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:S3_ACCESS_KEY_ID}
      secretKey: ${env:S3_SECRET_ACCESS_KEY}
      extensionParams:
        endpoint: https://s3.example.com
```

## Options
None.

## Source
Same in both revisions.

- Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor — vendor 11, added 2025-06-27:
  `region = 0`, `extensionParams.endpoint` required
- Agora, *Update subscription lists* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/update — `extensionParams.endpoint`
- Agora, *Release notes* (entry of 2025-06-27):
  https://docs.agora.io/en/cloud-recording/overview/release-notes
- Agora's official Go REST client (commit 2afc9fb, 2025-07-31):
  https://github.com/AgoraIO-Community/agora-rest-client-go — `ExtensionParams`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "storage-endpoint-missing"
CODE = "SNP217"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    if storage.get("vendor") != 11:
        return
    params = storage.get("extensionParams")
    if isinstance(params, dict) and "endpoint" in params:
        return
    where = (*path, "extensionParams") if isinstance(params, dict) else (*path, "vendor")
    yield Finding(
        where,
        "vendor 11 (S3-compatible storage) needs extensionParams.endpoint, the domain of "
        "your S3-compatible service",
        target="key",
    )
