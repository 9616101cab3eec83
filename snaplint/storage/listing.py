"""Listing the object keys under a job's ``fileNamePrefix`` in its bucket.

Two kinds of storage can be listed:

- **a local folder**: the emulator writes ``<folder>/<vendor>/<bucket>/<key>`` (the embedded
  emulator under ``.snaplint/emulator/storage``; a ``snaplint emulator`` server under its
  ``--storage-dir``, given to plan as ``SNAPLINT_EMULATOR_STORAGE``);
- **Amazon S3 and S3-compatible storage** (vendors 1 and 11) through ``boto3``, an optional
  extra (``pip install 'agora-snaplint[s3]'``), with the job's own storage credentials.

Agora recommends write-only storage keys for Cloud Recording; such keys cannot list a
bucket, and then the listing is :class:`Unlistable` with that reason. Nothing here writes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

ENV_EMULATOR_STORAGE = "SNAPLINT_EMULATOR_STORAGE"
MAX_KEYS = 100_000  # bounds the time one listing may take
S3_VENDORS = {1: "Amazon S3", 11: "S3-compatible storage"}


class Listing(Protocol):
    def keys(self) -> Iterator[str]:
        """Object keys under the prefix (at most :data:`MAX_KEYS`)."""


@dataclass(frozen=True)
class Unlistable:
    reason: str


def prefix_of(storage: Mapping[str, Any]) -> str:
    parts = storage.get("fileNamePrefix") or []
    return "/".join(str(p) for p in parts)


@dataclass(frozen=True)
class FolderListing:
    """The emulator's folder: ``<root>/<vendor>/<bucket>/<prefix>/<name>``."""

    root: Path
    vendor: int
    bucket: str
    prefix: str

    def keys(self) -> Iterator[str]:
        folder = self.root / str(self.vendor) / self.bucket
        if self.prefix:
            folder = folder / self.prefix
        try:
            entries = os.scandir(folder)
        except OSError:
            return
        with entries:
            for count, entry in enumerate(entries):
                if count >= MAX_KEYS:
                    return
                try:
                    if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                        continue
                except OSError:
                    continue
                yield f"{self.prefix}/{entry.name}" if self.prefix else entry.name


@dataclass
class S3Listing:
    """An S3 (or S3-compatible) bucket, listed with the job's storage credentials."""

    client: Any
    bucket: str
    prefix: str

    def keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket,
            Prefix=f"{self.prefix}/" if self.prefix else "",
            PaginationConfig={"MaxItems": MAX_KEYS, "PageSize": 1000},
        )
        for page in pages:
            for item in page.get("Contents") or ():
                yield str(item["Key"])


def listing_for(storage: Mapping[str, Any], *, folder: Path | None) -> Listing | Unlistable:
    """How to list the keys of a job's screenshots: ``storage`` is its ``storageConfig`` with
    secrets resolved; ``folder`` the emulator's storage folder when it is the service."""
    vendor, bucket = storage.get("vendor"), storage.get("bucket")
    if not isinstance(vendor, int) or not isinstance(bucket, str) or not bucket:
        return Unlistable("the job's storageConfig has no vendor and bucket")
    if folder is not None:
        return FolderListing(folder, vendor, bucket, prefix_of(storage))
    if vendor not in S3_VENDORS:
        return Unlistable(
            f"listing vendor {vendor} storage is not supported (only {', '.join(S3_VENDORS.values())})"
        )
    try:
        import boto3
    except ImportError:
        return Unlistable("listing S3 needs boto3: pip install 'agora-snaplint[s3]'")
    endpoint = None
    if vendor == 11:
        endpoint = (storage.get("extensionParams") or {}).get("endpoint")
        if not endpoint:
            return Unlistable("S3-compatible storage without extensionParams.endpoint")
    client = boto3.client(
        "s3",
        aws_access_key_id=str(storage.get("accessKey") or ""),
        aws_secret_access_key=str(storage.get("secretKey") or ""),
        aws_session_token=storage.get("stsToken") or None,
        endpoint_url=endpoint,
    )
    return S3Listing(client, bucket, prefix_of(storage))


def list_keys(listing: Listing) -> tuple[list[str], str | None]:
    """Every key, or the reason the listing failed (never the credentials: the storage
    service's error code only, e.g. AccessDenied for the recommended write-only keys)."""
    try:
        return list(listing.keys()), None
    except Exception as exc:  # boto3/botocore errors, network failures
        code = (
            getattr(exc, "response", {}).get("Error", {}).get("Code")
            if hasattr(exc, "response")
            else None
        )
        if code in ("AccessDenied", "403"):
            return [], (
                "the storage credentials cannot list the bucket (AccessDenied); Agora "
                "recommends write-only keys, which cannot"
            )
        return [], f"listing the bucket failed ({code or type(exc).__name__})"
