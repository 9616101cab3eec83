"""`metadata.name` is not a lowercase DNS label.

## What it does
Reports a job name that is empty, longer than 63 characters, or uses anything but `a-z`, `0-9` and
`-` (starting and ending with a letter or digit).

## Why is this bad?
The name is the job's stable identity in plans and state, and appears in file names and URLs; a DNS
label is safe everywhere.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: Lesson42_Shots
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
snaplint policy: the manifest format `snaplint/v1` names jobs as Kubernetes names objects, so a name
is safe in state keys, file names and URLs.

- Kubernetes, *DNS label names*:
  https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
"""

ID = "job-name-invalid"
CODE = "SNP103"
SEVERITY = "error"
SCOPE = "schema"
