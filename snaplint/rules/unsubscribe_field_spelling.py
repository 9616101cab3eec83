"""An unsubscribe list is spelt the other way than the selected revision spells it.

## What it does
The documents spell the unsubscribe lists two ways: `unSubscribeAudioUids`/`unSubscribeVideoUids`
(release notes 2020-06-12, the 2022 reference, the subscription guide, the Go and Node clients) and
`unsubscribeAudioUids`/`unsubscribeVideoUids` (the current API reference and the Python client).
Under `api-revision: 2020-10` the first spelling is expected, under `2026-06` the second; the other
one is a warning. Both spellings of one list at once are an error.

## Why is this bad?
Field names are case-sensitive, and which spelling the server accepts (or whether it accepts both)
is unconfirmed. A spelling it does not know is ignored, so the users you meant to leave out are
captured after all.

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
      unsubscribeVideoUids: ["1003"]
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

## Options
None.

## Fix safety
Unsafe (`--unsafe-fixes`): the fix renames the list to the revision's spelling, and which spelling
the server accepts is unconfirmed.

## Source
Revision-dependent; the sources contradict each other, so a warning in both revisions.

- `2020-10`: Agora, *Release notes* (entry of 2020-06-12):
  https://docs.agora.io/en/cloud-recording/overview/release-notes — the lists introduced as
  `unSubscribe…`
- `2020-10`: Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
- `2020-10`: Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
- `2026-06`: Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `unsubscribe…`, as the single-page
  reference
- `2026-06`: Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription — still `unSubscribe…`, as the Go
  and Node.js clients
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix
from snaplint.rules._snap import UNSUBSCRIBE_SPELLINGS, section

ID = "unsubscribe-field-spelling"
CODE = "SNP225"
SEVERITY = "warning"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    for current, seed in UNSUBSCRIBE_SPELLINGS.values():
        preferred, other = (seed, current) if ctx.revision == "2020-10" else (current, seed)
        if preferred in recording and other in recording:
            yield Finding(
                (*path, other),
                f"both {preferred} and {other} are set; they are two spellings of one list, "
                "keep one",
                target="key",
                severity="error",
            )
        elif other in recording:
            fix = Fix(
                f"rename {other} to {preferred}",
                (Edit("rename", (*path, other), new_key=preferred),),
                safe=False,
            )
            yield Finding(
                (*path, other),
                f"the {ctx.revision} revision spells this list {preferred}, not {other}; the "
                "documents disagree and which spelling the server accepts is unconfirmed",
                target="key",
                fix=fix,
            )
