"""Coverage rows: The field tables of reference §2.1–§2.5: top level, acquire and start `clientRequest`,
`recordingConfig`, `snapshotConfig`."""

from __future__ import annotations

from snaplint.docgen.coverage.row import PLAN_APPLY, RUN_TIME, Row

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
                ("token-for-another-channel",),
                "literal 006/007 tokens (and references with `--resolve-env`): the channel and uid "
                "they were minted for; the signature can only be verified with the App "
                "Certificate (the emulator does, with `--app-certificate`)",
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
]
