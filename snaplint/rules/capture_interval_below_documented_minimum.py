"""`captureInterval` is 1–4 seconds, below the 5 seconds every source accepts.

## What it does
Reports a `snapshotConfig.captureInterval` from 1 to 4 seconds (values outside 1–3600 are reported by
`capture-interval-out-of-range`). Under `api-revision: 2020-10` it is an error: the range then was
5–3600. Under `2026-06` it is a warning, because the current documents disagree.

## Why is this bad?
The release notes widened the range to 1–3600 on 2021-10-29, and the screenshot guide says 1–3600,
but the current API reference (and the official Go and Python clients) still say 5–3600. Which one
the server enforces is unconfirmed; an interval below 5 may be rejected at start. 5 or more is safe
under every source.

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
      captureInterval: 2
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
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 5
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
Revision-dependent; where the sources contradict each other, a warning.

- `2020-10`: Agora, *Release notes* (entry of 2021-10-29):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — the 2020-era range was 5 to 3600
  seconds until this entry widened it; the 2020 screenshot page states no range
- `2026-06`: Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — 5 to 3600 seconds, as do the single-page
  reference and the Go and Python clients
- `2026-06`: Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture — 1 to 3600 seconds, as does the
  2022 reference
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "capture-interval-below-documented-minimum"
CODE = "SNP202"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "snapshotConfig")
    if found is None:
        return
    snapshot, path = found
    value = snapshot.get("captureInterval")
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
        return
    if ctx.revision == "2020-10":
        yield Finding(
            (*path, "captureInterval"),
            f"captureInterval must be at least 5 seconds in the 2020-10 revision (got {value}); "
            "the range was 5-3600 until 2021-10-29",
        )
    else:
        yield Finding(
            (*path, "captureInterval"),
            f"captureInterval {value} is below 5 seconds: the API reference says 5-3600, the "
            "screenshot guide 1-3600, and which the server enforces is unconfirmed; "
            "5 or more is safe under every source",
            severity="warning",
        )
