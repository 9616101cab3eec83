"""The recording bot's own `uid` is in its subscribe lists.

## What it does
Reports an entry of `subscribeVideoUids` or `subscribeAudioUids` equal to the job's (or body's)
`uid`, the UID the recording bot joins the channel with.

## Why is this bad?
The bot's `uid` must not be used by anyone else in the channel: if a user really has that UID, the
bot and the user collide (one of them is kicked out). If no one has it, the entry subscribes nobody,
and a slot of `subscribeUidGroup` is wasted. Either way the author mixed up the two UIDs.

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
      subscribeVideoUids: ["1001", "910001"]
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
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — `uid` must not equal any UID already
  in the channel
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start
- Agora, *Integration best practices* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices — two bots with
  one uid kick each other out
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import SEED_SINGULAR, SUBSCRIBE, known, section

ID = "recorder-uid-subscribed"
CODE = "SNP210"
SEVERITY = "error"
SCOPE = "manifest"

_SUBSCRIBE_LISTS = (*SUBSCRIBE.values(), *SEED_SINGULAR.values())


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    uid = doc.body.get("uid")
    if not isinstance(uid, str) or not known(uid):
        return
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    for name in _SUBSCRIBE_LISTS:
        value = recording.get(name)
        if isinstance(value, list) and uid in value:
            yield Finding(
                (*path, name, value.index(uid)),
                f'"{uid}" in {name} is the recording bot\'s own uid; the bot cannot capture '
                "itself, and a user with that UID would collide with it",
            )
