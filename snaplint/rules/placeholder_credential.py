"""A credential field still holds a documentation placeholder.

## What it does
Reports a secret field (the RTC `token`, the decryption `secret` and `salt`, the storage
`accessKey`, `secretKey` and `stsToken`) whose value is a placeholder rather than a credential
or a `${env:NAME}` reference:

- masked values: `xxxx…` (four or more x's first), `***` (three or more asterisks anywhere), `•••`;
- templates: `<…>` (such as `<your_storage_access_key>`, `<token if any>`), `{{…}}`, `[…]`;
- words to replace: `your…` / `YOUR_…` / `yourKey`, `changeme`, `replaceme`, `placeholder`,
  `dummy`, `todo`, `fixme`, `none`, `null`, `redacted`;
- an empty string in `accessKey`, `secretKey` or `stsToken` (an empty `token` is what a channel
  without an App Certificate takes, and an empty decryption key is `decryption-key-missing`;
  an empty `accessKey`/`secretKey` is reported once, by `storage-value-empty`);
- the vendors' documented example keys: AWS `AKIAIOSFODNN7EXAMPLE`,
  `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, `AKIAI44QH8DHBEXAMPLE`,
  `je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY`, `ASIAIOSFODNN7EXAMPLE` (and any key ending in
  `EXAMPLE` or `EXAMPLEKEY`), the GCS HMAC example key pair, and the Azure Storage emulator's
  well-known account key.

The value is not printed. `literal-secret` does not report these: a placeholder leaks nothing.

## Why is this bad?
The job cannot work: with a placeholder key the upload is refused and every screenshot is lost;
with a placeholder token the recording bot cannot join the channel. It is not a leak, so it is
a warning of its own rather than a security finding.

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
      accessKey: "<your_storage_access_key>"
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
`placeholders` (list of strings, default `[]`): more placeholder values, exact or `re:PATTERN`
(a regular expression searched in the value). Give `literal-secret` the same list.

## Source
Agora Cloud Recording `start` API reference (https://docs.agora.io/en/cloud-recording/rest-api/start,
last updated 2026-06-17): `token` (required when the App Certificate is enabled) and
`storageConfig.accessKey`/`secretKey` (required); the example keys are those of AWS's IAM user
guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html), Google Cloud's HMAC
keys page (https://cloud.google.com/storage/docs/authentication/hmackeys) and the Azurite
emulator (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding
from snaplint.rules._credentials import placeholder_kind, secret_fields
from snaplint.rules._snap import env_name, was_reference

ID = "placeholder-credential"
CODE = "SNP231"
SEVERITY = "warning"
SCOPE = "manifest"
# a placeholder is told by its value as written, whatever else is mistyped
SEES_TYPE_ERRORS = True
OPTIONS = {
    "type": "object",
    "properties": {
        "placeholders": {"type": "array", "items": {"type": "string"}, "default": []},
    },
    "additionalProperties": False,
}

# what the job cannot do without the credential
_CANNOT = {"token": "cannot join the channel", "secret": "cannot decrypt the channel"}
_CANNOT["salt"] = _CANNOT["secret"]


def check(doc: Any, ctx: Any) -> Iterator[Finding]:
    extra = ctx.options.get("placeholders", ())
    for path in secret_fields(doc):
        value = doc.get(path)
        if not isinstance(value, str) or was_reference(doc, path):
            continue
        field = str(path[-1])
        kind = placeholder_kind(value, field, extra)
        if kind is None:
            continue
        cannot = _CANNOT.get(field, "cannot upload")
        yield Finding(
            path,
            f"placeholder left in: the job {cannot} ({field} is {kind}); set the real value "
            f"from the environment, e.g. ${{env:{env_name(doc, field)}}}",
        )
