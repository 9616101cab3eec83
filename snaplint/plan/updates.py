"""The ``update`` request body for the fields a plan changes in place (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snaplint.plan.decision import STORAGE_CREDENTIAL_FIELDS, SUBSCRIPTION_FIELDS
from snaplint.plan.jobs import ALL_STREAMS


def update_request(spec: Mapping[str, Any], changed: set[tuple[Any, ...]]) -> dict[str, Any]:
    """The update ``clientRequest`` for the in-place fields that changed.

    ``update`` *replaces* the subscription (reference §4), so both media lists are sent as
    the manifest now wants them; a media type left out ends up unsubscribed, as at start
    (SUB: a list for only one media type means the other is not subscribed at all).
    """
    cr = spec.get("clientRequest") or {}
    out: dict[str, Any] = {}
    if changed & SUBSCRIPTION_FIELDS:
        rc = cr.get("recordingConfig") or {}
        stream_types = rc.get("streamTypes", 2)
        any_list = any(
            k in rc
            for k in (
                "subscribeVideoUids",
                "unsubscribeVideoUids",
                "subscribeAudioUids",
                "unsubscribeAudioUids",
            )
        )
        sub: dict[str, Any] = {}
        for media, key, types in (
            ("Video", "videoUidList", (1, 2)),
            ("Audio", "audioUidList", (0, 2)),
        ):
            if stream_types not in types:
                continue
            if f"subscribe{media}Uids" in rc:
                sub[key] = {f"subscribe{media}Uids": rc[f"subscribe{media}Uids"]}
            elif f"unsubscribe{media}Uids" in rc:
                sub[key] = {f"unsubscribe{media}Uids": rc[f"unsubscribe{media}Uids"]}
            elif not any_list:
                sub[key] = {f"subscribe{media}Uids": [ALL_STREAMS]}
        out["streamSubscribe"] = sub
    if changed & STORAGE_CREDENTIAL_FIELDS:
        out["storageConfig"] = cr.get("storageConfig") or {}
    return out
