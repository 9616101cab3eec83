"""A storage `region` code that the selected revision's vendor table does not document.

## What it does
Under `api-revision: 2026-06`: reports a `region` other than 0 for Microsoft Azure (`vendor: 5`) and
Google Cloud (`vendor: 6`) as an error, and warns about region 0 (Beijing) for Baidu AI Cloud
(`vendor: 8`). Under `2020-10` neither is reported.

## Why is this bad?
Since 2025-12-03 the vendor table says Azure and Google take `region: 0`; before, the region was
"not needed, ignored if set". Baidu's 0 (Beijing) was in the 2020–2022 table and is gone from the
current one, and whether the service still accepts it is unconfirmed. A code the current table does
not list may be rejected at start.

## Example
```yaml
# case: {"api-revision": "2026-06"}
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
      vendor: 6
      region: 3
      bucket: lesson42-shots
      accessKey: ${env:GCS_HMAC_ACCESS_ID}
      secretKey: ${env:GCS_HMAC_SECRET}
```

## Use instead
```yaml
# case: {"api-revision": "2026-06"}
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
      vendor: 6
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:GCS_HMAC_ACCESS_ID}
      secretKey: ${env:GCS_HMAC_SECRET}
```

## Options
None.

## Source
Revision-dependent; where a value's acceptance is unconfirmed, a warning.

- `2020-10`: Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — vendor table: Azure and Google
  need no region and ignore it; Baidu 0 = Beijing listed
- `2026-06`: Agora, *Regions and storage vendors* (revision of 2025-12-03):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor — Azure and Google: `region = 0`
- `2026-06`: Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor — Baidu codes 1–7 only; whether 0
  is still accepted is unconfirmed
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._regions import VENDORS
from snaplint.rules._snap import section

ID = "storage-region-undocumented"
CODE = "SNP226"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if ctx.revision == "2020-10":
        return
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    vendor, region = storage.get("vendor"), storage.get("region")
    if not isinstance(region, int) or isinstance(region, bool):
        return
    if vendor in (5, 6) and region != 0:
        yield Finding(
            (*path, "region"),
            f"region must be 0 for {VENDORS[vendor]} (vendor {vendor}) since the 2025-12-03 "
            f"vendor table (got {region})",
        )
    elif vendor == 8 and region == 0:
        yield Finding(
            (*path, "region"),
            "region 0 (Beijing) is no longer in Baidu AI Cloud's region table (codes 1-7); "
            "whether the service still accepts it is unconfirmed",
            severity="warning",
        )
