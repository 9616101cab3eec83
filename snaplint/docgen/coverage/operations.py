"""Coverage rows: Reference §3–§8: query, errors, limits and notifications; update in place; the
lifecycle; Individual Recording v2 (`mode: raw`)."""

from __future__ import annotations

from snaplint.docgen.coverage.row import PLAN_APPLY, RUN_TIME, Row

SECTIONS: list[tuple[str, list[Row]]] = [
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
]
