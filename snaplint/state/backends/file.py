"""The file backend (default): ``.snaplint/state.json`` and its companions.

::

    state.json           the state (mode 0600)
    state.json.backup    the version before the last write
    state.json.journal   apply's write-ahead journal, one record per line (mode 0600)
    state.json.lock      the OS lock (``filelock``: flock on POSIX)
    state.json.lock.info who holds the lock (ID, operation, user@host, pid, start time)

Writes are atomic: a temporary file in the same folder is written, fsynced and renamed over
the state, then the folder is fsynced, so a crash leaves the old or the new state, never half
of one. Journal appends are fsynced before they return (that is the journal's whole point).

The lock is the operating system's: it disappears with the process that held it, so a
killed apply never leaves a stale lock behind; the info file it leaves is overwritten by the
next holder. ``force-unlock`` (for a holder that hangs) removes the lock file so that new
writers lock a fresh one; the hung process, should it wake, still believes it holds the old
lock — which is why it needs the holder's lock ID, as in Terraform.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path

from filelock import FileLock, Timeout

from snaplint.state.backends.base import BackendError, LockError, LockInfo

FILE_MODE = 0o600
INFO_WAIT = 1.0  # a new holder writes its info right after locking: wait this long for it
PROBE_GRACE = 0.2


class FileBackend:
    """State in a local file, guarded by an OS-level lock."""

    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.backup_path = self.path.with_name(self.path.name + ".backup")
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.info_path = self.path.with_name(self.path.name + ".lock.info")
        self._lock: FileLock | None = None
        self._held: LockInfo | None = None
        self._journal_lock = threading.Lock()

    def describe(self) -> str:
        return str(self.path)

    # -- state ------------------------------------------------------------------------------

    def read(self) -> bytes | None:
        return _read(self.path)

    def read_backup(self) -> bytes | None:
        return _read(self.backup_path)

    def write(self, data: bytes) -> None:
        self._mkdir()
        try:
            if self.path.exists():
                # the backup is a copy, not a rename: the state path must never be missing
                _atomic_write(self.backup_path, self.path.read_bytes())
            _atomic_write(self.path, data)
        except OSError as exc:
            raise BackendError(f"cannot write state {self.path}: {exc.strerror or exc}") from exc

    # -- journal ----------------------------------------------------------------------------

    def journal_append(self, record: bytes) -> None:
        if b"\n" in record:
            raise ValueError("a journal record must be one line")
        self._mkdir()
        with self._journal_lock:
            try:
                fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
                try:
                    os.write(fd, record + b"\n")
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise BackendError(
                    f"cannot append to journal {self.journal_path}: {exc.strerror or exc}"
                ) from exc

    def journal_read(self) -> list[bytes]:
        data = _read(self.journal_path) or b""
        lines = data.split(b"\n")
        # a record cut short by a crash mid-append has no newline: it never completed
        return [line for line in lines[:-1] if line.strip()]

    def journal_clear(self) -> None:
        with self._journal_lock:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.journal_path)
            _fsync_dir(self.path.parent)

    # -- lock -------------------------------------------------------------------------------

    def lock(self, info: LockInfo, timeout: float = 0.0) -> LockInfo:
        self._mkdir()
        if self._held is not None:
            raise LockError(f"this process already holds the state lock {self._held.id}")
        info = LockInfo(**{**info.__dict__, "path": info.path or str(self.path)})
        lock = FileLock(str(self.lock_path), timeout=timeout, mode=FILE_MODE, thread_local=False)
        try:
            # even "at once" allows a moment: `lock_holder` probes hold the lock for microseconds
            lock.acquire(timeout=max(PROBE_GRACE, timeout), poll_interval=0.02)
        except Timeout:
            holder = self._wait_for_info()
            waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
            raise LockError(
                f"the state {self.path} is locked by another process{waited}", holder
            ) from None
        try:
            _atomic_write(self.info_path, info.to_json())
        except OSError as exc:
            lock.release()
            raise BackendError(f"cannot write lock info {self.info_path}: {exc}") from exc
        self._lock, self._held = lock, info
        return info

    def unlock(self, lock_id: str) -> None:
        if self._held is None or self._lock is None:
            return
        if lock_id != self._held.id:
            raise LockError(f"lock ID {lock_id} is not the lock this process holds")
        current = self._read_info()
        if current is not None and current.id == self._held.id:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.info_path)
        self._lock.release()
        self._lock, self._held = None, None

    def lock_holder(self) -> LockInfo | None:
        if self._held is not None:
            return self._held
        if not self.lock_path.exists():
            return None
        probe = FileLock(str(self.lock_path), timeout=0, mode=FILE_MODE, thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return self._wait_for_info() or LockInfo(
                id="unknown", operation="?", who="?", host="?", pid=0, created="?"
            )
        probe.release()
        return None

    def force_unlock(self, lock_id: str) -> LockInfo:
        holder = self.lock_holder()
        if holder is None:
            raise LockError(f"the state {self.path} is not locked")
        if holder.id != lock_id:
            raise LockError(
                f"lock ID {lock_id} does not match the lock on {self.path}; "
                "force-unlock needs the holder's ID",
                holder,
            )
        # New writers lock a fresh file at the same path; the holder keeps the old inode.
        for path in (self.info_path, self.lock_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        return holder

    def close(self) -> None:
        if self._held is not None:
            self.unlock(self._held.id)

    # -- helpers ----------------------------------------------------------------------------

    def _mkdir(self) -> None:
        try:
            from snaplint.workdir import make_dirs

            make_dirs(self.path.parent)  # .snaplint/ gets its .gitignore
        except OSError as exc:
            raise BackendError(f"cannot create {self.path.parent}: {exc}") from exc

    def _read_info(self) -> LockInfo | None:
        data = _read(self.info_path)
        if not data:
            return None
        try:
            return LockInfo.from_json(data)
        except (ValueError, TypeError):
            return None

    def _wait_for_info(self) -> LockInfo | None:
        deadline = time.monotonic() + INFO_WAIT
        while True:
            info = self._read_info()
            if info is not None or time.monotonic() >= deadline:
                return info
            time.sleep(0.02)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackendError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # the rename is durable only once the directory entry is (POSIX); best effort elsewhere
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
