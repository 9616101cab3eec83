"""``snaplint files``: build and parse screenshot object keys (reference §3.1)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

NAME = "files"
HELP = "Parse a screenshot file name, or print the object keys a job's screenshots will have."


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="files_command", metavar="SUBCOMMAND", required=True)
    parse = sub.add_parser("parse", help="split a screenshot name or object key into its parts")
    parse.add_argument("name", metavar="NAME", help="file name or object key")
    parse.add_argument("--json", action="store_true", help="print JSON")
    key = sub.add_parser("key", help="the object key pattern of a job's screenshots")
    key.add_argument(
        "job", metavar="JOB_FILE_OR_NAME", help="a manifest file, or a job's metadata.name"
    )
    key.add_argument("--sid", default="<sid>", help="fill in a session ID (default: placeholder)")
    key.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    if args.files_command == "parse":
        return _parse(args)
    return _key(args)


def _parse(args: argparse.Namespace) -> int:
    from snaplint.agora.filenames import ScreenshotNameError, parse_name

    # The directories before the name are reported as given: a key pasted from a storage
    # listing may start with the vendor and bucket, which are not part of fileNamePrefix.
    *prefix, base = args.name.replace("\\", "/").split("/")
    try:
        name = parse_name(base)
    except ScreenshotNameError as exc:
        print(f"snaplint files: {exc}", file=sys.stderr)
        return 1
    at = name.captured_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    data = {
        "sid": name.sid,
        "cname": name.cname,
        "uid": name.uid,
        "capturedAt": at,
        "utc": name.utc,
        "failover": name.failover,
        "variant": name.variant,
        "directories": prefix,
    }
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    failover = (
        "none"
        if name.failover is None
        else f"bak{name.failover} (after failover {name.failover + 1})"
    )
    rows = [
        ("sid", name.sid),
        ("cname", name.cname),
        ("uid", name.uid),
        ("captured", f"{at} ({name.utc})"),
        ("failover", failover),
        ("variant", name.variant),
        ("path", "/".join(prefix) or "(none)"),
    ]
    for label, value in rows:
        print(f"{label + ':':<10} {value}")
    return 0


def _jobs_named(name: str) -> list[Any]:
    """Job documents called ``name`` in manifests under the current directory."""
    from pathlib import Path

    from snaplint.config import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
    from snaplint.lint.discovery import discover
    from snaplint.lint.manifest import load_file

    files = discover(["."], root=Path.cwd(), include=DEFAULT_INCLUDE, exclude=DEFAULT_EXCLUDE)
    return [
        doc
        for f in files
        for doc in load_file(f).documents
        if doc.kind == "job" and doc.name == name
    ]


def _key(args: argparse.Namespace) -> int:
    from pathlib import Path

    from snaplint.agora.filenames import key_pattern
    from snaplint.cli import UsageError

    if Path(args.job).is_file():
        from snaplint.lint.manifest import load_file

        loaded = load_file(args.job)
        if loaded.problems and not loaded.documents:
            raise UsageError(f"cannot read {args.job}: {loaded.problems[0].message}")
        docs = [d for d in loaded.documents if d.kind in ("job", "start")]
    else:
        docs = _jobs_named(args.job)
        if not docs:
            raise UsageError(f"no manifest file or job named {args.job!r}")
    results = []
    for doc in docs:
        body = doc.body
        request = doc.start_request or {}
        storage = (
            request.get("storageConfig") if isinstance(request.get("storageConfig"), dict) else {}
        )
        recording = (
            request.get("recordingConfig")
            if isinstance(request.get("recordingConfig"), dict)
            else {}
        )
        cname = body.get("cname", "<cname>")
        videos = recording.get("subscribeVideoUids")
        uids = (
            [str(u) for u in videos]
            if isinstance(videos, list) and videos and videos != ["#allstream#"]
            else ["<uid>"]
        )
        prefix = (
            storage.get("fileNamePrefix") if isinstance(storage.get("fileNamePrefix"), list) else []
        )
        variant = "raw" if body.get("mode") == "raw" else "individual"
        keys = [
            key_pattern(str(cname), uid, [str(p) for p in prefix], sid=args.sid, variant=variant)
            for uid in uids
        ]
        results.append(
            {
                "job": doc.name or f"{doc.source.display}#{doc.index + 1}",
                "file": doc.source.display,
                "botUid": body.get("uid"),  # the recorder's own uid; names carry the recorded uid
                "vendor": storage.get("vendor"),
                "bucket": storage.get("bucket"),
                "keys": keys,
            }
        )
    if not results:
        raise UsageError(f"{args.job} holds no snapshot job or start body")
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    for r in results:
        print(
            f"{r['job']} ({r['file']}): bucket {r['bucket']} (vendor {r['vendor']}), "
            f"recorded by uid {r['botUid']}"
        )
        for k in r["keys"]:
            print(f"  {k}")
    print(
        "after a failover names start with bak<n>_ (n = 0 for the first); <utc> is YYYYMMDDHHMMSSmmm (UTC)"
    )
    return 0
