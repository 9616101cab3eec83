"""Coverage rows: Reference §10: the checkable rules R1–R20 (every one has a row)."""

from __future__ import annotations

from snaplint.docgen.coverage.row import PLAN_APPLY, RUN_TIME, Row

SECTIONS: list[tuple[str, list[Row]]] = [
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
