"""Which rule checks each constraint of the API reference, or why none can before run time.

One row per constraint of the reference catalogue (``reference/agora-cloud-recording.md``): the
field tables of §2, update (§4), lifecycle (§5), the documentation inconsistencies (§9) and the
checkable rules R1–R20 (§10). ``docs/rules.md`` ends with this table, and a test checks that every
rule named here exists, that every manifest, project and schema rule is named somewhere, and that
every §9 item and R1–R20 has a row.

A row names the rules that check it (``rules``), a note (``note``) saying how — or, for a
constraint no rule can check, why: the fact is known only at run time (the channel's users, the
App Certificate), it is an operation rather than a manifest property (plan and apply perform it),
or the reference leaves it unconfirmed.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    ref: str  # where in the reference: "§2.4", "§9 #3", "R7"
    constraint: str
    rules: tuple[str, ...] = ()
    note: str = ""


RUN_TIME = "run time"
PLAN_APPLY = "plan/apply"

SECTIONS: list[tuple[str, list[Row]]] = [
    (
        "§2.1 Top level (acquire, start, update, stop)",
        [
            Row("§2.1", "`cname` is a required string", ("missing-field", "wrong-type")),
            Row(
                "§2.1",
                "`cname` shorter than 64 bytes, only letters, digits, space and the listed symbols",
                ("cname-invalid",),
            ),
            Row(
                "§2.1 / §9 #5",
                "web mode: `cname` up to 1024 bytes (API-26) vs 128 (REF-22, PY)",
                ("snapshot-mode-unsupported", "cname-invalid"),
                "not applicable: a snapshot job cannot use web mode, and the individual-mode "
                "limit (< 64 bytes) applies",
            ),
            Row(
                "§2.1",
                "start/update/stop `cname` and `uid` equal the acquire values",
                (),
                f"{PLAN_APPLY}: a job has one `cname` and `uid`, which apply sends in every call. "
                "Which raw acquire and start bodies belong together is decided when they are sent; "
                "`start-parameter-mismatch` pairs them by cname and uid",
            ),
            Row(
                "§2.1",
                '`uid` a decimal string 1–4294967295, not "0", no user accounts',
                ("uid-invalid", "wrong-type"),
            ),
            Row(
                "§2.1",
                "`uid` must not equal any UID already in the channel",
                ("recorder-uid-subscribed", "duplicate-recorder"),
                "partly: the bot's uid in its own subscribe lists, and two jobs with one uid; "
                f"the channel's other users are known only at {RUN_TIME}",
            ),
            Row(
                "§2.1",
                "appid + cname + uid identify one recording instance (record a channel twice "
                "with two uids)",
                ("duplicate-recorder",),
            ),
            Row("§2.1", "`clientRequest` required (start/update/stop)", ("missing-field",)),
        ],
    ),
    (
        "§2.2 acquire `clientRequest`",
        [
            Row("§2.2", "`scene` is 0, 1 or 2", ("acquire-scene-invalid",)),
            Row("§2.2", "`scene` 0 for snapshots", ("acquire-scene-not-snapshot",)),
            Row(
                "§2.2 / §8.1", "`scene` has no effect in v2 (`raw`)", ("field-removed-in-raw-mode",)
            ),
            Row(
                "§2.2",
                "`resourceExpiredHour` a whole number of hours, 1–720",
                ("resource-expired-hour-out-of-range", "wrong-type"),
            ),
            Row(
                "§2.2",
                "after `resourceExpiredHour` no query/update/stop; the recording keeps running",
                ("token-expires-before-job",),
                f"{PLAN_APPLY} (refresh reports such sessions); the hours are also the job's "
                "expected life for the token check",
            ),
            Row(
                "§2.2",
                "`excludeResourceIds` resourceIds of other tasks",
                ("wrong-type",),
                f"a list of strings; the resourceIds themselves exist only at {RUN_TIME}",
            ),
            Row("§2.2", '`region` is "CN", "AP", "EU" or "NA"', ("acquire-region-invalid",)),
            Row(
                "§2.2",
                "storage region in the same area as the acquire `region`",
                ("storage-region-outside-acquire-region",),
                "a warning; regions outside the four areas and vendors without named regions "
                "are not compared",
            ),
            Row(
                "§2.2", "`regionAffinity` 0–4 (client libraries only)", ("region-affinity-invalid",)
            ),
            Row(
                "§2.2",
                "`startParameter` has the fields of the start `clientRequest`",
                ("unknown-field", "missing-field"),
                "validated with the start schema, and every manifest rule reads it as the start "
                "request",
            ),
            Row(
                "§2.2 / §1.3",
                "`startParameter` identical to the later start `clientRequest`",
                ("start-parameter-mismatch",),
            ),
        ],
    ),
    (
        "§2.3 start `clientRequest`",
        [
            Row(
                "§2.3",
                "`token` required when the App Certificate is enabled",
                (),
                f"{RUN_TIME}: whether the App Certificate is on is a console setting, not in the "
                "manifest (start fails with code 110 / 401)",
            ),
            Row(
                "§2.3",
                "`token` minted for the bot's own uid (UNCONFIRMED)",
                (),
                "not checked: unconfirmed in the reference, and a token's signature can only be "
                "verified with the App Certificate",
            ),
            Row(
                "§2.3",
                "`token` cannot be refreshed: it must outlive the session (≤ 24 h)",
                ("token-expires-before-job",),
                "literal tokens, and references with `--resolve-env`",
            ),
            Row("§2.3", "`token` is a credential", ("literal-secret", "placeholder-credential")),
            Row(
                "§2.3",
                "`recordingConfig` required (individual/mix)",
                ("missing-field",),
                "required with `snapshotConfig`; mix-mode raw bodies are outside snaplint's scope",
            ),
            Row("§2.3", "`snapshotConfig` required for screenshots", ("snapshot-config-missing",)),
            Row("§2.3", "`snapshotConfig` only in individual mode", ("snapshot-mode-unsupported",)),
            Row("§2.3", "`storageConfig` required", ("missing-field",)),
            Row(
                "§2.3",
                "`recordingFileConfig` forbidden for screenshot-only, required for recording + "
                "screenshots",
                ("recording-file-config-with-snapshot",),
                "revision-dependent",
            ),
            Row(
                "§2.3",
                '`avFileType` entries "hls", "mp4" (and v2 "mp3"), not empty, no repeats',
                ("av-file-type-invalid",),
            ),
            Row(
                "§2.3",
                '`["mp4"]` alone is an error; mp4 only for mix/web in v1; mp3 only in v2',
                ("av-file-type-unsupported",),
            ),
            Row(
                "§2.3",
                "`extensionServiceConfig` must not be set (web only; v2 rejects it)",
                ("field-not-for-snapshot-jobs", "extension-service-invalid"),
            ),
            Row(
                "§2.3",
                "`appsCollection`, `transcodeOptions` must not be set (removed 2025-04)",
                (
                    "field-not-for-snapshot-jobs",
                    "apps-collection-invalid",
                    "transcode-options-invalid",
                ),
            ),
        ],
    ),
    (
        "§2.4 `recordingConfig`",
        [
            Row(
                "§2.4", "`channelType` required, 0 or 1", ("missing-field", "channel-type-invalid")
            ),
            Row(
                "§2.4",
                "`channelType` matches the channel profile of the RTC clients",
                (),
                f"{RUN_TIME}: the clients' profile is not in the manifest",
            ),
            Row("§2.4", "`streamTypes` 0, 1 or 2", ("stream-types-invalid",)),
            Row("§2.4", "`streamTypes` 1 or 2 for snapshots", ("snapshot-without-video-stream",)),
            Row("§2.4", "`decryptionMode` 0–8", ("decryption-mode-invalid",)),
            Row(
                "§2.4",
                "`decryptionMode` equals the SDK's encryption mode",
                ("decryption-key-without-mode",),
                f"{RUN_TIME}; a key without a mode is reported as a likely omission",
            ),
            Row("§2.4", "`secret` required when `decryptionMode` ≠ 0", ("decryption-key-missing",)),
            Row(
                "§2.4",
                "`salt` required when `decryptionMode` is 7 or 8",
                ("decryption-key-missing",),
            ),
            Row("§2.4", "`salt` is Base64 of 32 bytes", ("decryption-salt-invalid",)),
            Row(
                "§2.4",
                "`secret` and `salt` are credentials",
                ("literal-secret", "placeholder-credential"),
            ),
            Row("§2.4", "`maxIdleTime` 5–2592000 seconds", ("max-idle-time-out-of-range",)),
            Row(
                "§2.4",
                "`maxIdleTime` 300 s recommended (BP), longer than planned breaks",
                ("max-idle-time-below-recommendation",),
            ),
            Row("§2.4", "`videoStreamType` 0 or 1", ("video-stream-type-invalid",)),
            Row(
                "§2.4",
                'UID lists: at most 32 entries, strings, or exactly ["#allstream#"]',
                ("subscription-list-too-long", "subscription-uid-invalid", "allstream-misused"),
            ),
            Row("§2.4", "UID lists not empty", ("subscription-list-empty",)),
            Row(
                "§2.4",
                "subscribe and unsubscribe lists of one media type are exclusive",
                ("subscription-lists-conflict",),
            ),
            Row(
                "§2.4",
                "audio lists only with `streamTypes` 0/2, video lists only with 1/2",
                ("subscription-list-stream-type-mismatch",),
            ),
            Row(
                "§2.4",
                "snapshot: `subscribeAudioUids` requires `subscribeVideoUids`",
                ("subscribe-audio-without-video",),
            ),
            Row(
                "§2.4",
                "a list for one media type only: the other is not subscribed",
                ("subscribe-audio-without-video", "subscribe-uid-group-mismatch"),
                "used to count subscribed users",
            ),
            Row(
                "§2.4",
                "`subscribeUidGroup` required in individual mode",
                ("subscribe-uid-group-missing",),
            ),
            Row("§2.4", "`subscribeUidGroup` 0–5", ("subscribe-uid-group-invalid",)),
            Row(
                "§2.4",
                "`subscribeUidGroup` fits the union of subscribed audio and video UIDs (max 49)",
                ("subscribe-uid-group-mismatch",),
                "when the lists are explicit",
            ),
            Row("§2.4", "`streamMode` default, standard or original", ("stream-mode-invalid",)),
            Row(
                "§2.4",
                "`streamMode: original` takes no screenshots",
                ("stream-mode-original-with-snapshot",),
            ),
            Row(
                "§2.4 / §8.1", "`streamMode` removed in v2 (`raw`)", ("field-removed-in-raw-mode",)
            ),
            Row(
                "§2.4",
                "`audioProfile` composite only",
                ("field-not-for-snapshot-jobs", "audio-profile-invalid"),
            ),
            Row(
                "§2.4",
                "`transcodingConfig` composite only, with its layout limits",
                ("field-not-for-snapshot-jobs", "transcoding-config-invalid"),
                "each side ≤ 1920 and the layout values; the w×h ≤ 1920×1080 area of composite "
                "recordings is not checked (composite mode is outside snaplint's scope)",
            ),
            Row(
                "§2.4",
                "field names are case-sensitive",
                ("unknown-field", "unsubscribe-field-spelling"),
            ),
        ],
    ),
    (
        "§2.5 `snapshotConfig`",
        [
            Row(
                "§2.5",
                "`captureInterval` an integer, 1–3600 in any source",
                ("capture-interval-out-of-range", "wrong-type"),
            ),
            Row(
                "§2.5",
                "`captureInterval` at least 5 (API-26) vs 1 (SHOT)",
                ("capture-interval-below-documented-minimum",),
                "revision-dependent",
            ),
            Row(
                "§2.5",
                '`fileType` required and exactly ["jpg"]',
                ("missing-field", "file-type-not-jpg", "wrong-type"),
            ),
            Row("§2.5", "URL mode `individual` (v2 `raw`)", ("snapshot-mode-unsupported",)),
            Row(
                "§2.5 / §5",
                "the mode cannot change after start",
                (),
                f"{PLAN_APPLY}: a changed mode is a replace (stop, then acquire and start)",
            ),
            Row(
                "§2.5",
                "screenshots fail when recording or upload fails; none while a user sends no video",
                (),
                f"{RUN_TIME} behaviour, not a manifest property",
            ),
            Row(
                "§2.5",
                "screenshot-only billing; free with a recording in the same task",
                ("overlapping-capture",),
                "billing itself is not a constraint; double capture (and billing) is warned about",
            ),
        ],
    ),
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
    (
        "§3 query, §6 errors, §7 limits and notifications",
        [
            Row(
                "§3",
                "query statuses, response shapes, screenshot file names",
                (),
                f"{PLAN_APPLY}: refresh reads them; the emulator produces them",
            ),
            Row(
                "§6",
                "HTTP statuses and body codes, retries",
                (),
                f"{RUN_TIME}: the API client handles them",
            ),
            Row(
                "§7.1",
                "QPS 10 per App ID; concurrent-worker and stream-count limits",
                (),
                f"{RUN_TIME}: apply's rate limiter; concurrency depends on what else runs",
            ),
            Row(
                "§7.1",
                "subscription lists ≤ 32; subscribeUidGroup max 49",
                ("subscription-list-too-long", "subscribe-uid-group-mismatch"),
            ),
            Row(
                "§7.3–§7.4",
                "high availability, notifications",
                (),
                f"{RUN_TIME} behaviour",
            ),
        ],
    ),
    (
        "§4 update: what changes in place",
        [
            Row(
                "§4",
                "`audioUidList` only with `streamTypes` 0/2, `videoUidList` only with 1/2; lists "
                "≤ 32, exclusive, `#allstream#` alone",
                (
                    "subscription-list-stream-type-mismatch",
                    "subscription-list-too-long",
                    "subscription-lists-conflict",
                    "allstream-misused",
                ),
                "apply builds update bodies from the job's lists, which these rules check",
            ),
            Row(
                "§4",
                "an update never leaves an audio list without a video list (snapshots)",
                ("subscribe-audio-without-video",),
                "checked on the desired job",
            ),
            Row(
                "§4",
                "an update replaces the subscription; updates are serial; only while active",
                (),
                f"{PLAN_APPLY}",
            ),
            Row(
                "§4 / §9 #10",
                "`storageConfig` in update: required (REF-24) vs optional (API-26)",
                (),
                f"{PLAN_APPLY}: apply sends it only to refresh credentials",
            ),
            Row(
                "§4",
                "only subscription lists and storage credentials change in place; everything "
                "else is a replace",
                (),
                f"{PLAN_APPLY}: the plan's update/replace decision",
            ),
        ],
    ),
    (
        "§5 Lifecycle",
        [
            Row(
                "§5 / §9 #17",
                "start within 5 minutes of acquire (ideally 2 s); acquire and start in pairs",
                (),
                f"{PLAN_APPLY}: apply acquires right before each start, never in a plan",
            ),
            Row(
                "§5",
                "resourceId mismatch (432, 1001, 1003); start twice (201/7)",
                (),
                f"{PLAN_APPLY}",
            ),
            Row(
                "§5",
                "a second task with the same cname + uid fails with 53 (task conflict)",
                ("duplicate-recorder",),
                f"two jobs in the project; a task started elsewhere is known only at {RUN_TIME}",
            ),
            Row(
                "§5",
                "stop semantics (async_stop, 49, 404, 435); a new acquire to record again",
                (),
                f"{PLAN_APPLY}",
            ),
            Row(
                "§5",
                "auto-stop after `maxIdleTime` idle seconds",
                ("max-idle-time-below-recommendation",),
            ),
            Row("§5", "auto-stop when the token expires", ("token-expires-before-job",)),
            Row(
                "§5",
                "auto-stop after a 4th HA migration; `resourceExpiredHour` does not stop a task",
                (),
                f"{RUN_TIME} behaviour",
            ),
        ],
    ),
    (
        "§8.1 Individual Recording v2 (`mode: raw`)",
        [
            Row(
                "§8.1",
                "`raw` accepted (2026 docs), not in the seed revision",
                ("snapshot-mode-unsupported", "mode-invalid"),
                "revision-dependent",
            ),
            Row("§8.1", "`streamMode` removed; `scene` ignored", ("field-removed-in-raw-mode",)),
            Row("§8.1", "`extensionServiceConfig` rejected", ("field-not-for-snapshot-jobs",)),
            Row("§8.1", '`avFileType` ["hls", "mp4"] or ["mp3"]', ("av-file-type-unsupported",)),
        ],
    ),
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
    (
        "§10 Checkable rules R1–R20",
        [
            Row(
                "R1",
                "URL mode individual (or raw in v2) with `snapshotConfig`",
                ("snapshot-mode-unsupported", "mode-invalid"),
            ),
            Row("R2", '`fileType` present and ["jpg"]', ("missing-field", "file-type-not-jpg")),
            Row(
                "R3",
                "`captureInterval` integer 5–3600 (warn 1–4)",
                ("capture-interval-out-of-range", "capture-interval-below-documented-minimum"),
            ),
            Row(
                "R4",
                "`streamTypes` 1 or 2",
                ("stream-types-invalid", "snapshot-without-video-stream"),
            ),
            Row(
                "R5",
                "`subscribeAudioUids` ⇒ `subscribeVideoUids`",
                ("subscribe-audio-without-video",),
            ),
            Row(
                "R6",
                "recordingFileConfig per revision; avFileType default, no mp4 alone",
                (
                    "recording-file-config-with-snapshot",
                    "av-file-type-invalid",
                    "av-file-type-unsupported",
                ),
            ),
            Row(
                "R7",
                "`subscribeUidGroup` present (individual), 0–5, consistent",
                (
                    "subscribe-uid-group-missing",
                    "subscribe-uid-group-invalid",
                    "subscribe-uid-group-mismatch",
                ),
            ),
            Row(
                "R8",
                "UID lists ≤ 32, not empty, UIDs or #allstream#; exclusivity; streamTypes",
                (
                    "subscription-list-too-long",
                    "subscription-list-empty",
                    "subscription-uid-invalid",
                    "allstream-misused",
                    "subscription-lists-conflict",
                    "subscription-list-stream-type-mismatch",
                ),
            ),
            Row("R9", "`channelType` present, 0 or 1", ("missing-field", "channel-type-invalid")),
            Row(
                "R10",
                "`decryptionMode` 0–8; secret; salt",
                ("decryption-mode-invalid", "decryption-key-missing", "decryption-salt-invalid"),
            ),
            Row("R11", "`maxIdleTime` 5–2592000", ("max-idle-time-out-of-range",)),
            Row("R12", "`videoStreamType` 0 or 1", ("video-stream-type-invalid",)),
            Row(
                "R13",
                "`streamMode` default/standard for snapshots; absent in raw",
                (
                    "stream-mode-invalid",
                    "stream-mode-original-with-snapshot",
                    "field-removed-in-raw-mode",
                ),
            ),
            Row(
                "R14",
                "no audioProfile, transcodingConfig, extensionServiceConfig, appsCollection, transcodeOptions",
                ("field-not-for-snapshot-jobs",),
            ),
            Row(
                "R15",
                "storage vendor, region, non-empty keys, STS, endpoint, sse, tag",
                (
                    "storage-vendor-invalid",
                    "storage-region-invalid-for-vendor",
                    "storage-value-empty",
                    "sts-token-unsupported-vendor",
                    "sts-expiration-too-soon",
                    "storage-endpoint-missing",
                    "storage-sse-invalid",
                    "extension-param-wrong-vendor",
                ),
            ),
            Row(
                "R16",
                "`fileNamePrefix` elements and joined length",
                ("file-name-prefix-invalid", "file-name-prefix-too-long"),
            ),
            Row(
                "R17",
                "cname and uid formats; same in every call",
                ("cname-invalid", "uid-invalid", "duplicate-recorder"),
                f"same values in every call: {PLAN_APPLY}",
            ),
            Row(
                "R18",
                "acquire: resourceExpiredHour, scene 0, region, startParameter = start",
                (
                    "resource-expired-hour-out-of-range",
                    "acquire-scene-not-snapshot",
                    "acquire-region-invalid",
                    "start-parameter-mismatch",
                ),
            ),
            Row(
                "R19",
                "lifecycle: timing, one start per resourceId, stop once, serial updates",
                (),
                f"{PLAN_APPLY}",
            ),
            Row(
                "R20",
                "HTTPS, Basic auth, exact field casing, status handling",
                ("unknown-field",),
                f"field casing by unknown-field; the rest is {RUN_TIME} (API client)",
            ),
        ],
    ),
]

# snaplint's own rules that enforce no reference constraint: the loader, suppressions, the
# manifest format. The coverage test does not expect them in the table.
OWN_RULES = frozenset(
    {
        "yaml-syntax",
        "duplicate-key",
        "unreadable-file",
        "file-too-large",
        "empty-file",
        "unknown-document",
        "env-reference-unset",
        "job-name-invalid",
        "label-invalid",
        "duplicate-job-name",
        "unused-suppression",
        "suppression-missing-reason",
        "suppression-expired",
        "invalid-suppression",
    }
)


def all_rows() -> list[Row]:
    return [row for _title, rows in SECTIONS for row in rows]
