"""The documented fields of the Cloud Recording request bodies: wire format, nothing else.

Shared by the linter, which tells a raw ``acquire`` body from a raw ``start`` body by its keys
(:mod:`snaplint.lint.manifest`), and by the emulator, which rejects unknown fields as the
service does (:mod:`snaplint.emulator.validation`). Standard library only, like the other
wire-format modules of ``agora/`` (file names, tokens): the linter, the plan model and the
emulator may read them without reaching the HTTP client (``tests/test_imports.py``).
"""

from __future__ import annotations

# Fields of the acquire and start clientRequest (API-26; REF-24 for appsCollection/transcodeOptions)
ACQUIRE_KEYS = frozenset(
    {
        "scene",
        "resourceExpiredHour",
        "excludeResourceIds",
        "region",
        "regionAffinity",
        "startParameter",
    }
)
START_KEYS = frozenset(
    {
        "token",
        "recordingConfig",
        "recordingFileConfig",
        "snapshotConfig",
        "storageConfig",
        "extensionServiceConfig",
        "appsCollection",
        "transcodeOptions",
    }
)
