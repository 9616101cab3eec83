"""`salt` is not the Base64 encoding of 32 bytes.

## What it does
Reports a literal `recordingConfig.salt` that is not 44 Base64 characters ending in `=` (32 bytes).
References (`${env:NAME}`) are checked only with `--resolve-env`.

## Why is this bad?
The GCM2 modes (7, 8) derive the key with this salt; a salt of another length cannot match the SDK's
and the streams cannot be decrypted.

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
      salt: c2FsdA==
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
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `recordingConfig.salt`: Base64, 32 bytes
"""

ID = "decryption-salt-invalid"
CODE = "SNP111"
SEVERITY = "error"
SCOPE = "schema"
