"""What every state backend is and raises: the :class:`Backend` protocol, :class:`LockInfo`,
:class:`LockError`, :class:`BackendError`, and the names and defaults of the state settings.

A module of its own so that the backends (:mod:`snaplint.state.backends.file`,
:mod:`snaplint.state.backends.postgres`) import the protocol without importing the package
that chooses between them (:func:`snaplint.state.backends.open_backend`); the package
re-exports every name.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

DEFAULT_STATE_PATH = Path(".snaplint") / "state.json"
ENV_BACKEND = "SNAPLINT_STATE_BACKEND"
ENV_STATE_PATH = "SNAPLINT_STATE_PATH"
ENV_WORKSPACE = "SNAPLINT_WORKSPACE"
DEFAULT_WORKSPACE = "default"
# as config.schema.json's state.workspace: safe as a folder name and as a database key
WORKSPACE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class LockInfo:
    """Who holds (or asks for) the state lock; shown to anyone who finds it taken."""

    id: str
    operation: str  # the command: "apply", "destroy", "import", …
    who: str  # user@host
    host: str
    pid: int
    created: str  # ISO 8601 UTC
    path: str = ""  # what is locked (file path, workspace)
    version: str = ""  # snaplint version of the holder
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, operation: str, path: str = "") -> LockInfo:
        from snaplint import __version__

        host = socket.gethostname()
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers)
            user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
        return cls(
            id=str(uuid.uuid4()),
            operation=operation,
            who=f"{user}@{host}",
            host=host,
            pid=os.getpid(),
            created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            path=path,
            version=__version__,
        )

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes | str) -> LockInfo:
        raw = json.loads(data)
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)

    def describe(self) -> str:
        """The holder in the words Terraform users know."""
        return (
            f"  ID:        {self.id}\n"
            f"  Path:      {self.path}\n"
            f"  Operation: {self.operation}\n"
            f"  Who:       {self.who}\n"
            f"  Host:      {self.host}\n"
            f"  PID:       {self.pid}\n"
            f"  Version:   {self.version}\n"
            f"  Created:   {self.created}"
        )


class LockError(Exception):
    """The lock is held by someone else (``holder``, when known), or a wrong ID was given."""

    def __init__(self, message: str, holder: LockInfo | None = None) -> None:
        super().__init__(message)
        self.holder = holder

    def __str__(self) -> str:
        text = super().__str__()
        if self.holder is not None:
            text += "\nLock Info:\n" + self.holder.describe()
        return text


class BackendError(Exception):
    """The backend cannot be read or written (I/O, permissions, connection)."""


@runtime_checkable
class Backend(Protocol):
    """Bytes, a backup, a journal and a lock. Implementations must be safe to use from several
    threads of one process (apply journals from worker threads)."""

    name: str

    def describe(self) -> str:
        """Where the state lives, for messages (never a password)."""
        ...

    def read(self) -> bytes | None:
        """The current state bytes, or None when no state was ever written."""
        ...

    def write(self, data: bytes) -> None:
        """Replace the state atomically; the replaced version becomes the backup."""
        ...

    def read_backup(self) -> bytes | None:
        """The version replaced by the last :meth:`write`, or None."""
        ...

    def journal_append(self, record: bytes) -> None:
        """Append one record (no newline inside); durable when this returns."""
        ...

    def journal_read(self) -> list[bytes]:
        """Every record appended since the last :meth:`journal_clear`, in order."""
        ...

    def journal_clear(self) -> None: ...

    def lock(self, info: LockInfo, timeout: float = 0.0) -> LockInfo:
        """Take the exclusive lock within ``timeout`` seconds or raise :class:`LockError`
        naming the holder. Returns ``info`` (the lock now held)."""
        ...

    def unlock(self, lock_id: str) -> None:
        """Release the lock this process holds under ``lock_id``."""
        ...

    def lock_holder(self) -> LockInfo | None:
        """The current holder, or None when the state is not locked."""
        ...

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove a lock held by someone else; ``lock_id`` must be the holder's ID
        (:class:`LockError` otherwise). Returns the removed lock's info."""
        ...

    def close(self) -> None: ...


def check_workspace(name: str) -> str:
    """``name`` if it is a valid workspace name (it becomes a folder name of the file
    backend: no ``/`` or ``..``), else :class:`BackendError`."""
    if not WORKSPACE_NAME.match(name):
        raise BackendError(
            f"invalid workspace name {name!r}: lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 63 characters"
        )
    return name
