"""`avFileType` lists an unknown file type, none, or one twice.

## What it does
Reports a `recordingFileConfig.avFileType` that is empty, repeats an entry, or has an entry other
than `"hls"`, `"mp4"` or (v2) `"mp3"`. Which combinations a mode accepts is a separate rule.

## Why is this bad?
The start call fails with code 2.

## Example
A recording body (screenshot jobs record only under `api-revision: 2026-06`):
```yaml
cname: lesson42
uid: "910001"
clientRequest:
  recordingConfig:
    channelType: 1
    subscribeUidGroup: 0
  recordingFileConfig:
    avFileType: ["m3u8"]
  storageConfig:
    vendor: 1
    region: 0
    bucket: lesson42-recordings
    accessKey: ${env:AWS_ACCESS_KEY_ID}
    secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Use instead
```yaml
cname: lesson42
uid: "910001"
clientRequest:  # snaplint: ignore[snapshot-config-missing] reason="a recording body"
  recordingConfig:
    channelType: 1
    subscribeUidGroup: 0
  recordingFileConfig:
    avFileType: ["hls"]
  storageConfig:
    vendor: 1
    region: 0
    bucket: lesson42-recordings
    accessKey: ${env:AWS_ACCESS_KEY_ID}
    secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingFileConfig.avFileType`
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
- Agora, *Individual recording* (v2, `mode=raw`, published 2026):
  https://docs.agora.io/en/realtime-media/cloud-recording/v1/individual-mode
"""

ID = "av-file-type-invalid"
CODE = "SNP123"
SEVERITY = "error"
SCOPE = "schema"
