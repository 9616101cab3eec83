"""A snapshot job subscribes audio UIDs but lists no video UIDs.

## What it does
Reports `subscribeAudioUids` without `subscribeVideoUids` in a job or a body with `snapshotConfig`.
The seed page's singular spelling `subscribeAudioUid` is recognised too (the `unknown-field` finding
on it offers the rename to `subscribeAudioUids`).

## Why is this bad?
Setting a subscription list for only one media type means the other type is not subscribed at all.
With an audio list and no video list the bot subscribes no video, so it takes no screenshots.

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
      streamTypes: 2
      maxIdleTime: 300
      subscribeAudioUids: ["1001", "1002"]
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
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 2
      maxIdleTime: 300
      subscribeAudioUids: ["1001", "1002"]
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

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `snapshotConfig` note
- Agora, *Cloud-based screenshot upload* (guide, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/develop/screen-capture — "Considerations"
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription — one list means the other media is
  not subscribed
- Agora, *Capture Screenshots* (the 2020 page, archived):
  https://docs.agora.io/en/cloud-recording/cloud_recording_screen_capture — which spells the field
  `subscribeAudioUid`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import SEED_SINGULAR, SUBSCRIBE, is_snapshot, section

ID = "subscribe-audio-without-video"
CODE = "SNP204"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None or not is_snapshot(doc):
        return
    recording, path = found
    audio = next((n for n in (SUBSCRIBE["audio"], SEED_SINGULAR["audio"]) if n in recording), None)
    if audio is None:
        return
    if SUBSCRIBE["video"] in recording or SEED_SINGULAR["video"] in recording:
        return
    # the seed's singular spelling is already an unknown-field finding at its key (with the
    # rename fix); this finding goes on recordingConfig so that both are shown
    where = (*path, audio) if audio == SUBSCRIBE["audio"] else path
    yield Finding(
        where,
        f"{audio} is set without subscribeVideoUids, so no video is subscribed and no "
        'screenshots are taken; add subscribeVideoUids (for example ["#allstream#"])',
        target="key",
    )
