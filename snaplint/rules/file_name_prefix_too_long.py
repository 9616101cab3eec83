"""The joined `fileNamePrefix` is longer than 128 characters.

## What it does
Joins the elements of `storageConfig.fileNamePrefix` with `/`, as the service does to build the
object key prefix, and reports a result longer than 128 characters. (Each element's characters are
checked by `file-name-prefix-invalid`.)

## Why is this bad?
The prefix, slashes included, is limited to 128 characters; a longer one is rejected at start, so
the job takes no screenshots.

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
      fileNamePrefix:
        - screenshotsOfTheMathematicsLessonsOfTheAutumnTermTwentyTwentySix
        - teacherAndStudentCamerasCapturedEveryFifteenSecondsDuringClass
        - forContentModerationReviewByTheSafetyTeam
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
      fileNamePrefix: ["maths", "autumn", "moderation"]
```

## Options
None.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `storageConfig.fileNamePrefix`: at most
  128 characters including slashes
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import known, section

ID = "file-name-prefix-too-long"
CODE = "SNP219"
SEVERITY = "error"
SCOPE = "manifest"

LIMIT = 128


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "storageConfig")
    if found is None:
        return
    storage, path = found
    prefix = storage.get("fileNamePrefix")
    if not isinstance(prefix, list) or not all(isinstance(p, str) and known(p) for p in prefix):
        return  # a reference has an unknown length
    length = len("/".join(prefix))
    if length > LIMIT:
        yield Finding(
            (*path, "fileNamePrefix"),
            f"fileNamePrefix joined with slashes is {length} characters long; the limit is {LIMIT}",
            target="key",
        )
