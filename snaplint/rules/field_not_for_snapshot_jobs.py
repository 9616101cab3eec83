"""A snapshot job carries a field of another recording mode or of a removed feature.

## What it does
Reports, in a job or a body with `snapshotConfig`: `recordingConfig.audioProfile` and
`recordingConfig.transcodingConfig` (composite mode only), `extensionServiceConfig` (web page
recording only; Individual Recording v2 rejects it), and `appsCollection` / `transcodeOptions`
(postponed transcoding, removed from the documentation on 2025-04-10).

## Why is this bad?
Individual-mode snapshot sessions do not use these settings: the 2022 reference says they "cannot
be set" in individual mode, v2 rejects the request, and the postponed-transcoding fields belong to a
feature that no longer exists. At best they are ignored; at worst start fails.

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
      audioProfile: 1
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

## Fix safety
Unsafe (`--unsafe-fixes`): the fix deletes the field, and with it settings you may have meant for
another job.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `audioProfile` and `transcodingConfig`:
  composite mode; `extensionServiceConfig`: web page recording
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — "cannot be set" in individual
  mode
- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode — rejects
  `extensionServiceConfig`
- Agora, *RESTful API* (single-page reference, revision before 2025-04-10):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — `appsCollection` and
  `transcodeOptions`, removed 2025-04-10
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix
from snaplint.rules._snap import is_snapshot, start_request

ID = "field-not-for-snapshot-jobs"
CODE = "SNP214"
SEVERITY = "error"
SCOPE = "manifest"

_RECORDING_FIELDS = {
    "audioProfile": "composite (mix) mode only",
    "transcodingConfig": "composite (mix) mode only",
}
_REQUEST_FIELDS = {
    "extensionServiceConfig": "web page recording only",
    "appsCollection": "postponed transcoding, removed from the documentation on 2025-04-10",
    "transcodeOptions": "postponed transcoding, removed from the documentation on 2025-04-10",
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = start_request(doc)
    if found is None or not is_snapshot(doc):
        return
    request, path = found
    places = [(request, path, _REQUEST_FIELDS)]
    recording = request.get("recordingConfig")
    if isinstance(recording, dict):
        places.insert(0, (recording, (*path, "recordingConfig"), _RECORDING_FIELDS))
    for mapping, where, fields in places:
        for field, why in fields.items():
            if field in mapping:
                yield Finding(
                    (*where, field),
                    f"{field} is not for individual-mode snapshot jobs ({why}); remove it",
                    target="key",
                    fix=Fix(f"remove {field}", (Edit("delete", (*where, field)),), safe=False),
                )
