"""`decryptionMode` is set without the `secret` (or, for modes 7 and 8, the `salt`) it needs.

## What it does
Reports a `recordingConfig.decryptionMode` other than 0 without a non-empty `secret`, and
`decryptionMode` 7 (AES_128_GCM2) or 8 (AES_256_GCM2) without a non-empty `salt`.

## Why is this bad?
The bot decrypts the channel's streams with the key (and salt) the SDK encrypted them with.
Without them the start request is rejected, or the bot receives streams it cannot decode and
every screenshot is lost.

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
      decryptionMode: 8
      secret: ${env:CHANNEL_SECRET}
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
      decryptionMode: 8
      secret: ${env:CHANNEL_SECRET}
      salt: ${env:CHANNEL_SALT}
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
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig`: `secret` required
  when `decryptionMode` is not 0, `salt` when it is 7 or 8
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import is_int, section

ID = "decryption-key-missing"
CODE = "SNP211"
SEVERITY = "error"
SCOPE = "manifest"

MODES = {
    1: "AES_128_XTS",
    2: "AES_128_ECB",
    3: "AES_256_XTS",
    4: "SM4_128_ECB",
    5: "AES_128_GCM",
    6: "AES_256_GCM",
    7: "AES_128_GCM2",
    8: "AES_256_GCM2",
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    mode = recording.get("decryptionMode")
    if not is_int(mode) or mode not in MODES:
        return
    name = f"decryptionMode {mode} ({MODES[mode]})"
    for field, needed in (("secret", True), ("salt", mode in (7, 8))):
        if needed and recording.get(field) in (None, ""):
            what = "the key" if field == "secret" else "the salt"
            yield Finding(
                (*path, "decryptionMode"),
                f"{name} needs {field}: {what} the channel is encrypted with, as set in the SDK",
            )
