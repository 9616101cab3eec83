"""`maxIdleTime` is below the recommended 300 seconds (or not set, so 30).

## What it does
Reports, in a job or a body with `snapshotConfig`, a `recordingConfig.maxIdleTime` from 5 seconds
up to the recommendation (values outside 5–2592000 are reported by `max-idle-time-out-of-range`),
and a missing `maxIdleTime`, which means the default of 30 seconds.

## Why is this bad?
When the channel has no user (communication profile) or no host (live profile) for `maxIdleTime`
seconds, the bot leaves and the task ends; a restart creates a new session and new files. With the
default 30 seconds a short network drop or a break ends the job. The integration checklist
recommends 300 seconds, and longer than any planned break.

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
      maxIdleTime: 30
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
`recommended` (integer, default 300): the lowest `maxIdleTime` that is not reported.

## Source
Same in both revisions.

- Agora, *Integration best practices* (as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices — checklist
  item 10: `maxIdleTime` 300 s, longer than planned breaks
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — default 30, what counts as idle
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_snapshot, section

ID = "max-idle-time-below-recommendation"
CODE = "SNP224"
SEVERITY = "info"
SCOPE = "manifest"
OPTIONS = {
    "type": "object",
    "properties": {"recommended": {"type": "integer", "minimum": 5, "default": 300}},
    "additionalProperties": False,
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None or not is_snapshot(doc):
        return
    recording, path = found
    recommended = ctx.options.get("recommended", 300)
    if "maxIdleTime" not in recording:
        if any(k.lower() == "maxidletime" for k in recording):
            return  # misspelt: unknown-field reports it and offers the rename
        yield Finding(
            path,
            "maxIdleTime is not set, so the bot leaves after the default 30 idle seconds; the "
            f"best practices recommend at least {recommended} (and longer than any planned break)",
            target="key",
        )
        return
    value = recording["maxIdleTime"]
    if isinstance(value, int) and not isinstance(value, bool) and 5 <= value < recommended:
        yield Finding(
            (*path, "maxIdleTime"),
            f"maxIdleTime {value} ends the job after {value} idle seconds; the best practices "
            f"recommend at least {recommended} (and longer than any planned break)",
        )
