"""The acquire request sets both `region` and `regionAffinity`.

## What it does
Warns when a job's `spec.acquire` (or an acquire body's `clientRequest`) sets both `region` and
`regionAffinity`.

## Why is this bad?
The two fields say the same thing in two vocabularies from two sets of documents: the English API
reference has `region` (`"CN"`, `"AP"`, `"EU"`, `"NA"`), while the official Go, Node and Python
clients and the Chinese documentation have `regionAffinity` (0 nearest, 1 China, 2 Southeast Asia,
3 Europe, 4 North America). No document says which wins when both are sent, so the job may run in
another area than either field says. (`regionAffinity` alone is accepted: it is what the official
clients send.)

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
    region: NA
    regionAffinity: 3
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
      region: 0
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
    region: NA
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
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
API-26 and REF-22 acquire (`region`, a string); GO, NODE and PY (`regionAffinity`, a number,
citing the Chinese docs) — a documented inconsistency, so a warning (reference §2.2, §9 #9). Same
in both revisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_int

ID = "region-affinity-with-region"
CODE = "SNP228"
SEVERITY = "warning"
SCOPE = "manifest"

_AFFINITY = {0: "nearest", 1: "China", 2: "Southeast Asia", 3: "Europe", 4: "North America"}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    acquire = doc.acquire_request
    if not acquire or "regionAffinity" not in acquire or "region" not in acquire:
        return
    affinity, region = acquire["regionAffinity"], acquire["region"]
    meaning = f" ({_AFFINITY[affinity]})" if is_int(affinity) and affinity in _AFFINITY else ""
    yield Finding(
        (*doc.acquire_request_path, "regionAffinity"),
        f"regionAffinity {affinity}{meaning} is set next to region {region}: no document says "
        "which wins; keep region, the field of the English API reference",
        target="key",
    )
