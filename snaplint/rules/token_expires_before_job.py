"""The RTC token will expire before the job's expected life is over.

## What it does
Decodes a literal `clientRequest.token` (Agora's `006` and `007` token formats carry their expiry
in clear) and warns when it expires before the job's expected life, counted from the time of
linting: `spec.acquire.resourceExpiredHour` when the job sets it (how long you plan to manage the
session), otherwise the `expected-life-hours` option. A `${env:…}` token is known only later: run
`snaplint lint --resolve-env` to check the token the environment holds. The token itself is never
printed.

## Why is this bad?
The token cannot be refreshed during a task. When it expires the bot leaves the channel and the
job silently stops taking screenshots (error 109). Tokens are valid for at most 24 hours, so a job
meant to run longer needs a token minted right before each start.

## Example
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
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
```

## Use instead
Mint the token right before start and pass it by reference:
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
    token: ${env:LESSON42_RTC_TOKEN}
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
`expected-life-hours` (number, default 1): the expected life of a job that does not set
`spec.acquire.resourceExpiredHour`.

## Source
Same in both revisions.

- Agora, *Start a cloud recording* (REST API reference, updated 2026-06-17):
  https://docs.agora.io/en/cloud-recording/rest-api/start — `token` cannot be refreshed during a
  task; the bot leaves when it expires
- Agora, *Common errors* (2022-07 revision, retired 2026-06-17):
  https://docs.agora.io/en/cloud-recording/reference/common-errors — code 109, token expired
- Agora, *Authentication workflow* (tokens, as of the 2026-06-17 documentation):
  https://docs.agora.io/en/realtime-media/cloud-recording/build/set-up-authentication/authentication-workflow
  — tokens last at most 24 hours
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._snap import start_request
from snaplint.rules._token import token_expiry

ID = "token-expires-before-job"
CODE = "SNP222"
SEVERITY = "warning"
SCOPE = "manifest"
OPTIONS = {
    "type": "object",
    "properties": {"expected-life-hours": {"type": "number", "exclusiveMinimum": 0, "default": 1}},
    "additionalProperties": False,
}


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    found = start_request(doc)
    if found is None:
        return
    request, path = found
    token = request.get("token")
    if not isinstance(token, str) or not token.startswith("00"):
        return  # missing, a reference (known later) or not a token format snaplint reads
    expiry = token_expiry(token)
    if expiry is None:
        return
    acquire = doc.acquire_request or {}
    hours = acquire.get("resourceExpiredHour")
    if isinstance(hours, int) and not isinstance(hours, bool) and hours > 0:
        life, why = hours, "resourceExpiredHour"
    else:
        life, why = ctx.options.get("expected-life-hours", 1), "expected-life-hours"
    now = ctx.now.timestamp()
    when = datetime.fromtimestamp(expiry, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if expiry <= now:
        message = (
            f"the token expired at {when}; the bot cannot join the channel (error 109) — "
            "mint a new token right before start"
        )
    elif expiry < now + life * 3600:
        message = (
            f"the token expires at {when}, {(expiry - now) / 3600:.1f} hours from now, before "
            f"the job's expected life of {life:g} hours ({why}); tokens cannot be refreshed "
            "during a task, so the bot would leave the channel"
        )
    else:
        return
    yield Finding((*path, "token"), message)
