"""A secret field holds a literal value instead of a `${env:NAME}` reference.

## What it does
Reports a literal, non-empty value in any field the schemas mark as secret: the RTC `token`, the
decryption `secret` and `salt`, and the storage `accessKey`, `secretKey` and `stsToken` (in jobs,
raw start bodies and acquire `startParameter`). The message suggests a reference name; the value is
never printed. This rule cannot be suppressed inline (`suppressions.allow` in the config can
permit it, for test fixtures).

## Why is this bad?
A manifest is committed, reviewed, copied into CI logs and pull requests. A credential in it is
leaked to everyone who can read the repository, forever (git history keeps it after you delete the
line). References keep the value in the environment or a secret store, where it can be rotated.

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
      accessKey: AKIAIOSFODNN7EXAMPLE
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

## Fix safety
Unsafe (`--unsafe-fixes`): the fix replaces the value with `${env:NAME}` (a name derived from the
job and the field, e.g. `LESSON42_SHOTS_ACCESS_KEY`), so the value is gone from the file and must
be exported wherever snaplint plans and applies. Rotate the credential too: it is still in your
history.

## Source
snaplint policy (DESIGN: secrets are marked in the schema and never printed or stored). The fields
are the credentials of API-26 start (`token`, `recordingConfig.secret`/`salt`,
`storageConfig.accessKey`/`secretKey`/`stsToken`); REF-22 advises a write-only storage key. Same in
both revisions (reference §2.3, §2.4, §2.6).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.diagnostics import Edit, Finding, Fix, JsonPath
from snaplint.rules._snap import env_name, was_reference

ID = "literal-secret"
CODE = "SNP223"
SEVERITY = "error"
SCOPE = "manifest"
SUPPRESSIBLE = False

_SCHEMA_FOR_KIND = {"job": "snapshot-job", "start": "start-request", "acquire": "acquire-request"}


def _expand(data: Any, pattern: tuple[str, ...], prefix: JsonPath = ()) -> Iterator[JsonPath]:
    """Concrete paths in ``data`` matching a secret-path pattern (``*`` = any key or index)."""
    if not pattern:
        yield prefix
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        items = data.items() if isinstance(data, dict) else enumerate(data or [])
        for key, value in items if isinstance(data, dict | list) else ():
            yield from _expand(value, rest, (*prefix, key))
    elif isinstance(data, dict) and head in data:
        yield from _expand(data[head], rest, (*prefix, head))


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    from snaplint.schema import secret_paths  # cached after the first document

    for pattern in sorted(secret_paths(_SCHEMA_FOR_KIND[doc.kind])):
        for path in _expand(doc.data, pattern):
            value = doc.get(path)
            if not isinstance(value, str) or value == "" or was_reference(doc, path):
                continue
            field = str(path[-1])
            ref = f"${{env:{env_name(doc, field)}}}"
            yield Finding(
                path,
                f"{field} holds a literal secret; keep credentials out of manifests and "
                f"reference them from the environment, e.g. {ref}",
                fix=Fix(
                    f"replace the literal {field} with {ref}", (Edit("set", path, ref),), safe=False
                ),
            )
