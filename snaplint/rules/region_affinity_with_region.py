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
Same in both revisions; the sources are inconsistent, so a warning.

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — `region`, a string
- Agora, *acquire* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/acquire — `region`, a string
- Agora's official Go REST client (commit 2afc9fb, 2025-07-31):
  https://github.com/AgoraIO-Community/agora-rest-client-go — `regionAffinity`, a number, citing the
  Chinese docs
- Agora's official Node.js REST client (commit 2b5769c):
  https://github.com/AgoraIO-Community/agora-rest-client-nodejs — `regionAffinity`
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python — `regionAffinity`
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
