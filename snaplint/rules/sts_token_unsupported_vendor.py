"""`stsToken` or `stsExpiration` is set for a storage vendor that takes no STS credentials.

## What it does
Reports `storageConfig.stsToken` and `stsExpiration` when `vendor` is not 1 (Amazon S3), 2 (Alibaba
Cloud) or 3 (Tencent Cloud).

## Why is this bad?
Temporary STS credentials are supported for those three vendors only. For any other vendor they
are rejected or ignored, and the upload then runs with the long-term keys alone — or fails, if
those were placeholders next to the token.

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
      vendor: 7
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:OBS_ACCESS_KEY_ID}
      secretKey: ${env:OBS_SECRET_ACCESS_KEY}
      stsToken: ${env:OBS_SECURITY_TOKEN}
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
      vendor: 7
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:OBS_ACCESS_KEY_ID}
      secretKey: ${env:OBS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.stsToken`: vendors 1, 2
  and 3
- Agora, *Release notes* (entry of 2024-08-02):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — STS fields added
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._regions import VENDORS
from snaplint.rules._snap import is_int, section

ID = "sts-token-unsupported-vendor"
CODE = "SNP215"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    vendor = storage.get("vendor")
    if not is_int(vendor) or vendor not in VENDORS or vendor in (1, 2, 3):
        return
    for field in ("stsToken", "stsExpiration"):
        if field in storage:
            yield Finding(
                (*path, field),
                f"{field} is supported only for Amazon S3, Alibaba Cloud and Tencent Cloud "
                f"(vendors 1-3), not vendor {vendor} ({VENDORS[vendor]})",
                target="key",
            )
