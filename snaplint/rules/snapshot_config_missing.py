"""A start request has no `snapshotConfig`: it is a recording body, not a snapshot job.

## What it does
Reports a `SnapshotJob`, or a raw `start` body, whose `clientRequest` has no `snapshotConfig`, at
the `clientRequest` key. A body with `recordingFileConfig` and no `snapshotConfig` gets the same
finding with a hint for a recording that was meant to take screenshots too. Acquire bodies are not
reported (their `startParameter` is optional), nor raw bodies linted with `--mode mix` or `web`
(modes without screenshots: the body is a recording). To lint an individual-mode recording body,
ignore this rule for it (`# snaplint: ignore[snapshot-config-missing] reason="…"` on the
`clientRequest` line, or `per-file-ignores`).

## Why is this bad?
Without `snapshotConfig` Cloud Recording records audio and video files instead of taking
screenshots: the job starts, is billed, and never uploads a single JPG. A recording body pasted
into a snapshot project is the most common way this happens, and nothing else in it is wrong.

## Example
```yaml
cname: lesson42
uid: "910001"
clientRequest:
  recordingConfig:
    channelType: 1
    streamTypes: 1
    maxIdleTime: 300
    subscribeVideoUids: ["1001", "1002"]
    subscribeUidGroup: 0
  storageConfig:
    vendor: 1
    region: 0
    bucket: lesson42-shots
    accessKey: ${env:AWS_ACCESS_KEY_ID}
    secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Use instead
```yaml
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
Agora Cloud Recording, "Cloud-based screenshot upload"
(https://docs.agora.io/en/cloud-recording/develop/screen-capture, 2024-01 to 2026-06-17): screenshots
are taken when `start` carries `snapshotConfig`; and the `start` API reference
(https://docs.agora.io/en/cloud-recording/rest-api/start, last updated 2026-06-17).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding

ID = "snapshot-config-missing"
CODE = "SNP230"
SEVERITY = "error"
SCOPE = "manifest"

# URL modes without screenshots: a raw body linted with --mode mix or web is a recording
_RECORDING_MODES = ("mix", "web")
_LINT_AS_RECORDING = (
    "or lint it as a recording (--mode mix or web, or ignore snapshot-config-missing for it)"
)


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    if doc.kind not in ("job", "start"):
        return
    if doc.kind == "start" and ctx.mode_of(doc) in _RECORDING_MODES:
        return  # started in a mode that takes no screenshots: linted as a recording
    request = doc.start_request
    if request is None or "snapshotConfig" in request:
        return  # no clientRequest (or not a mapping) is another rule's finding
    if "recordingFileConfig" in request:
        message = (
            "this is a recording body (recordingFileConfig without snapshotConfig): add "
            'snapshotConfig (e.g. fileType: ["jpg"]) to take screenshots in the same session, '
            + _LINT_AS_RECORDING
        )
    else:
        message = (
            'this is a recording body: add snapshotConfig (e.g. fileType: ["jpg"]), '
            + _LINT_AS_RECORDING
        )
    yield Finding(doc.start_request_path, message, target="key")
