"""The storage region is in another area than the acquire `region`.

## What it does
Compares the acquire `region` (`CN`, `AP`, `EU`, `NA`) with the area of the storage vendor's
`region` code (Amazon S3 3 = US_WEST_2 → `NA`, Alibaba Cloud 1 = CN_Shanghai → `CN`, …) and warns
when they differ. Regions outside the four areas, and vendors whose region code names no place
(Azure, Google, S3-compatible), are not compared.

## Why is this bad?
With an acquire `region` the recording service stays inside that area, and the documentation asks
for the storage region to be in the same area. Cross-area uploads are slow or fail, and files
can be lost once the service stops waiting for them.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  acquire:
    region: EU
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
      vendor: 1
      region: 3
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
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
  acquire:
    region: EU
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
      vendor: 1
      region: 7
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
Same in both revisions.

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — `region`: the storage region in start
  must be in the same area
- Agora, *acquire* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/acquire
- Agora, *Regions and storage vendors* (updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/region-vendor — region names
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._regions import AREAS, VENDORS, region_info
from snaplint.rules._snap import is_int, section

ID = "storage-region-outside-acquire-region"
CODE = "SNP220"
SEVERITY = "warning"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    acquire = doc.acquire_request
    area = acquire.get("region") if acquire else None
    if not isinstance(area, str) or area not in AREAS:
        return
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    vendor, region = storage.get("vendor"), storage.get("region")
    if not is_int(vendor) or not is_int(region):
        return
    info = region_info(vendor, region)
    if info is None or info[1] is None or info[1] == area:
        return
    name, storage_area = info
    yield Finding(
        (*path, "region"),
        f"storage region {region} ({VENDORS[vendor]} {name}, {AREAS[storage_area]}) is outside "
        f"the acquire region {area} ({AREAS[area]}): uploads cross areas and may be slow or "
        "fail; keep the bucket in the same area",
    )
