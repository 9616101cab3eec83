"""A `metadata.labels` key or value does not follow the label syntax.

## What it does
Reports label keys and values that do not follow the Kubernetes label syntax: a key is an optional
DNS-subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` or `.` that starts
and ends with a letter or digit; a value follows the name syntax or is empty. Values are strings.

## Why is this bad?
Labels are used to select jobs; a predictable syntax keeps selectors and exports (CI annotations,
dashboards) working.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels: {"course id": "42"}
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
  labels: {course-id: "42"}
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
snaplint policy: the manifest format `snaplint/v1` takes Kubernetes' label syntax.

- Kubernetes, *Labels: syntax and character set*:
  https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
"""

ID = "label-invalid"
CODE = "SNP104"
SEVERITY = "error"
SCOPE = "schema"
