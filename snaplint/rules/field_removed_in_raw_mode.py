"""A job in `mode: raw` (Individual Recording v2) sets a field v2 removed or ignores.

## What it does
In URL mode `raw`, warns about `recordingConfig.streamMode` (removed in v2) and an acquire `scene`
other than 0 (v2 ignores it).

## Why is this bad?
Individual Recording v2 dropped `streamMode` and no longer reads `scene`. A job migrated from
`individual` that keeps them relies on behaviour that no longer exists (the request may be
rejected, or the setting silently does nothing).

## Example
```yaml
# case: {"api-revision": "2026-06"}
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  mode: raw
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      streamMode: standard
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
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
# case: {"api-revision": "2026-06"}
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  mode: raw
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
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
Applies whenever the mode is `raw`.

- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — `streamMode` removed,
  `scene` no longer takes effect
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "field-removed-in-raw-mode"
CODE = "SNP227"
SEVERITY = "warning"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if ctx.mode_of(doc) != "raw":
        return
    found = section(doc, "recordingConfig")
    if found is not None and "streamMode" in found[0]:
        yield Finding(
            (*found[1], "streamMode"),
            "streamMode was removed in Individual Recording v2 (mode raw); remove it",
            target="key",
        )
    acquire = doc.acquire_request
    if acquire and acquire.get("scene") not in (None, 0) and not isinstance(acquire["scene"], str):
        yield Finding(
            (*doc.acquire_request_path, "scene"),
            f"scene {acquire['scene']} has no effect in Individual Recording v2 (mode raw)",
        )
