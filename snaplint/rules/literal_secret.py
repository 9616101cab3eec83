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
from functools import cache
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix, JsonPath
from snaplint.rules._snap import env_name, was_reference

ID = "literal-secret"
CODE = "SNP223"
SEVERITY = "error"
SCOPE = "manifest"
SUPPRESSIBLE = False
# a leaked key is reported whatever else is wrong with the document: given it as written
SEES_TYPE_ERRORS = True

_SCHEMA_FOR_KIND = {"job": "snapshot-job", "start": "start-request", "acquire": "acquire-request"}


@cache
def _trie(kind: str) -> dict[str, Any]:
    """The secret paths of a document kind as a tree: one walk visits each mapping once."""
    from snaplint.findings.schemafiles import secret_paths

    root: dict[str, Any] = {}
    for pattern in secret_paths(_SCHEMA_FOR_KIND[kind]):
        node = root
        for part in pattern:
            node = node.setdefault(part, {})
        node[_LEAF] = True
    return root


_LEAF = "\0leaf"


def _secret_paths(data: Any, trie: dict[str, Any]) -> list[JsonPath]:
    """Paths in ``data`` of the fields the trie marks (``*`` = any key or index)."""
    found: list[JsonPath] = []
    stack: list[tuple[Any, dict[str, Any], JsonPath]] = [(data, trie, ())]
    while stack:
        node, sub, path = stack.pop()
        for part, child in sub.items():
            if part == _LEAF:
                found.append(path)
            elif part == "*":
                if isinstance(node, dict):
                    stack.extend((v, child, (*path, k)) for k, v in node.items())
                elif isinstance(node, list):
                    stack.extend((v, child, (*path, i)) for i, v in enumerate(node))
            elif isinstance(node, dict) and part in node:
                stack.append((node[part], child, (*path, part)))
    return found


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    for path in _secret_paths(doc.data, _trie(doc.kind)):
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
                f"replace the literal {field} with {ref}",
                (Edit("set", path, ref),),
                safe=False,
            ),
        )
