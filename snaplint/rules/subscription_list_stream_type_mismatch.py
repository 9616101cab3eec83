"""A subscription list is set for a media type that `streamTypes` does not subscribe.

## What it does
Reports audio lists (`subscribeAudioUids`, `unsubscribeAudioUids`) with `streamTypes: 1` (video
only), and video lists (`subscribeVideoUids`, `unsubscribeVideoUids`) with `streamTypes: 0` (audio
only). `streamTypes` defaults to 2 (both).

## Why is this bad?
Audio lists are only valid with `streamTypes` 0 or 2, video lists only with 1 or 2. A list for a
media type that is not subscribed is rejected or ignored, which usually means the author expected
a subscription that will not happen.

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
      subscribeAudioUids: ["1001"]
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
      subscribeVideoUids: ["1001", "1002"]
      subscribeAudioUids: ["1001"]
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig`
- Agora, *Update subscription lists* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/update — `audioUidList` only with `streamTypes`
  0 or 2, `videoUidList` only with 1 or 2
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import iter_uid_lists, section, stream_types

ID = "subscription-list-stream-type-mismatch"
CODE = "SNP206"
SEVERITY = "error"
SCOPE = "manifest"

_NOT_SUBSCRIBED = {1: "audio", 0: "video"}
_MEANING = {0: "audio only", 1: "video only"}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    st = stream_types(recording)
    if st not in _NOT_SUBSCRIBED:
        return
    need = "0 or 2" if _NOT_SUBSCRIBED[st] == "audio" else "1 or 2"
    for media, name, _value, list_path in iter_uid_lists(recording, path):
        if media == _NOT_SUBSCRIBED[st]:
            yield Finding(
                list_path,
                f"{name} has no effect with streamTypes {st} ({_MEANING[st]}): {media} lists "
                f"need streamTypes {need}",
                target="key",
            )
