"""An `extensionParams` entry is set for a storage vendor that does not use it.

## What it does
Reports `storageConfig.extensionParams.sse` unless `vendor` is 1 (Amazon S3),
`extensionParams.tag` unless `vendor` is 1 or 2 (Alibaba Cloud), and — as a warning —
`extensionParams.endpoint` unless `vendor` is 11 (S3-compatible).

## Why is this bad?
Server-side encryption (`sse`) is an Amazon S3 option and object tags (`tag`) exist for Amazon S3
and Alibaba Cloud only: for other vendors the upload is rejected or the setting silently does
nothing, so files are stored unencrypted or untagged. An `endpoint` is documented for S3-compatible
storage only.

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
      vendor: 2
      region: 1
      bucket: lesson42-shots
      accessKey: ${env:OSS_ACCESS_KEY_ID}
      secretKey: ${env:OSS_ACCESS_KEY_SECRET}
      extensionParams:
        sse: kms
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
      vendor: 2
      region: 1
      bucket: lesson42-shots
      accessKey: ${env:OSS_ACCESS_KEY_ID}
      secretKey: ${env:OSS_ACCESS_KEY_SECRET}
      extensionParams:
        tag: screenshots
```

## Options
None.

## Source
Same in both revisions. The start reference also marks `sse` and `tag` "required" inside
`extensionParams` while its own examples omit them; snaplint follows the examples and does not
require them.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.extensionParams`: `sse`
  Amazon S3 only, `tag` Alibaba Cloud and Amazon S3 only
- Agora, *Update subscription lists* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/update — `endpoint` for vendor 11
- Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._regions import VENDORS
from snaplint.rules._snap import is_int, section

ID = "extension-param-wrong-vendor"
CODE = "SNP218"
SEVERITY = "error"
SCOPE = "manifest"

_ALLOWED = {
    "sse": ((1,), "Amazon S3 (vendor 1)", "error"),
    "tag": ((1, 2), "Amazon S3 and Alibaba Cloud (vendors 1 and 2)", "error"),
    "endpoint": ((11,), "S3-compatible storage (vendor 11)", "warning"),
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    vendor = storage.get("vendor")
    params = storage.get("extensionParams")
    if not is_int(vendor) or vendor not in VENDORS or not isinstance(params, dict):
        return
    for field, (vendors, who, severity) in _ALLOWED.items():
        if field in params and vendor not in vendors:
            yield Finding(
                (*path, "extensionParams", field),
                f"extensionParams.{field} is for {who} only, not vendor {vendor} "
                f"({VENDORS[vendor]})",
                target="key",
                severity=severity,  # type: ignore[arg-type]
            )
