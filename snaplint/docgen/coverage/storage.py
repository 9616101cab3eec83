"""Coverage rows: Reference §2.6–§2.7: `storageConfig` and the vendor → region table."""

from __future__ import annotations

from snaplint.docgen.coverage.row import PLAN_APPLY, RUN_TIME, Row

SECTIONS: list[tuple[str, list[Row]]] = [
    (
        "§2.6–§2.7 `storageConfig` and the vendor → region table",
        [
            Row(
                "§2.6",
                "`vendor` required: 1, 2, 3, 5, 6, 7, 8 or 11",
                ("missing-field", "storage-vendor-invalid"),
            ),
            Row(
                "§2.6 / §9 #13",
                "0 Qiniu and 4 Kingsoft are no longer in the enum",
                ("storage-vendor-invalid",),
            ),
            Row(
                "§2.6–§2.7",
                "`region` required and valid for the vendor",
                ("missing-field", "storage-region-invalid-for-vendor"),
            ),
            Row(
                "§2.7 / §9 #12",
                "Azure/Google `region = 0` (2025-12) vs ignored; Baidu 0 Beijing (REF-22 only)",
                ("storage-region-undocumented",),
                "revision-dependent",
            ),
            Row("§2.7", "S3-compatible (11): `region = 0`", ("storage-region-invalid-for-vendor",)),
            Row(
                "§2.6",
                "`region` in the same area as the server that sends the request",
                (),
                f"{RUN_TIME}: where snaplint runs is not in the manifest; the acquire region is "
                "compared instead",
            ),
            Row("§2.6", "`bucket` required, not empty", ("missing-field", "storage-value-empty")),
            Row(
                "§2.6",
                "`bucket` follows the vendor's naming rules",
                (),
                "not checked: the vendors' own rules are not part of the reference",
            ),
            Row(
                "§2.6",
                "`accessKey`, `secretKey` required, not empty",
                ("missing-field", "storage-value-empty"),
            ),
            Row(
                "§2.6",
                "`accessKey`, `secretKey`, `stsToken` are credentials",
                ("literal-secret", "placeholder-credential"),
            ),
            Row(
                "§2.6",
                "prefer a write-only access key",
                (),
                f"{RUN_TIME}: a key's permissions live at the vendor",
            ),
            Row("§2.6", "`stsToken` only for vendors 1, 2, 3", ("sts-token-unsupported-vendor",)),
            Row(
                "§2.6",
                "`stsExpiration` Unix seconds",
                ("sts-expiration-invalid", "sts-expiration-too-soon"),
            ),
            Row("§2.6", "`stsExpiration` at least 4 hours ahead", ("sts-expiration-too-soon",)),
            Row(
                "§2.6",
                "tasks over an hour refresh the STS token every 60 minutes with update",
                (),
                f"{PLAN_APPLY}: storage credentials are the documented in-place update",
            ),
            Row(
                "§2.6",
                "`fileNamePrefix` elements letters and digits only",
                ("file-name-prefix-invalid",),
            ),
            Row(
                "§2.6",
                "`fileNamePrefix` joined with `/` at most 128 characters",
                ("file-name-prefix-too-long",),
            ),
            Row("§2.6", '`extensionParams.sse` "kms" or "aes256"', ("storage-sse-invalid",)),
            Row(
                "§2.6",
                "`sse` only for Amazon S3; `tag` only for Amazon S3 and Alibaba Cloud",
                ("extension-param-wrong-vendor",),
            ),
            Row(
                "§2.6", "vendor 11 needs `extensionParams.endpoint`", ("storage-endpoint-missing",)
            ),
            Row(
                "§2.6",
                "`endpoint` not empty; only for vendor 11",
                ("storage-value-empty", "extension-param-wrong-vendor"),
            ),
            Row(
                "§2.6 / §9 #11",
                '`sse` and `tag` marked "required" inside `extensionParams`, examples omit them',
                (),
                "not enforced: the schema keeps them optional, following the official examples "
                "(REG, V2); a finding would fire on every published example",
            ),
        ],
    ),
]
