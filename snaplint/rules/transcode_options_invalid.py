"""A `transcodeOptions` value is not one of its documented strings.

## What it does
Reports `transcodeOptions` values outside their documented sets: `transConfig.transMode`
(`postponeTranscoding`, `audioMix`), `container.format` (`mp4`, `mp3`, `m4a`, `aac`),
`audio.sampleRate` (`"48000"`, `"32000"`, `"16000"`), `audio.bitrate` (`"48000"`), `audio.channels`
(`"1"`, `"2"`). The audio values are strings, not numbers. Snapshot jobs should not set
`transcodeOptions` at all (a separate rule).

## Why is this bad?
The start call fails with code 2.

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
    transcodeOptions:
      transConfig:
        transMode: transcode
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

## Source
- Agora, *RESTful API* (single-page reference, revision before 2025-04-10):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — `transcodeOptions`, documented
  until 2025-04-10
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start
"""

ID = "transcode-options-invalid"
CODE = "SNP135"
SEVERITY = "error"
SCOPE = "schema"
