"""The file is not valid YAML (or JSON).

## What it does
Reports YAML syntax errors at the line and column where the parser stopped:
bad indentation, tabs used for indentation, unclosed quotes or brackets,
unsupported tags, keys that are not plain strings, recursive aliases.

## Why is this bad?
A manifest that does not parse cannot be checked at all, and a job whose
manifest does not parse is silently missing from every plan.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: "lesson42
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
Files are parsed as YAML 1.1 (libyaml); JSON files as YAML, of which JSON is a subset.

- YAML 1.2.2 specification (2021-10-01): https://yaml.org/spec/1.2.2/
"""

ID = "yaml-syntax"
CODE = "SNP001"
SEVERITY = "error"
SCOPE = "syntax"
