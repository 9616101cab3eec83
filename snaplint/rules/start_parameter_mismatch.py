"""An acquire body's `startParameter` differs from the start body it belongs to.

## What it does
Pairs each raw acquire body that has `clientRequest.startParameter` with the raw start bodies and
jobs of the project that have the same `cname` and `uid`, and reports the first field where the
`startParameter` differs from the start `clientRequest`.

## Why is this bad?
When acquire is sent a `startParameter`, it must be identical to the later start `clientRequest`.
An inconsistent one does not fail acquire, but makes the start fail — minutes later, in another
call, where the cause is hard to see.

## Example
```yaml
# case: {"mode": "individual"}
cname: lesson42
uid: "910001"
clientRequest:
  resourceExpiredHour: 24
  startParameter:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 120
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
---
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
# case: {"mode": "individual"}
cname: lesson42
uid: "910001"
clientRequest:
  resourceExpiredHour: 24
  startParameter:
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
---
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
Same in both revisions.

- Agora, *Acquire a resource* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/acquire — `startParameter`, if sent, must match
  the start `clientRequest`
- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start
- Agora, *RESTful API* (single-page reference, last revision 2026-06-10, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/restful-api — acquire response table: an
  invalid `startParameter` does not fail acquire but makes start fail
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding, JsonPath, json_path_text
from snaplint.rules._project import label, where

ID = "start-parameter-mismatch"
CODE = "SNP303"
SEVERITY = "error"
SCOPE = "project"
# the project stage keeps only these fields of each job; the start request of a job that an
# acquire body points at is read through doc.full() (see snaplint.findings.rule)
PROJECT_FIELDS = (
    ("metadata", "name"),
    ("spec", "cname"),
    ("spec", "uid"),
    ("cname",),
    ("uid",),
    ("clientRequest",),
)

_MISSING = object()


def _first_difference(a: Any, b: Any, path: JsonPath = ()) -> JsonPath | None:
    """The first path (in a's key order, then b's) where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            found = _first_difference(a.get(key, _MISSING), b.get(key, _MISSING), (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, (*path, i))
            if found is not None:
                return found
        return None
    same = a == b and type(a) is type(b)
    return None if same else path


def _channel(doc: Any) -> tuple[Any, Any]:
    base = doc.body_path  # leaf reads (see _project.recorder_key); values are schema-typed
    return doc.get((*base, "cname")), doc.get((*base, "uid"))


def project_key(doc: Any, ctx: Any) -> tuple[Any, Any] | None:
    """Acquire bodies with a startParameter and the starts of their channel and uid."""
    if doc.kind in ("job", "start") or (doc.kind == "acquire" and doc.start_request is not None):
        return _channel(doc)
    return None


def check(docs: Iterable[Any], ctx: Any) -> Iterator[tuple[Any, Finding]]:
    docs = list(docs)
    starts: dict[tuple[Any, Any], list[Any]] = {}
    for doc in docs:
        if doc.kind in ("job", "start"):
            starts.setdefault(_channel(doc), []).append(doc)
    for doc in docs:
        if doc.kind != "acquire" or doc.start_request is None:
            continue
        candidates = starts.get(_channel(doc), [])
        # rare (an acquire body next to its start): only now read the whole start request
        partners = [p.full() for p in candidates if p.full().start_request is not None]
        if not partners:
            continue
        differences = [(p, _first_difference(doc.start_request, p.start_request)) for p in partners]
        if any(diff is None for _, diff in differences):
            continue  # one of the start bodies is exactly this startParameter
        partner, diff = differences[0]
        assert diff is not None
        field = json_path_text(diff) if diff else "the whole request"
        yield (
            doc,
            Finding(
                doc.start_request_path,
                f"startParameter differs from the start request of {label(partner)} "
                f"({where(partner, partner.start_request_path)}) at {field}: acquire accepts "
                "it, but the start then fails; send the same clientRequest, or no "
                "startParameter",
                target="key",
            ),
        )
