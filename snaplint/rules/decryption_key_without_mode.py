"""A decryption `secret` or `salt` is set that the `decryptionMode` does not use.

## What it does
Reports `recordingConfig.secret` or `salt` when `decryptionMode` is 0 or missing (no decryption),
and `salt` when `decryptionMode` is 1 to 6 (only modes 7 and 8 take a salt).

## Why is this bad?
A key without a mode is ignored: the bot treats the channel as unencrypted. When the channel really
is encrypted, the author forgot `decryptionMode`, and every stream the bot receives is undecodable.

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
      decryptionMode: 6
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

## Options
None.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig`: `decryptionMode`
  defaults to 0, none; `secret` for modes other than 0, `salt` for 7 and 8
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import section

ID = "decryption-key-without-mode"
CODE = "SNP212"
SEVERITY = "warning"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = section(doc, "recordingConfig")
    if found is None:
        return
    recording, path = found
    mode = recording.get("decryptionMode", 0)
    if not isinstance(mode, int) or isinstance(mode, bool):
        return  # a reference: the mode is known later
    if mode == 0:
        for field in ("secret", "salt"):
            if field in recording:
                yield Finding(
                    (*path, field),
                    f"{field} is set but decryptionMode is "
                    f"{'0' if 'decryptionMode' in recording else 'not set (0)'}, so it is "
                    "ignored; set decryptionMode to the SDK's encryption mode, or remove it",
                    target="key",
                )
    elif mode < 7 and "salt" in recording:
        yield Finding(
            (*path, "salt"),
            f"salt is only used by decryptionMode 7 and 8, not {mode}; it is ignored",
            target="key",
        )
