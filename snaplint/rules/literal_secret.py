"""A secret field holds a literal value instead of a `${env:NAME}` reference.

## What it does
Reports a literal, non-empty value in any field the schemas mark as secret: the RTC `token`, the
decryption `secret` and `salt`, and the storage `accessKey`, `secretKey` and `stsToken` (in jobs,
raw start bodies and acquire `startParameter`), whatever else is wrong with the document. The
message names the credential's shape when it has a well-known one, and suggests a reference
name; the value is never printed. This rule cannot be suppressed inline (`suppressions.allow` in
the config can permit it, for test fixtures).

Shapes it names: AWS access key IDs (`AKIA…`/`ASIA…`, 20 characters) and 40-character secret
keys (AWS, GCS HMAC secrets), Alibaba Cloud AccessKey IDs (`LTAI…`), Google Cloud Storage HMAC
access IDs (`GOOG…`), Azure storage account keys (88 characters of base64 ending in `==`), and
Agora RTC tokens (`006…`, `007…`). Any other literal that is not a placeholder is reported too.
Placeholders (`xxxx`, `***`, `<…>`, `your…`, `changeme`, the vendors' documented example keys
such as `AKIAIOSFODNN7EXAMPLE`: the list is in `placeholder-credential`) are not a leak, and are
left to `placeholder-credential`.

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
      accessKey: AKIAZ3MJQ7T5HWLQ2XRB
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
`placeholders` (list of strings, default `[]`): more values that are placeholders, not secrets
(exact values, or `re:PATTERN`); give `placeholder-credential` the same list so it reports them.

## Fix safety
Unsafe (`--unsafe-fixes`): the fix replaces the value with `${env:NAME}` (a name derived from the
job and the field, e.g. `LESSON42_SHOTS_ACCESS_KEY`), so the value is gone from the file and must
be exported wherever snaplint plans and applies. Rotate the credential too: it is still in your
history.

## Source
snaplint policy: secrets are marked in the schema and never printed or stored; a committed
credential must be moved out of the manifest. Same in both revisions. The fields are the credentials
the API documents:

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `token`, `recordingConfig.secret` and
  `salt`, `storageConfig.accessKey`, `secretKey` and `stsToken`
- Agora, *start* (RESTful API reference, revision of 2022-07-28):
  https://docs.agora.io/en/cloud-recording/reference/rest-api/start — advises a write-only storage
  key
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Edit, Finding, Fix
from snaplint.findings.references import is_ref
from snaplint.rules._credentials import placeholder_kind, secret_fields, shape
from snaplint.rules._snap import env_name, was_reference

ID = "literal-secret"
CODE = "SNP223"
SEVERITY = "error"
SCOPE = "manifest"
SUPPRESSIBLE = False
OPTIONS = {
    "type": "object",
    "properties": {
        "placeholders": {"type": "array", "items": {"type": "string"}, "default": []},
    },
    "additionalProperties": False,
}
# a leaked key is reported whatever else is wrong with the document: given it as written
SEES_TYPE_ERRORS = True


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    for path in secret_fields(doc):
        value = doc.get(path)
        if not isinstance(value, str) or value == "" or was_reference(doc, path):
            continue
        field = str(path[-1])
        if placeholder_kind(value, field, ctx.options.get("placeholders", ())):
            continue  # not a leak: placeholder-credential reports it
        ref = f"${{env:{env_name(doc, field)}}}"
        kind = shape(value)
        yield Finding(
            path,
            f"{field} holds a literal secret{f' ({kind})' if kind else ''}; keep credentials "
            f"out of manifests and reference them from the environment, e.g. {ref}",
            fix=Fix(
                f"replace the literal {field} with {ref}",
                (Edit("set", path, ref),),
                safe=False,
            ),
        )
    yield from _shadowed(doc, ctx)


def _shadowed(doc: Any, ctx: Any) -> Iterator[Finding]:
    """A literal under a secret key that a later duplicate of that key hides from the data: it
    is still committed. Reported here, so that ignoring duplicate-key cannot hide it."""
    if getattr(doc, "unique_keys", False):
        return  # read without libyaml's nodes: it had no duplicate key (and stays fast)
    root = getattr(doc, "root", None)
    for path in secret_fields(doc):
        mapping = _node_at(root, tuple(path[:-1]))
        values = [
            v for k, v in getattr(mapping, "value", ()) if getattr(k, "value", None) == path[-1]
        ]
        for node in values[:-1]:  # the last one is the data, checked above
            value = getattr(node, "value", None)
            if not isinstance(value, str) or value == "" or is_ref(value):
                continue
            if placeholder_kind(value, str(path[-1]), ctx.options.get("placeholders", ())):
                continue
            line = node.start_mark.line + 1
            yield Finding(
                path,
                f"{path[-1]} is written twice, and its first value (line {line}) is a literal "
                "secret: the later value wins, but the literal is still committed; remove it",
            )


def _node_at(root: Any, path: tuple[Any, ...]) -> Any:
    """The YAML node at ``path`` (the last duplicate of a key wins, as in the data)."""
    node = root
    for part in path:
        children = getattr(node, "value", None)
        if not isinstance(children, list):
            return None
        if isinstance(part, int):
            node = children[part] if 0 <= part < len(children) else None
        else:
            found = [
                v
                for k, v in children
                if isinstance(k, object) and getattr(k, "value", None) == part
            ]
            node = found[-1] if found else None
        if node is None:
            return None
    return node
