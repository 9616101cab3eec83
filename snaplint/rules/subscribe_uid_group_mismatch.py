"""`subscribeUidGroup` does not fit the number of users the lists subscribe.

## What it does
When the subscription lists name the users explicitly, compares `subscribeUidGroup` with the size
of the union of subscribed audio and video UIDs (video {100, 101, 102} + audio {101, 102, 103} → 4
users → group 1). A group too small for the users is an error; a larger group is a warning (it
reserves capacity for users added later with `update`). More than 49 users is an error. At 17 and
32 users the sources disagree on the bucket edges; a group that only the older source accepts is a
warning.

## Why is this bad?
The group sizes the recording task. Too small, and users beyond the expected count may not be
captured; too large, and the task reserves resources it does not use.

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
      subscribeVideoUids: ["100", "101", "102"]
      subscribeAudioUids: ["101", "102", "103"]
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
      subscribeVideoUids: ["100", "101", "102"]
      subscribeAudioUids: ["101", "102", "103"]
      subscribeUidGroup: 1
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

## Fix safety
A group too small is fixed safely with the computed group. Lowering a group that is too large is
unsafe (`--unsafe-fixes`): you may have sized it for users you add later with `update`.

## Source
Same in both revisions; where the sources disagree at the edges, a warning. The subscription guide's
"first 17 UIDs" is not enforced: the API reference's 49 is followed.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `subscribeUidGroup` buckets 4 = 18–32
  and 5 = 33–49 UIDs, counting the union of audio and video UIDs
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — prints 4 = 17–32 and 5 = 32–49
- Agora's official Python REST client (commit 5278dec, 2024-04-15; built from the Chinese docs):
  https://github.com/AgoraIO-Community/agora-rest-client-python — prints 4 = 17–32 and 5 = 32–49
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix
from snaplint.rules._snap import (
    GROUP_RANGES_API26,
    GROUP_RANGES_REF22,
    GROUP_TEXT,
    MAX_SUBSCRIBED,
    groups_for,
    section,
    subscribed_count,
)

ID = "subscribe-uid-group-mismatch"
CODE = "SNP209"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    group = recording.get("subscribeUidGroup")
    if not isinstance(group, int) or isinstance(group, bool) or group not in GROUP_TEXT:
        return
    count = subscribed_count(recording)
    if count is None:
        return
    where = (*path, "subscribeUidGroup")
    users = f"{count} user{'s' if count != 1 else ''}"
    if count > MAX_SUBSCRIBED:
        yield Finding(
            where,
            f"the lists subscribe {users}, more than the {MAX_SUBSCRIBED} an individual-mode "
            "task can take; split the users over several jobs",
        )
        return
    if group in groups_for(count, GROUP_RANGES_API26):
        return
    expected = min(groups_for(count, GROUP_RANGES_API26))

    def fix(safe: bool) -> Fix:
        return Fix(f"set subscribeUidGroup to {expected}", (Edit("set", where, expected),), safe)

    if group in groups_for(count, GROUP_RANGES_REF22):
        yield Finding(
            where,
            f"subscribeUidGroup {group} for {users} follows the older bucket edges (REF-22: "
            f"4 = 17-32, 5 = 32-49); the API reference puts {count} in group {expected} "
            f"({GROUP_TEXT[expected]}), which every source accepts",
            severity="warning",
            fix=fix(safe=group < expected),
        )
    elif group < expected:
        yield Finding(
            where,
            f"subscribeUidGroup {group} is for {GROUP_TEXT[group]} users, but the lists subscribe "
            f"{users}; use {expected} ({GROUP_TEXT[expected]})",
            fix=fix(safe=True),
        )
    else:
        yield Finding(
            where,
            f"subscribeUidGroup {group} reserves capacity for {GROUP_TEXT[group]} users, but the "
            f"lists subscribe {users}; {expected} ({GROUP_TEXT[expected]}) is enough unless you "
            "add users later with update",
            severity="warning",
            fix=fix(safe=False),
        )
