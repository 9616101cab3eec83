"""Two jobs capture the same users' video in the same channel.

## What it does
For jobs (and raw start bodies) with the same App ID and `cname` but different recorder `uid`s,
compares the video subscriptions (explicit lists, `["#allstream#"]`, everyone-but lists) and warns
when they overlap, naming the shared UIDs.

## Why is this bad?
Each job is its own task: a user both subscribe is captured twice, every screenshot is uploaded
twice, and both sessions are billed. Splitting a channel over several jobs (to stay under
`subscribeUidGroup` limits, or to store users apart) needs disjoint lists.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-teacher
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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-everyone
spec:
  cname: lesson42
  uid: "910002"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["#allstream#"]
      subscribeUidGroup: 2
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
  name: lesson42-teacher
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
---
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-others
spec:
  cname: lesson42
  uid: "910002"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      unSubscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 2
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — one task per appid + cname + uid;
  subscription lists
- Agora, *Pricing* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/overview/pricing — each screenshot task is billed
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding, JsonPath
from snaplint.rules._project import RECORDER_KEY_FIELDS, label, recorder_key, where
from snaplint.rules._snap import (
    SUBSCRIBE,
    UNSUBSCRIBE_SPELLINGS,
    Subscription,
    section,
    stream_types,
    subscription,
)

ID = "overlapping-capture"
CODE = "SNP302"
SEVERITY = "warning"
SCOPE = "project"
# the project stage keeps only these fields of each job (see snaplint.findings.rule)
PROJECT_FIELDS = (
    *RECORDER_KEY_FIELDS,
    *(
        (*body, "clientRequest", "recordingConfig", name)
        for body in ((), ("spec",))
        for name in (
            "streamTypes",
            "subscribeVideoUids",
            "subscribeVideoUid",
            "unsubscribeVideoUids",
            "unSubscribeVideoUids",
        )
    ),
)


def _video(doc: Any) -> tuple[Subscription, JsonPath] | None:
    """Whose video the job subscribes, and where to point: its video list, else recordingConfig."""
    found = section(doc, "recordingConfig")
    if found is None:
        return None
    recording, path = found
    if stream_types(recording) not in (1, 2):
        return None
    sub = subscription(recording, "video")
    if sub.kind not in ("explicit", "all"):
        return None
    listed = [n for n in (SUBSCRIBE["video"], *UNSUBSCRIBE_SPELLINGS["video"]) if n in recording]
    return sub, (*path, listed[0]) if listed else path


def _overlap(a: Subscription, b: Subscription) -> str | None:
    """The shared users as a message fragment, or None when the two are disjoint."""
    if a.kind == "explicit" and b.kind == "explicit":
        shared = a.uids & b.uids
    elif a.kind == "explicit":
        shared = a.uids - b.uids
    elif b.kind == "explicit":
        shared = b.uids - a.uids
    else:
        return "every user neither job leaves out"
    if not shared:
        return None
    return "UID" + ("s " if len(shared) > 1 else " ") + ", ".join(sorted(shared, key=_uid_order))


def _uid_order(uid: str) -> tuple[int, str]:
    return (int(uid), uid) if uid.isdigit() else (0, uid)


def project_key(doc: Any, ctx: Any) -> tuple[str | None, str] | None:
    """Jobs and start bodies recording one channel (of one App ID)."""
    key = recorder_key(doc, ctx.default_app_id)
    return None if key is None else (key[0], key[1])


def check(docs: Iterable[Any], ctx: Any) -> Iterator[tuple[Any, Finding]]:
    # most channels are recorded by one job: only channels with several are looked at closer
    channels: dict[tuple[str | None, str], list[tuple[int, Any, tuple[str | None, str, str]]]] = {}
    for position, doc in enumerate(docs):
        key = recorder_key(doc, ctx.default_app_id)
        if key is not None:
            channels.setdefault((key[0], key[1]), []).append((position, doc, key))
    shared = sorted(entry for group in channels.values() if len(group) > 1 for entry in group)
    seen: dict[tuple[str | None, str], list[tuple[Any, Subscription, str]]] = {}
    for _position, doc, key in shared:
        video = _video(doc)
        if video is None:
            continue
        app, cname, uid = key
        sub, path = video
        for other, other_sub, other_uid in seen.get((app, cname), []):
            if other_uid == uid:
                continue  # the same recorder: duplicate-recorder reports it
            shared = _overlap(sub, other_sub)
            if shared is None:
                continue
            yield (
                doc,
                Finding(
                    path,
                    f"this job and {label(other)} ({where(other, (*other.body_path, 'cname'))}) "
                    f'both capture {shared} in channel "{cname}": every screenshot is taken, '
                    "uploaded and billed twice",
                    target="key",
                ),
            )
            break
        seen.setdefault((app, cname), []).append((doc, sub, uid))
