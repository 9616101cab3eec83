"""`#allstream#` is combined with UIDs, or used in an unsubscribe list.

## What it does
Reports a subscription list that holds `"#allstream#"` next to other entries, and an unsubscribe
list (`unsubscribeAudioUids`, `unsubscribeVideoUids`, either spelling) that holds `"#allstream#"`.

## Why is this bad?
`["#allstream#"]` means "everyone" and is documented only as the whole of a subscribe list. Next to
UIDs it is ambiguous (everyone, or only those?); in an unsubscribe list it would leave out
everyone, so nothing is captured.

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
      subscribeVideoUids: ["#allstream#", "1001"]
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
      subscribeVideoUids: ["#allstream#"]
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `["#allstream#"]` subscribes all streams
- Agora, *Update subscription lists* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/update
- Agora, *Set subscription lists* (guide, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/cloud-recording/develop/subscription
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import ALLSTREAM, UNSUBSCRIBE_SPELLINGS, iter_uid_lists, section

ID = "allstream-misused"
CODE = "SNP207"
SEVERITY = "error"
SCOPE = "manifest"

_UNSUBSCRIBE = {name for names in UNSUBSCRIBE_SPELLINGS.values() for name in names}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    for _media, name, value, list_path in iter_uid_lists(recording, path):
        if not isinstance(value, list) or ALLSTREAM not in value:
            continue
        if name in _UNSUBSCRIBE:
            yield Finding(
                (*list_path, value.index(ALLSTREAM)),
                f'"#allstream#" in {name} would leave out everyone; list the UIDs to leave out',
            )
        elif len(value) > 1:
            yield Finding(
                list_path,
                f'"#allstream#" must be the only entry of {name} (got {len(value)} entries): '
                'use ["#allstream#"] for everyone, or list the UIDs',
            )
