"""Body validation as the service does it: the first problem becomes ``400 {code, reason}``.

Rules come from the reference §2 (field catalogue), §1.3–§1.8 and §4; codes from §6.2: code 2
for an invalid parameter (wrong type, unknown or mis-cased field, out of range, missing
required field, mode/body mismatch), acquire's ``400 {code: 401, "invalid_channel_name"}``
(ERR-26) and ``400 {code: 2, "Acquire: invalid resourceExpiredHour value!"}`` (ERR-26).

Where sources disagree and the reference marks the server's value UNCONFIRMED, the emulator
takes the current API reference (API-26) and stays lenient otherwise:

- ``captureInterval`` range [5, 3600] (API-26; SHOT says [1, 3600]);
- both ``unsubscribe…`` and ``unSubscribe…`` casings are accepted (§2.4);
- Baidu (vendor 8) region 0 is still accepted (§2.7);
- ``extensionParams.sse``/``tag`` are optional (§2.6 note).

Reasons name the field and, for non-secret fields, the offending value; secret values (token,
keys, decryption secret/salt) are never echoed.
"""

from __future__ import annotations

import re
from typing import Any

from snaplint.agora.fields import ACQUIRE_KEYS, START_KEYS
from snaplint.agora.filenames import MAX_PREFIX_LENGTH

MAX_UID = 2**32 - 1
ALL_STREAMS = "#allstream#"
MODES = ("individual", "mix", "web", "raw")
SNAPSHOT_MODES = ("individual", "raw")

# Channel-name rules (reference §2.1; ERR-old code 1013; PY errors.py): < 64 bytes.
_CNAME_RE = re.compile(r"^[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]+$")
MAX_CNAME_BYTES = 63
_PREFIX_RE = re.compile(r"^[A-Za-z0-9]+$")

# Vendor → valid storage region codes (reference §2.7).
VENDOR_REGIONS: dict[int, frozenset[int]] = {
    1: frozenset([*range(0, 17), 18, 19, 20, 21, 22, 24, 25]),
    2: frozenset(range(0, 28)),
    3: frozenset(range(0, 20)),
    5: frozenset({0}),
    6: frozenset({0}),
    7: frozenset(range(0, 16)),
    8: frozenset(range(0, 8)),  # 0 (Beijing) dropped from the current table; UNCONFIRMED → kept
    11: frozenset({0}),
}
STS_VENDORS = frozenset({1, 2, 3})
ACQUIRE_REGIONS = ("CN", "AP", "EU", "NA")

_TOP_KEYS = frozenset({"cname", "uid", "clientRequest"})
AUDIO_LISTS = ("subscribeAudioUids", "unsubscribeAudioUids", "unSubscribeAudioUids")
VIDEO_LISTS = ("subscribeVideoUids", "unsubscribeVideoUids", "unSubscribeVideoUids")
_RECORDING_KEYS = frozenset(
    {
        "channelType",
        "streamTypes",
        "decryptionMode",
        "secret",
        "salt",
        "maxIdleTime",
        "videoStreamType",
        "subscribeUidGroup",
        "streamMode",
        "audioProfile",
        "transcodingConfig",
        *AUDIO_LISTS,
        *VIDEO_LISTS,
    }
)
_STORAGE_KEYS = frozenset(
    {
        "vendor",
        "region",
        "bucket",
        "accessKey",
        "secretKey",
        "stsToken",
        "stsExpiration",
        "fileNamePrefix",
        "extensionParams",
    }
)
_UPDATE_KEYS = frozenset(
    {"streamSubscribe", "storageConfig", "webRecordingConfig", "rtmpPublishConfig"}
)


class Reject(Exception):
    """The service's answer to a request it refuses: HTTP status + body code + reason."""

    def __init__(self, status: int, code: int, reason: str) -> None:
        super().__init__(f"{status} {code} {reason}")
        self.status = status
        self.code = code
        self.reason = reason

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason}


def invalid(reason: str) -> Reject:
    return Reject(400, 2, reason)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(
    obj: dict[str, Any], key: str, path: str, lo: int, hi: int, *, required: bool = False
) -> None:
    if key not in obj:
        if required:
            raise invalid(f"{path}.{key} is required")
        return
    value = obj[key]
    if not _is_int(value) or not lo <= value <= hi:
        raise invalid(f"{path}.{key} must be an integer in [{lo}, {hi}] (got {value!r})")


def _one_of(obj: dict[str, Any], key: str, path: str, allowed: tuple[Any, ...]) -> None:
    if key in obj and (obj[key] not in allowed or isinstance(obj[key], bool)):
        choices = ", ".join(repr(a) for a in allowed)
        raise invalid(f"{path}.{key} must be one of {choices} (got {obj[key]!r})")


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{path} must be an object")
    return value


def _known(obj: dict[str, Any], keys: frozenset[str], path: str) -> None:
    for key in obj:
        if key not in keys:
            raise invalid(f"unknown field {path}.{key} (field names are case-sensitive)")


def _secret_string(obj: dict[str, Any], key: str, path: str, *, required: bool) -> None:
    if key not in obj:
        if required:
            raise invalid(f"{path}.{key} is required")
        return
    if not isinstance(obj[key], str) or not obj[key]:
        raise invalid(f"{path}.{key} must be a non-empty string")  # never echo a secret


def check_uid(uid: Any, path: str = "uid") -> str:
    """A recording UID: a decimal string 1..2³²−1 (reference §2.1)."""
    if not isinstance(uid, str) or not uid.isdigit() or uid.startswith("0"):
        raise invalid(f"{path} must be a decimal string between 1 and {MAX_UID} (got {uid!r})")
    if int(uid) > MAX_UID:
        raise invalid(f"{path} must be a decimal string between 1 and {MAX_UID} (got {uid!r})")
    return uid


def cname_problem(cname: Any) -> str | None:
    if not isinstance(cname, str) or not cname:
        return "cname must be a non-empty string"
    if len(cname.encode()) > MAX_CNAME_BYTES:
        return "cname must be shorter than 64 bytes"
    if not _CNAME_RE.match(cname):
        return "cname contains unsupported characters"
    return None


def check_top(body: Any, *, need_client_request: bool = True) -> tuple[str, str, dict[str, Any]]:
    """cname, uid and clientRequest of an acquire/start/update/stop body."""
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object")
    _known(body, _TOP_KEYS, "body")
    cname = body.get("cname")
    if "cname" not in body:
        raise invalid("cname is required")
    if not isinstance(cname, str) or not cname:
        raise invalid("cname must be a non-empty string")
    if "uid" not in body:
        raise invalid("uid is required")
    uid = check_uid(body["uid"])
    if "clientRequest" not in body:
        if need_client_request:
            raise invalid("clientRequest is required")
        return cname, uid, {}
    return cname, uid, _object(body["clientRequest"], "clientRequest")


# --------------------------------------------------------------------------- acquire


def check_acquire(client_request: dict[str, Any]) -> None:
    path = "clientRequest"
    _known(client_request, ACQUIRE_KEYS, path)
    _one_of(client_request, "scene", path, (0, 1, 2))
    if "resourceExpiredHour" in client_request:
        value = client_request["resourceExpiredHour"]
        if not _is_int(value) or not 1 <= value <= 720:
            raise invalid("Acquire: invalid resourceExpiredHour value!")  # ERR-26 wording
    if "excludeResourceIds" in client_request:
        ids = client_request["excludeResourceIds"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise invalid(f"{path}.excludeResourceIds must be a list of strings")
    _one_of(client_request, "region", path, ACQUIRE_REGIONS)
    _int_in(client_request, "regionAffinity", path, 0, 4)
    if "startParameter" in client_request:
        # not validated here: an invalid startParameter fails the later start (reference §2)
        _object(client_request["startParameter"], f"{path}.startParameter")


# --------------------------------------------------------------------------- start


def _uid_list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(f"{path} must be a list of UID strings")
    if len(value) > 32:
        raise invalid(f"{path} may hold at most 32 UIDs (got {len(value)})")
    if ALL_STREAMS in value:
        if value != [ALL_STREAMS]:
            raise invalid(f'{path}: "{ALL_STREAMS}" must be the only element')
        return value
    for i, uid in enumerate(value):
        check_uid(uid, f"{path}[{i}]")
    return value


def _lists(obj: dict[str, Any], names: tuple[str, ...], path: str) -> None:
    present = [n for n in names if n in obj]
    for name in present:
        _uid_list(obj[name], f"{path}.{name}")
    if len(present) > 1:
        raise invalid(f"{path}: {' and '.join(present)} are mutually exclusive")


def check_recording_config(rc: dict[str, Any], mode: str, has_snapshot: bool) -> None:
    path = "clientRequest.recordingConfig"
    _known(rc, _RECORDING_KEYS, path)
    _int_in(rc, "channelType", path, 0, 1, required=True)
    _int_in(rc, "streamTypes", path, 0, 2)
    _int_in(rc, "decryptionMode", path, 0, 8)
    mode_value = rc.get("decryptionMode", 0)
    _secret_string(rc, "secret", path, required=mode_value != 0)
    _secret_string(rc, "salt", path, required=mode_value in (7, 8))
    _int_in(rc, "maxIdleTime", path, 5, 2_592_000)
    _int_in(rc, "videoStreamType", path, 0, 1)
    _lists(rc, AUDIO_LISTS, path)
    _lists(rc, VIDEO_LISTS, path)
    stream_types = rc.get("streamTypes", 2)
    if stream_types == 1 and any(n in rc for n in AUDIO_LISTS):
        raise invalid(f"{path}: audio UID lists need streamTypes 0 or 2 (got 1)")
    if stream_types == 0 and any(n in rc for n in VIDEO_LISTS):
        raise invalid(f"{path}: video UID lists need streamTypes 1 or 2 (got 0)")
    if mode in SNAPSHOT_MODES:
        _int_in(rc, "subscribeUidGroup", path, 0, 5, required=True)
    elif "subscribeUidGroup" in rc:
        raise invalid(f"{path}.subscribeUidGroup is only for individual mode")
    if "streamMode" in rc:
        if mode != "individual":
            raise invalid(f"{path}.streamMode is only for individual mode (v1)")
        _one_of(rc, "streamMode", path, ("default", "standard", "original"))
    if mode != "mix":
        for key in ("audioProfile", "transcodingConfig"):
            if key in rc:
                raise invalid(f"{path}.{key} can only be set in mix mode")
    if has_snapshot:
        if stream_types not in (1, 2):
            raise invalid(f"{path}.streamTypes must be 1 or 2 for screenshots (got {stream_types})")
        if "subscribeAudioUids" in rc and "subscribeVideoUids" not in rc:
            raise invalid(f"{path}: subscribeAudioUids needs subscribeVideoUids for screenshots")
        if rc.get("streamMode") == "original":
            raise invalid(f'{path}.streamMode "original" does not support screenshots')


def check_storage_config(sc: Any, path: str = "clientRequest.storageConfig") -> dict[str, Any]:
    sc = _object(sc, path)
    _known(sc, _STORAGE_KEYS, path)
    if "vendor" not in sc:
        raise invalid(f"{path}.vendor is required")
    vendor = sc["vendor"]
    if not _is_int(vendor) or vendor not in VENDOR_REGIONS:
        allowed = ", ".join(str(v) for v in VENDOR_REGIONS)
        raise invalid(f"{path}.vendor must be one of {allowed} (got {vendor!r})")
    if "region" not in sc:
        raise invalid(f"{path}.region is required")
    region = sc["region"]
    if not _is_int(region) or region not in VENDOR_REGIONS[vendor]:
        raise invalid(f"{path}.region {region!r} is not a region of vendor {vendor}")
    bucket = sc.get("bucket")
    if not isinstance(bucket, str) or not bucket or "/" in bucket or bucket in (".", ".."):
        raise invalid(f"{path}.bucket must be a non-empty bucket name")
    _secret_string(sc, "accessKey", path, required=True)
    _secret_string(sc, "secretKey", path, required=True)
    if "stsToken" in sc:
        _secret_string(sc, "stsToken", path, required=True)
        if vendor not in STS_VENDORS:
            raise invalid(f"{path}.stsToken is only supported by vendors 1, 2 and 3")
    if "stsExpiration" in sc and (not _is_int(sc["stsExpiration"]) or sc["stsExpiration"] < 0):
        raise invalid(f"{path}.stsExpiration must be Unix seconds")
    if "fileNamePrefix" in sc:
        prefix = sc["fileNamePrefix"]
        if not isinstance(prefix, list) or not all(
            isinstance(p, str) and _PREFIX_RE.match(p) for p in prefix
        ):
            raise invalid(f"{path}.fileNamePrefix elements may contain only letters and digits")
        if len("/".join(prefix)) > MAX_PREFIX_LENGTH:
            raise invalid(f"{path}.fileNamePrefix is longer than {MAX_PREFIX_LENGTH} characters")
    ext = sc.get("extensionParams")
    if ext is not None:
        ext = _object(ext, f"{path}.extensionParams")
        _known(ext, frozenset({"sse", "tag", "endpoint"}), f"{path}.extensionParams")
        if "sse" in ext:
            _one_of(ext, "sse", f"{path}.extensionParams", ("kms", "aes256"))
            if vendor != 1:
                raise invalid(f"{path}.extensionParams.sse is only for Amazon S3 (vendor 1)")
        if "tag" in ext and vendor not in (1, 2):
            raise invalid(f"{path}.extensionParams.tag is only for vendors 1 and 2")
    if vendor == 11 and not (
        isinstance(ext, dict) and isinstance(ext.get("endpoint"), str) and ext["endpoint"]
    ):
        raise invalid(f"{path}.extensionParams.endpoint is required for vendor 11")
    return sc


def check_start(mode: str, client_request: dict[str, Any]) -> None:
    """Validate a start ``clientRequest`` for ``mode`` (reference §2.3–§2.6, §8.1)."""
    path = "clientRequest"
    _known(client_request, START_KEYS, path)
    if "token" in client_request:
        _secret_string(client_request, "token", path, required=True)
    snapshot = client_request.get("snapshotConfig")
    if snapshot is not None:
        if mode not in SNAPSHOT_MODES:
            raise invalid(
                f"{path}.snapshotConfig is only available in individual mode (got mode {mode})"
            )
        snapshot = _object(snapshot, f"{path}.snapshotConfig")
        _known(snapshot, frozenset({"captureInterval", "fileType"}), f"{path}.snapshotConfig")
        _int_in(snapshot, "captureInterval", f"{path}.snapshotConfig", 5, 3600)
        if snapshot.get("fileType") != ["jpg"]:
            raise invalid(
                f'{path}.snapshotConfig.fileType must be ["jpg"] (got {snapshot.get("fileType")!r})'
            )
    if mode in ("individual", "mix", "raw"):
        if "recordingConfig" not in client_request:
            raise invalid(f"{path}.recordingConfig is required in {mode} mode")
        rc = _object(client_request["recordingConfig"], f"{path}.recordingConfig")
        check_recording_config(rc, mode, snapshot is not None)
    if "recordingFileConfig" in client_request:
        rfc = _object(client_request["recordingFileConfig"], f"{path}.recordingFileConfig")
        _known(rfc, frozenset({"avFileType"}), f"{path}.recordingFileConfig")
        types = rfc.get("avFileType", ["hls"])
        allowed = {"hls", "mp4", "mp3"} if mode == "raw" else {"hls", "mp4"}  # mp3: v2 audio-only
        if not isinstance(types, list) or not types or not set(types) <= allowed:
            raise invalid(
                f"{path}.recordingFileConfig.avFileType must list {'/'.join(sorted(allowed))} (got {types!r})"
            )
        if "mp4" in types and "hls" not in types:
            raise invalid(f'{path}.recordingFileConfig.avFileType ["mp4"] needs "hls" as well')
        if mode == "individual" and "mp4" in types:
            raise invalid(
                f'{path}.recordingFileConfig.avFileType "mp4" is only for mix and web modes'
            )
    if "extensionServiceConfig" in client_request and mode != "web":
        raise invalid(f"{path}.extensionServiceConfig is only for web mode")
    if mode == "web" and "extensionServiceConfig" not in client_request:
        raise invalid(f"{path}.extensionServiceConfig is required in web mode")
    if "storageConfig" not in client_request:
        raise invalid(f"{path}.storageConfig is required")
    check_storage_config(client_request["storageConfig"])


# --------------------------------------------------------------------------- update / stop


def check_update(mode: str, stream_types: int, client_request: dict[str, Any]) -> None:
    """Validate an update ``clientRequest`` (reference §4)."""
    path = "clientRequest"
    _known(client_request, _UPDATE_KEYS, path)
    if not client_request:
        raise invalid(f"{path} must contain streamSubscribe or storageConfig")
    for key in ("webRecordingConfig", "rtmpPublishConfig"):
        if key in client_request and mode != "web":
            raise invalid(f"{path}.{key} is only for web mode")
    if "streamSubscribe" in client_request:
        if mode == "web":
            raise invalid(f"{path}.streamSubscribe is only for individual and mix modes")
        sub = _object(client_request["streamSubscribe"], f"{path}.streamSubscribe")
        _known(sub, frozenset({"audioUidList", "videoUidList"}), f"{path}.streamSubscribe")
        if not sub:
            raise invalid(f"{path}.streamSubscribe must contain audioUidList or videoUidList")
        if "audioUidList" in sub:
            p = f"{path}.streamSubscribe.audioUidList"
            lst = _object(sub["audioUidList"], p)
            _known(lst, frozenset(AUDIO_LISTS), p)
            if not lst:
                raise invalid(f"{p} must contain subscribeAudioUids or unsubscribeAudioUids")
            _lists(lst, AUDIO_LISTS, p)
            if stream_types not in (0, 2):
                raise invalid(f"{p} needs streamTypes 0 or 2 (got {stream_types})")
        if "videoUidList" in sub:
            p = f"{path}.streamSubscribe.videoUidList"
            lst = _object(sub["videoUidList"], p)
            _known(lst, frozenset(VIDEO_LISTS), p)
            if not lst:
                raise invalid(f"{p} must contain subscribeVideoUids or unsubscribeVideoUids")
            _lists(lst, VIDEO_LISTS, p)
            if stream_types not in (1, 2):
                raise invalid(f"{p} needs streamTypes 1 or 2 (got {stream_types})")
    if "storageConfig" in client_request:
        check_storage_config(client_request["storageConfig"])


def check_stop(client_request: dict[str, Any]) -> bool:
    """Validate a stop ``clientRequest``; returns ``async_stop``."""
    _known(client_request, frozenset({"async_stop"}), "clientRequest")
    value = client_request.get("async_stop", False)
    if not isinstance(value, bool):
        raise invalid(f"clientRequest.async_stop must be true or false (got {value!r})")
    return value
