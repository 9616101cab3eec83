"""Desired jobs: SnapshotJob documents → :class:`Job` values, and the views plan/apply need.

A :class:`Job` keeps the manifest's values as written, ``${env:NAME}`` references included.
Two derived views exist, and only two:

- :func:`fingerprint` — the spec as plan, diff and state see it: non-secret references
  substituted from the environment, every secret field replaced by a :func:`sensitive` marker
  holding a salted HMAC of its value (and the reference it came from). Nothing in it is a
  secret, so it may be shown, saved in plans and written to state.
- :func:`request_bodies` — the real ``clientRequest`` with secrets revealed, built only by
  apply right before the API call; an unset reference is an :class:`UnsetReference` error.

Secret fields are the ones the schema marks ``x-snaplint-secret``
(:func:`snaplint.lint.schema.secret_paths`), so the linter, the differ and the state codec agree on
what is secret.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from snaplint.config import app_id_fallback
from snaplint.findings import references as refs
from snaplint.findings.diagnostics import JsonPath
from snaplint.lint import schema

JOB_SCHEMA = "snapshot-job"
SPEC_KEYS = ("appId", "mode", "cname", "uid", "acquire", "clientRequest")
DEFAULT_MODE = "individual"
DEFAULT_CAPTURE_INTERVAL = 10  # snapshotConfig.captureInterval default (API-26)
ALL_STREAMS = "#allstream#"
SENSITIVE = "$sensitive"  # marker key: {"$sensitive": "hmac-sha256:…" | None, "$ref": NAME | None}
SENSITIVE_REF = "$ref"
HASH_PREFIX = "hmac-sha256:"


@dataclass(frozen=True)
class Job:
    """One desired snapshot job, as written in its manifest (references unresolved)."""

    name: str
    app_id: str | None  # spec.appId, else snaplint.config.app_id_fallback, else the emulator's
    cname: Any
    uid: Any
    mode: str
    acquire: dict[str, Any]
    client_request: dict[str, Any]
    protect: bool = False
    restart: str = "never"  # metadata.restart: always | on-failure | never (reconcile only)
    source: str = "<memory>"  # manifest path as displayed
    document: int = 0
    labels: dict[str, str] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        """The job's spec as written (a deep copy: callers may change it)."""
        return copy.deepcopy(
            {
                "appId": self.app_id,
                "mode": self.mode,
                "cname": self.cname,
                "uid": self.uid,
                "acquire": self.acquire,
                "clientRequest": self.client_request,
            }
        )


@dataclass(frozen=True)
class JobProblem:
    """Why a document could not become a job (or a job cannot be planned)."""

    message: str
    source: str = ""
    document: int = 0
    path: JsonPath = ()
    job: str | None = None


class UnsetReference(Exception):
    """``${env:NAME}`` where NAME is not set; carries every unset reference of the job."""

    def __init__(self, job: str, missing: list[tuple[JsonPath, str]]) -> None:
        self.job = job
        self.missing = missing
        where = ", ".join(f"{name} ({_dotted(path)})" for path, name in missing)
        super().__init__(f"job {job}: environment variable not set or empty: {where}")


# --------------------------------------------------------------------------- manifests → jobs


def desired_jobs(
    documents: Iterable[Any],
    *,
    config_app_id: str | None = None,
    env: Mapping[str, str] | None = None,
    default_app_id: str | None = None,
) -> tuple[list[Job], list[JobProblem]]:
    """Jobs of every ``kind == "job"`` document, sorted by name, and the problems met.

    App ID precedence: the manifest's ``spec.appId`` (explicit per job), then
    :func:`snaplint.config.app_id_fallback` (``AGORA_APP_ID``, then the project's ``api.app-id``),
    then ``default_app_id`` (the embedded emulator's).
    Raw Agora bodies are lint-only and ignored here.
    """
    env = env or {}
    jobs: dict[str, Job] = {}
    problems: list[JobProblem] = []
    identities: dict[tuple[str, str, str], str] = {}
    fallback_app = app_id_fallback(env, {"app-id": config_app_id}) or default_app_id
    for doc in documents:
        if getattr(doc, "kind", None) != "job":
            continue
        where = {"source": doc.source.display, "document": doc.index}
        name = doc.name
        spec = doc.get(("spec",))
        if not name or not isinstance(spec, dict):
            problems.append(JobProblem("a SnapshotJob needs metadata.name and spec", **where))
            continue
        if name in jobs:
            first = jobs[name]
            problems.append(
                JobProblem(
                    f"job name {name} is used twice (first in {first.source})",
                    path=("metadata", "name"),
                    job=name,
                    **where,
                )
            )
            continue
        app_id = spec.get("appId") or fallback_app
        if not app_id:
            problems.append(
                JobProblem(
                    f"job {name} has no App ID: set spec.appId, api.app-id in the project "
                    "config, or AGORA_APP_ID",
                    path=("spec",),
                    job=name,
                    **where,
                )
            )
            continue
        metadata = doc.get(("metadata",)) or {}
        job = Job(
            name=name,
            app_id=str(app_id),
            cname=spec.get("cname"),
            uid=spec.get("uid"),
            mode=str(spec.get("mode") or DEFAULT_MODE),
            acquire=copy.deepcopy(spec.get("acquire") or {}),
            client_request=copy.deepcopy(spec.get("clientRequest") or {}),
            protect=bool(metadata.get("protect", False)),
            restart=str(metadata.get("restart") or "never"),
            source=doc.source.display,
            document=doc.index,
            labels=dict(metadata.get("labels") or {}),
        )
        # Agora identifies a session by App ID + cname + uid: two jobs sharing it would fight
        # over one session (start answers 53 for the second). References are compared as written.
        identity = (job.app_id.lower(), str(job.cname), str(job.uid))
        if identity in identities:
            problems.append(
                JobProblem(
                    f"jobs {identities[identity]} and {name} record the same channel {job.cname} "
                    f"with the same uid {job.uid}: give one of them another uid",
                    path=("spec", "uid"),
                    job=name,
                    **where,
                )
            )
            continue
        identities[identity] = name
        jobs[name] = job
    return [jobs[n] for n in sorted(jobs)], problems


# --------------------------------------------------------------------------- secrets


@functools.lru_cache(maxsize=4096)
def is_secret(path: JsonPath) -> bool:
    """Is ``path`` (inside a spec) a secret field per the schema's ``x-snaplint-secret``?
    Cached: every job of a fleet asks about the same few dozen paths (the schema is fixed)."""
    return schema.is_secret_path(JOB_SCHEMA, ("spec", *path))


def hash_secret(salt: str, value: str) -> str:
    """A salted HMAC of a secret value; the value itself is never stored."""
    digest = hmac.new(salt.encode(), value.encode(), hashlib.sha256).hexdigest()
    return HASH_PREFIX + digest


MINTED, MINTED_REF = "minted", "agora:rtc-token"  # the marker of ${agora:rtc-token}


def sensitive(hash_: str | None, ref: str | None) -> dict[str, Any]:
    return {SENSITIVE: hash_, SENSITIVE_REF: ref}


def is_sensitive(value: Any) -> bool:
    return isinstance(value, dict) and SENSITIVE in value


def sensitive_equal(a: Any, b: Any) -> bool:
    """Two sensitive markers are equal when their hashes match; with a hash unknown (the
    variable is unset at plan time) the references are compared instead."""
    if a.get(SENSITIVE) and b.get(SENSITIVE):
        return bool(a[SENSITIVE] == b[SENSITIVE])
    return bool(a.get(SENSITIVE_REF) == b.get(SENSITIVE_REF))


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class Fingerprint:
    """A job's secret-free spec (see module docstring) and what resolving it found."""

    spec: dict[str, Any]
    digest: str  # sha256 of the canonical spec: equal digests ⇔ nothing to change
    unset_secrets: tuple[tuple[JsonPath, str], ...] = ()  # compared by reference only
    problems: tuple[JobProblem, ...] = ()


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def fingerprint(job: Job, salt: str, env: Mapping[str, str]) -> Fingerprint:
    """The secret-free spec of ``job``: what state records and plans compare."""
    env = refs.defined(env)
    spec = job.spec()
    problems: list[JobProblem] = []
    unset_secrets: list[tuple[JsonPath, str]] = []
    resolved: list[JsonPath] = []
    for path, name in sorted(refs.iter_refs(spec), key=lambda item: _dotted(item[0])):
        if is_secret(path):
            continue  # handled below, with the literal secrets
        if name not in env:
            problems.append(
                JobProblem(
                    f"job {job.name}: environment variable {name} is not set or empty ({_dotted(path)})",
                    job.source,
                    job.document,
                    ("spec", *path),
                    job.name,
                )
            )
            continue
        _set(spec, path, env[name])
        resolved.append(path)
    if resolved:
        problems.extend(_coerce_resolved(job, spec, resolved))
    for path in list(_secret_leaves(spec)):
        value = _get(spec, path)
        if refs.is_minted_token(value) and path == ("clientRequest", "token"):
            # minted at each start: nothing to hash, and no change between plans
            _set(spec, path, sensitive(MINTED, MINTED_REF))
            continue
        ref = refs.ref_name(value) if refs.is_ref(value) else None
        if ref is not None and ref not in env:
            unset_secrets.append((path, ref))
            _set(spec, path, sensitive(None, ref))
        else:
            plain = env[ref] if ref is not None else str(value)
            _set(spec, path, sensitive(hash_secret(salt, plain), ref))
    return Fingerprint(spec, digest(spec), tuple(unset_secrets), tuple(problems))


def request_bodies(job: Job, env: Mapping[str, str]) -> dict[str, Any]:
    """The real spec with every reference substituted (secrets revealed): apply only.

    Raises :class:`UnsetReference` naming every unset (or empty) variable.
    """
    env = refs.defined(env)
    spec = job.spec()
    done, missing = refs.resolve_in_place(spec, env)
    if missing:
        raise UnsetReference(job.name, missing)
    non_secret = [p for p in done if not is_secret(p)]
    if non_secret:
        _coerce_resolved(job, spec, non_secret)
    return spec


def _coerce_resolved(job: Job, spec: dict[str, Any], resolved: list[JsonPath]) -> list[JobProblem]:
    """Environment values are text: make them numbers where the schema wants numbers, and
    report what still does not fit the schema (the linter saw only the reference)."""
    wanted = {("spec", *p) for p in resolved}

    def findings() -> list[Any]:
        document = {
            "apiVersion": "snaplint/v1",
            "kind": "SnapshotJob",
            "metadata": {"name": job.name},
            "spec": {k: v for k, v in spec.items() if v is not None},
        }
        return [f for f in schema.validate(JOB_SCHEMA, document) if tuple(f.path) in wanted]

    found = findings()
    changed = False
    for f in found:
        path = tuple(f.path)[1:]
        value = _get(spec, path)
        if f.rule == "wrong-type" and isinstance(value, str) and value.lstrip("-").isdigit():
            _set(spec, path, int(value))
            changed = True
    if changed:
        found = findings()
    return [
        JobProblem(
            f"job {job.name}: {f.message} (from the environment)",
            job.source,
            job.document,
            tuple(f.path),
            job.name,
        )
        for f in found
    ]


def _secret_leaves(spec: dict[str, Any]) -> Iterable[JsonPath]:
    stack: list[tuple[JsonPath, Any]] = [((), spec)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict) and not is_sensitive(node):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
        elif node is not None and not is_sensitive(node) and is_secret(path):
            yield path


def _get(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: JsonPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _dotted(path: JsonPath) -> str:
    return ".".join(str(p) for p in path)


# --------------------------------------------------------------------------- projections


def video_streams(client_request: Mapping[str, Any]) -> int | None:
    """How many video streams a job screenshots; None when it takes "all" (unknown count)."""
    rc = client_request.get("recordingConfig") or {}
    if rc.get("streamTypes", 2) == 0:
        return 0
    uids = rc.get("subscribeVideoUids")
    if isinstance(uids, list):
        return None if ALL_STREAMS in uids else len(uids)
    if rc.get("subscribeAudioUids") and not rc.get("unsubscribeVideoUids"):
        return 0  # SUB: a list for audio only means video is not subscribed at all
    return None


def capture_interval(client_request: Mapping[str, Any]) -> Any:
    snap = client_request.get("snapshotConfig") or {}
    return snap.get("captureInterval", DEFAULT_CAPTURE_INTERVAL)


def screenshots_per_hour(client_request: Mapping[str, Any]) -> tuple[float | None, str]:
    """Projected screenshots per hour (video streams × 3600 / captureInterval) and how."""
    interval = capture_interval(client_request)
    if not isinstance(interval, int | float) or interval <= 0:
        return None, "captureInterval is known only at apply time"
    per_stream = 3600 / interval
    streams = video_streams(client_request)
    if streams is None:
        return None, f"{_num(per_stream)} per subscribed video stream (3600 / {interval} s)"
    total = streams * per_stream
    noun = "stream" if streams == 1 else "streams"
    return total, f"{_num(total)} ({streams} video {noun} × 3600 / {interval} s)"


def key_pattern(spec: Mapping[str, Any]) -> str:
    """The object key pattern of the job's screenshots (``snaplint.agora.filenames``)."""
    from snaplint.agora.filenames import key_pattern as pattern

    cr = spec.get("clientRequest") or {}
    storage = cr.get("storageConfig") or {}
    prefix = storage.get("fileNamePrefix")
    prefix = [str(p) for p in prefix] if isinstance(prefix, list) else None
    variant = "raw" if spec.get("mode") == "raw" else "individual"
    return pattern(str(spec.get("cname")), "<uid>", prefix, variant=variant)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
