"""Shared helpers for the manifest and project rules (not a rule: the name starts with ``_``).

Everything here is cheap and pure: rules call these on every document, most of
which are clean, so nothing imports more than the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snaplint.findings.diagnostics import JsonPath
from snaplint.findings.references import is_ref

if TYPE_CHECKING:
    from snaplint.findings.rule import RuleContext
    from snaplint.lint.manifest import Document

ALLSTREAM = "#allstream#"

# The two spellings of the unsubscribe lists (reference §2.4, §9 #2): API-26/REF-24/PY write
# `unsubscribe…`, SUB/REF-22/GO/NODE write `unSubscribe…`.
UNSUBSCRIBE_SPELLINGS = {
    "audio": ("unsubscribeAudioUids", "unSubscribeAudioUids"),
    "video": ("unsubscribeVideoUids", "unSubscribeVideoUids"),
}
SUBSCRIBE = {"audio": "subscribeAudioUids", "video": "subscribeVideoUids"}
# The seed page's singular spelling; the schema reports it as an unknown field with a rename fix,
# and the subscription rules read it so the rest of the document is still judged as meant.
SEED_SINGULAR = {"audio": "subscribeAudioUid", "video": "subscribeVideoUid"}

# subscribeUidGroup buckets (reference §2.4): API-26 and, where they differ, PY/REF-22.
GROUP_RANGES_API26 = {0: (1, 2), 1: (3, 7), 2: (8, 12), 3: (13, 17), 4: (18, 32), 5: (33, 49)}
GROUP_RANGES_REF22 = {0: (1, 2), 1: (3, 7), 2: (8, 12), 3: (13, 17), 4: (17, 32), 5: (32, 49)}
GROUP_TEXT = {0: "1-2", 1: "3-7", 2: "8-12", 3: "13-17", 4: "18-32", 5: "33-49"}
MAX_SUBSCRIBED = 49


def is_int(value: Any) -> bool:
    """A real integer (not a bool). Enum-only schema fields are not type-checked, so a rule may
    meet a list or a mapping where it expects a number: it must not hash or compare it."""
    return isinstance(value, int) and not isinstance(value, bool)


def known(value: Any) -> bool:
    """A value a rule may judge: present and not a ``${env:…}`` reference (known later)."""
    return value is not None and not is_ref(value)


# Every manifest rule asks for the start request and its sections; computing them once per
# document (not once per rule) keeps the rules cheap on the clean documents most runs see.


class _View:
    __slots__ = ("path", "request", "sections", "snapshot")

    def __init__(self, doc: Document) -> None:
        path = doc.start_request_path
        request = doc.start_request if path is not None else None
        self.request: dict[str, Any] | None = request
        self.path: JsonPath = path or ()
        self.sections: dict[str, tuple[dict[str, Any], JsonPath] | None] = {}
        self.snapshot = doc.kind == "job" or (
            request is not None and isinstance(request.get("snapshotConfig"), dict)
        )


def _view(doc: Document) -> _View:
    # kept on the document itself: ~30 rules ask for it per document, a weak-key lookup each
    # time cost more than the rules' own work on a clean document
    view: _View | None = doc.__dict__.get("_snap_view")
    if view is None:
        view = doc.__dict__["_snap_view"] = _View(doc)
    return view


def start_request(doc: Document) -> tuple[dict[str, Any], JsonPath] | None:
    """The start ``clientRequest`` (acquire bodies: ``startParameter``) and its path."""
    view = _view(doc)
    return None if view.request is None else (view.request, view.path)


def section(doc: Document, name: str) -> tuple[dict[str, Any], JsonPath] | None:
    """A mapping inside the start request (``recordingConfig``, ``storageConfig``…) and its path."""
    view = _view(doc)
    try:
        return view.sections[name]
    except KeyError:
        pass
    value = view.request.get(name) if view.request is not None else None
    found = (value, (*view.path, name)) if isinstance(value, dict) else None
    view.sections[name] = found
    return found


def is_snapshot(doc: Document) -> bool:
    """A document that asks for screenshots: every job, and bodies with ``snapshotConfig``."""
    return _view(doc).snapshot


def stream_types(recording: dict[str, Any]) -> int | None:
    """``streamTypes`` with its documented default 2; None when it is a reference or invalid."""
    value = recording.get("streamTypes", 2)
    return value if value in (0, 1, 2) and not isinstance(value, bool) else None


def individual_like(doc: Document, ctx: RuleContext) -> bool:
    """Individual mode, or an unknown mode on a body that takes screenshots (v1: individual only)."""
    mode = ctx.mode_of(doc)
    return mode == "individual" or (mode is None and is_snapshot(doc))


@dataclass(frozen=True)
class Subscription:
    """Who one media type subscribes, as far as the manifest says.

    ``kind``: ``explicit`` (exactly ``uids``), ``all`` (everyone except ``uids``),
    ``none`` (another media has a list and this one has none: not subscribed, SUB),
    ``unknown`` (a reference, or a list of invalid entries).
    """

    kind: str
    uids: frozenset[str] = frozenset()


def subscription_lists(recording: dict[str, Any], media: str) -> dict[str, Any]:
    """The lists of one media type present in ``recordingConfig``: field name → value."""
    names = (SUBSCRIBE[media], SEED_SINGULAR[media], *UNSUBSCRIBE_SPELLINGS[media])
    return {name: recording[name] for name in names if name in recording}


def subscription(recording: dict[str, Any], media: str) -> Subscription:
    """What one media type subscribes (see :class:`Subscription`)."""
    lists = subscription_lists(recording, media)
    sub = lists.get(SUBSCRIBE[media], lists.get(SEED_SINGULAR[media]))
    if sub is not None:
        if not _uid_list(sub):
            return Subscription("unknown")
        if ALLSTREAM in sub:
            return Subscription("all")
        return Subscription("explicit", frozenset(sub))
    unsub = next((lists[n] for n in UNSUBSCRIBE_SPELLINGS[media] if n in lists), None)
    if unsub is not None:
        if not _uid_list(unsub):
            return Subscription("unknown")
        return Subscription("all", frozenset(u for u in unsub if u != ALLSTREAM))
    other = "video" if media == "audio" else "audio"
    if subscription_lists(recording, other):
        # SUB: "setting a list for only one media type means the other is not subscribed"
        return Subscription("none")
    return Subscription("all")


def _uid_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(u, str) and not is_ref(u) for u in value)


def subscribed_count(recording: dict[str, Any]) -> int | None:
    """Size of the union of subscribed audio and video UIDs, when the lists say it exactly."""
    st = stream_types(recording)
    if st is None:
        return None
    medias = {0: ("audio",), 1: ("video",), 2: ("audio", "video")}[st]
    union: set[str] = set()
    for media in medias:
        sub = subscription(recording, media)
        if sub.kind == "explicit":
            union |= sub.uids
        elif sub.kind != "none":
            return None
    return len(union) if union else None


def groups_for(count: int, ranges: dict[int, tuple[int, int]]) -> set[int]:
    return {g for g, (lo, hi) in ranges.items() if lo <= count <= hi}


def iter_uid_lists(
    recording: dict[str, Any], path: JsonPath
) -> Iterator[tuple[str, str, Any, JsonPath]]:
    """(media, field, list, path) for every subscription list in ``recordingConfig``."""
    for media in ("audio", "video"):
        for name, value in subscription_lists(recording, media).items():
            yield media, name, value, (*path, name)


def env_name(doc: Document, field: str) -> str:
    """A conventional environment variable name for a secret of this document."""
    base = doc.name or doc.body.get("cname")
    prefix = "".join(c if c.isalnum() else "_" for c in str(base or "snaplint")).upper().strip("_")
    words = {
        "token": "RTC_TOKEN",
        "secret": "DECRYPTION_SECRET",
        "salt": "DECRYPTION_SALT",
        "accessKey": "ACCESS_KEY",
        "secretKey": "SECRET_KEY",
        "stsToken": "STS_TOKEN",
    }
    suffix = words.get(field) or "".join(f"_{c}" if c.isupper() else c.upper() for c in field)
    name = f"{prefix}_{suffix.strip('_')}" if prefix else suffix.strip("_")
    if name[:1].isdigit():
        name = f"SNAPLINT_{name}"
    return name


def source_scalar(doc: Document, path: JsonPath) -> str | None:
    """The scalar's text as written in the file (before ``--resolve-env`` substituted it)."""
    node: Any = doc.root
    for part in path:
        if getattr(node, "id", None) == "mapping" and isinstance(part, str):
            for key, value in reversed(node.value):  # the last duplicate wins, as in the data
                if getattr(key, "value", None) == part:
                    node = value
                    break
            else:
                return None
        elif getattr(node, "id", None) == "sequence" and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return None
            node = node.value[part]
        else:
            return None
    return node.value if getattr(node, "id", None) == "scalar" else None


def was_reference(doc: Document, path: JsonPath) -> bool:
    """True when the value at ``path`` is, or was written as, a ``${env:…}`` reference."""
    return is_ref(doc.get(path)) or is_ref(source_scalar(doc, path))
