"""The literal RTC token was minted for another channel or uid than the job records with.

## What it does
Decodes a literal `clientRequest.token` (`006` tokens carry checksums of the channel name and the
uid, `007` tokens the names themselves) and flags one that does not admit the job's recorder
`uid` to its `cname`. A token minted for uid 0 admits any uid. A `${env:…}` token is known only
later: run `snaplint lint --resolve-env` to check the token the environment holds. The token
itself is never printed.

## Why is this bad?
An RTC token is bound to one channel and one uid. With the App Certificate enabled, `start`
refuses a token minted for another channel or uid (error 110, token invalid), so the job never
records. It usually means a token was copied from another job.

## Example
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson43
  uid: "910001"
  acquire:
    resourceExpiredHour: 24
  clientRequest:
    token: 007eJxTYCj2Pv7pk5f6i1SnUOXInmkHgiaziTHnX/+ZkMwpdEMszkOBwdLcIDnR2DQl1cwg2cTEzMQ0KSkx1SLRyNDUwMwwydiYoYk5W4CPgcEvcQ8DIxSC+BwMOanFxfl5JkZsDJaGBgYGhgCmXh1f
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
      bucket: lesson43-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Use instead
Let snaplint mint the token for the job's channel and uid at each start:
```yaml
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
spec:
  cname: lesson42
  uid: "910001"
  acquire:
    resourceExpiredHour: 24
  clientRequest:
    token: ${agora:rtc-token}
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
Cloud Recording API reference, start
(https://docs.agora.io/en/cloud-recording/rest-api/start, updated 2026-06-17): `token` is the RTC
token of the recorded channel. Common errors
(https://docs.agora.io/en/cloud-recording/reference/common-errors, 2022-07 to 2026-06): code 110,
token invalid. Authentication workflow
(https://docs.agora.io/en/realtime-media/cloud-recording/build/set-up-authentication/authentication-workflow):
a token is minted for one channel and one uid. That it must be the recording bot's own uid is
standard RTC-token behaviour, not spelled out in the Cloud Recording pages. Same in every
revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.findings.references import is_ref
from snaplint.rules._snap import start_request
from snaplint.rules._token import minted_for, token_binding

ID = "token-for-another-channel"
CODE = "SNP232"
SEVERITY = "error"
SCOPE = "manifest"


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = start_request(doc)
    body = doc.body
    if found is None or not isinstance(body, dict):
        return
    request, path = found
    token, cname, uid = request.get("token"), body.get("cname"), body.get("uid")
    if not isinstance(token, str) or not token.startswith("00"):
        return  # missing, a reference (known later) or not a token format snaplint reads
    if not isinstance(cname, str) or is_ref(cname) or is_ref(uid) or uid is None:
        return
    binding = token_binding(token)
    if binding is None or minted_for(binding, cname, str(uid)) is not False:
        return
    if binding[0] == "names":
        minted = ", ".join(f"channel {c!r} uid {u or 'any'!r}" for c, u in binding[1])
        where = f"; it was minted for {minted}"
    else:
        where = ""
    yield Finding(
        (*path, "token"),
        f"the token does not admit uid {str(uid)!r} to channel {cname!r}{where}: start would "
        "fail with error 110 (token invalid) — mint a token for this channel and uid",
    )
