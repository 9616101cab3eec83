"""The acquire `scene` of a snapshot job is not 0.

## What it does
Reports an acquire `scene` other than 0 in a job's `spec.acquire`, or in a raw acquire body whose
`startParameter` has `snapshotConfig`. In `mode: raw` (Individual Recording v2) `scene` has no
effect and is reported by `field-removed-in-raw-mode` instead.

## Why is this bad?
`scene` selects the kind of resource to reserve: 0 is real-time audio/video recording, which is
what screenshots use; 1 is web page recording and 2 was individual recording with postponed
transcoding (removed from the documentation on 2025-04-10). A resource of the wrong kind makes the
start request fail.

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
    scene: 1
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
    scene: 0
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
Same in both revisions.

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — `scene` 0 = real-time recording, "use
  for snapshots"
- Agora, *RESTful API* (single-page reference, revision before 2025-04-10):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — scene 2 until 2025-04-10
- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — `scene` is ignored in
  `mode=raw`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_int, is_snapshot

ID = "acquire-scene-not-snapshot"
CODE = "SNP221"
SEVERITY = "error"
SCOPE = "manifest"

_SCENES = {
    1: "web page recording",
    2: "individual recording with postponed transcoding, removed from the docs on 2025-04-10",
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    acquire = doc.acquire_request
    if not acquire or not is_snapshot(doc) or ctx.mode_of(doc) == "raw":
        return
    scene = acquire.get("scene")
    if is_int(scene) and scene in _SCENES:
        yield Finding(
            (*doc.acquire_request_path, "scene"),
            f"scene {scene} is {_SCENES[scene]}; screenshots need scene 0 "
            "(real-time audio and video recording)",
        )
