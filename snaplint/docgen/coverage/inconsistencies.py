"""Coverage rows: Reference §9: where the documentation contradicts itself, and which rule settles each
item (every item has a row)."""

from __future__ import annotations

from snaplint.docgen.coverage.row import PLAN_APPLY, RUN_TIME, Row

SECTIONS: list[tuple[str, list[Row]]] = [
    (
        "§9 Documentation inconsistencies",
        [
            Row(
                "§9 #1",
                "`captureInterval` lower bound 1 vs 5",
                ("capture-interval-below-documented-minimum",),
                "error in 2020-10, warning in 2026-06",
            ),
            Row(
                "§9 #2",
                "`unsubscribe…` vs `unSubscribe…`",
                ("unsubscribe-field-spelling",),
                "warning; the revision picks the expected spelling",
            ),
            Row(
                "§9 #3",
                'SHOT\'s "do not set recordingFileConfig" vs required with recording',
                ("recording-file-config-with-snapshot",),
                "settled by the release notes: error in 2020-10, allowed in 2026-06",
            ),
            Row(
                "§9 #4",
                "subscribeUidGroup buckets 4 = 18–32 vs 17–32, 5 = 33–49 vs 32–49",
                ("subscribe-uid-group-mismatch",),
                "warning at the edges",
            ),
            Row(
                "§9 #5",
                "web-mode `cname` 1024 vs 128 bytes",
                ("snapshot-mode-unsupported",),
                "not applicable to snapshot jobs",
            ),
            Row(
                "§9 #6",
                "`maxIdleTime` upper bound 2592000 vs the typo 259200",
                ("max-idle-time-out-of-range",),
                "the reference settles it as a typo: 2592000",
            ),
            Row(
                "§9 #7",
                "stop key `playload` vs `payload`",
                (),
                f"{RUN_TIME}: a response field, read by the API client",
            ),
            Row(
                "§9 #8",
                "`sliceStartTime` seconds vs milliseconds",
                (),
                f"{RUN_TIME}: a response field",
            ),
            Row(
                "§9 #9",
                "`region` (string) vs `regionAffinity` (number)",
                ("region-affinity-with-region", "region-affinity-invalid"),
                "a warning when both are set",
            ),
            Row(
                "§9 #10",
                "`storageConfig` required in update (REF-24) vs optional",
                (),
                f"{PLAN_APPLY}",
            ),
            Row(
                "§9 #11",
                '`sse`/`tag` "required" vs examples omitting them',
                ("storage-sse-invalid", "extension-param-wrong-vendor"),
                "not required (see §2.6); their values and vendors are checked",
            ),
            Row(
                "§9 #12",
                "Baidu region 0; Azure/Google region ignored vs = 0",
                ("storage-region-undocumented",),
                "revision-dependent; Baidu 0 is a warning",
            ),
            Row(
                "§9 #13",
                "Kingsoft/Qiniu advertised but not in the vendor enum",
                ("storage-vendor-invalid",),
            ),
            Row(
                "§9 #14",
                '"first 17 UIDs" (SUB) vs up to 49',
                (),
                "not enforced (unconfirmed which applies to screenshots); the API reference's 49 is followed by subscribe-uid-group-mismatch",
            ),
            Row("§9 #15", "event 13 referenced but not defined", (), f"{RUN_TIME}: notifications"),
            Row(
                "§9 #16",
                "Content-Type with or without charset",
                (),
                f"{RUN_TIME}: the API client sends `application/json;charset=utf-8`",
            ),
            Row(
                "§9 #17",
                "start within 2 s vs 5 min",
                (),
                f"{PLAN_APPLY}: apply starts right after acquire",
            ),
            Row(
                "§9 #18",
                '`uploadingStatus` "unknow" vs "unknown"',
                (),
                f"{RUN_TIME}: a response field",
            ),
        ],
    ),
]
