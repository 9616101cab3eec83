"""A subscribe list and an unsubscribe list are both set for the same media type.

## What it does
Reports `unsubscribeAudioUids` next to `subscribeAudioUids`, and `unsubscribeVideoUids` next to
`subscribeVideoUids` (either spelling of the unsubscribe lists).

## Why is this bad?
The two lists of one media type are mutually exclusive: one says "only these", the other "everyone
but these". The request is rejected, or one list is silently ignored and the bot subscribes other
users than you meant.

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
      unSubscribeVideoUids: ["1003"]
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

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — subscribe and unsubscribe lists are
  exclusive
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import SEED_SINGULAR, SUBSCRIBE, UNSUBSCRIBE_SPELLINGS, section

ID = "subscription-lists-conflict"
CODE = "SNP205"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    for media in ("audio", "video"):
        sub = next((n for n in (SUBSCRIBE[media], SEED_SINGULAR[media]) if n in recording), None)
        if sub is None:
            continue
        for unsub in UNSUBSCRIBE_SPELLINGS[media]:
            if unsub in recording:
                yield Finding(
                    (*path, unsub),
                    f"{unsub} cannot be combined with {sub}: list the users to subscribe, or "
                    "the users to leave out, not both",
                    target="key",
                )
