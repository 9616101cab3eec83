"""A `${env:NAME}` reference names an unset environment variable.

## What it does
With `--resolve-env`, reports every `${env:NAME}` reference whose variable is not set or is empty, at the reference (an empty value is never a valid token, key or setting: it is how an unconfigured CI secret arrives).

## Why is this bad?
apply would send the literal text `${env:NAME}` (or nothing) to Agora: the session fails to start or uploads with wrong credentials.

## Example
```yaml
# case: {"resolve-env": true}
# (that is: snaplint lint --resolve-env)
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    token: ${env:SNAPLINT_DOC_EXAMPLE_UNSET_TOKEN}
```

## Use instead
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Options
None.

## Source
snaplint policy: the `${env:NAME}` reference syntax, only checked with `--resolve-env`; the
referenced values are the credentials of:

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `token` and the `storageConfig` keys
"""

ID = "env-reference-unset"
CODE = "SNP007"
SEVERITY = "error"
SCOPE = "syntax"
