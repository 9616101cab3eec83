"""`recordingFileConfig.avFileType` combines file types the URL mode does not support.

## What it does
Reports `["mp4"]` without `"hls"` (in every mode), `"mp3"` outside `mode: raw`, and `"mp3"` next to
other types in `mode: raw`. Warns about `"mp4"` in `mode: individual`, where the sources disagree.
(Unknown entries and repeats are reported by `av-file-type-invalid`.)

## Why is this bad?
`mp4` is produced alongside HLS, never alone: `["mp4"]` is rejected with code 2. `mp3` (audio only)
exists only in Individual Recording v2, and there as `["mp3"]` alone. In individual mode the 2022
reference allows `mp4` for composite and web recording only, while the current reference describes
individual-mode `["hls", "mp4"]` file lists; what the server does is unconfirmed.

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
    recordingFileConfig:
      avFileType: ["mp4"]
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
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    recordingFileConfig:
      avFileType: ["hls"]
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

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingFileConfig.avFileType`,
  default `["hls"]`
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — `mp4` only for mix and web
  modes; error code 2 for mp4 without hls
- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — `["hls", "mp4"]` or
  `["mp3"]` in `mode=raw`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "av-file-type-unsupported"
CODE = "SNP229"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingFileConfig")
    if found is None:
        return
    config, path = found
    types = config.get("avFileType")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return
    where = (*path, "avFileType")
    mode = ctx.mode_of(doc)
    if "mp4" in types and "hls" not in types:
        yield Finding(where, 'avFileType "mp4" needs "hls" next to it: use ["hls", "mp4"]')
    elif "mp3" in types and mode not in ("raw", None):
        yield Finding(
            where,
            f'avFileType "mp3" exists only in Individual Recording v2 (mode raw), not mode {mode}',
        )
    elif "mp3" in types and len(types) > 1:
        yield Finding(where, 'avFileType "mp3" (audio only) must stand alone: ["mp3"]')
    elif "mp4" in types and mode == "individual":
        yield Finding(
            where,
            'avFileType "mp4" in individual mode: the 2022 reference allows mp4 only for '
            'composite and web recording, the current one lists ["hls", "mp4"] file lists; '
            'keep ["hls"] unless you have confirmed it',
            severity="warning",
        )
