"""Backend conformance: every state backend passes these tests.

A backend only moves bytes (state, backup, journal) and holds a lock; lineage and serial are
checked one layer up, by :class:`snaplint.state.StateStore`, whose behaviour on each backend
is part of the suite too. To run the suite on another backend, subclass
:class:`BackendConformance` and provide the ``make_backend`` fixture: a factory returning a
new handle on *the same* stored state each time it is called (two handles = two processes).
"""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from snaplint.backends import Backend, LockError, LockInfo
from snaplint.backends.file import FileBackend
from snaplint.state import State, StateError, StateStore, decode, encode


class BackendConformance:
    @pytest.fixture
    def make_backend(self):  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    # -- bytes ------------------------------------------------------------------------------

    def test_is_a_backend(self, make_backend):
        assert isinstance(make_backend(), Backend)

    def test_empty(self, make_backend):
        b = make_backend()
        assert b.read() is None
        assert b.read_backup() is None
        assert b.journal_read() == []
        assert b.lock_holder() is None

    def test_write_read_and_backup(self, make_backend):
        b = make_backend()
        b.write(b"one")
        assert b.read() == b"one"
        b.write(b"two")
        assert b.read() == b"two"
        assert b.read_backup() == b"one"
        assert make_backend().read() == b"two"  # another handle sees it

    def test_journal_append_read_clear(self, make_backend):
        b = make_backend()
        b.journal_append(b'{"a":1}')
        b.journal_append(b'{"a":2}')
        assert make_backend().journal_read() == [b'{"a":1}', b'{"a":2}']
        b.journal_clear()
        assert b.journal_read() == []

    def test_journal_appends_from_threads(self, make_backend):
        b = make_backend()

        def work(i: int) -> None:
            for j in range(20):
                b.journal_append(f'{{"t":{i},"j":{j}}}'.encode())

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(b.journal_read()) == 80

    # -- lock -------------------------------------------------------------------------------

    def test_lock_unlock(self, make_backend):
        b = make_backend()
        info = b.lock(LockInfo.new("apply"))
        holder = make_backend().lock_holder()
        assert holder is not None and holder.id == info.id
        assert holder.operation == "apply" and holder.pid == os.getpid()
        b.unlock(info.id)
        assert make_backend().lock_holder() is None
        again = make_backend()
        again.unlock(again.lock(LockInfo.new("apply")).id)

    def test_contended_lock_names_the_holder_at_once(self, make_backend):
        a, b = make_backend(), make_backend()
        held = a.lock(LockInfo.new("apply"))
        started = time.monotonic()
        with pytest.raises(LockError) as err:
            b.lock(LockInfo.new("destroy"), timeout=0)
        assert time.monotonic() - started < 2
        assert err.value.holder is not None and err.value.holder.id == held.id
        text = str(err.value)
        for part in (held.id, held.host, str(held.pid), held.created, "apply"):
            assert part in text
        a.unlock(held.id)

    def test_lock_timeout_waits_then_fails(self, make_backend):
        a, b = make_backend(), make_backend()
        held = a.lock(LockInfo.new("apply"))
        started = time.monotonic()
        with pytest.raises(LockError):
            b.lock(LockInfo.new("apply"), timeout=0.5)
        assert time.monotonic() - started >= 0.45
        a.unlock(held.id)

    def test_lock_timeout_succeeds_when_released(self, make_backend):
        a, b = make_backend(), make_backend()
        held = a.lock(LockInfo.new("apply"))
        threading.Timer(0.3, a.unlock, args=(held.id,)).start()
        got = b.lock(LockInfo.new("apply"), timeout=5)
        b.unlock(got.id)

    def test_force_unlock_needs_the_id(self, make_backend):
        a, b = make_backend(), make_backend()
        held = a.lock(LockInfo.new("apply"))
        with pytest.raises(LockError) as err:
            b.force_unlock("not-the-id")
        assert err.value.holder is not None and err.value.holder.id == held.id
        removed = b.force_unlock(held.id)
        assert removed.id == held.id
        c = make_backend()
        got = c.lock(LockInfo.new("apply"))  # a new writer may proceed
        c.unlock(got.id)

    def test_force_unlock_when_not_locked(self, make_backend):
        with pytest.raises(LockError):
            make_backend().force_unlock("whatever")

    # -- the store on this backend ------------------------------------------------------------

    def test_store_serial_and_lineage(self, make_backend):
        store = StateStore(make_backend())
        state = store.load()
        assert state.serial == 0
        store.save(state)
        assert state.serial == 1
        again = StateStore(make_backend()).load()
        assert (again.lineage, again.serial, again.salt) == (state.lineage, 1, state.salt)
        store.save(state)
        assert StateStore(make_backend()).load().serial == 2
        assert decode(make_backend().read_backup()).serial == 1

    def test_store_refuses_a_concurrent_write(self, make_backend):
        first, second = StateStore(make_backend()), StateStore(make_backend())
        base = first.load()
        first.save(base)
        mine, theirs = first.load(), second.load()
        second.save(theirs)
        with pytest.raises(StateError, match="changed while this command ran"):
            first.save(mine)

    def test_store_refuses_another_lineage(self, make_backend):
        store = StateStore(make_backend())
        store.save(store.load())
        other = State.new()
        other.serial = 1
        make_backend()  # same storage
        store2 = StateStore(make_backend())
        store2.read()
        with pytest.raises(StateError, match="lineage"):
            store2.save(other)


class TestFileBackend(BackendConformance):
    @pytest.fixture
    def make_backend(self, tmp_path):
        return lambda: FileBackend(tmp_path / ".snaplint" / "state.json")


# --------------------------------------------------------------------------- file specifics


def test_file_modes_are_0600(tmp_path):
    b = FileBackend(tmp_path / "s" / "state.json")
    b.write(b"{}")
    b.write(b"{}")
    b.journal_append(b"{}")
    for path in (b.path, b.backup_path, b.journal_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_file_write_is_atomic(tmp_path, monkeypatch):
    b = FileBackend(tmp_path / "state.json")
    b.write(b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(Exception, match="disk full"):
        b.write(b"new")
    monkeypatch.undo()
    assert b.read() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_file_journal_drops_a_torn_last_record(tmp_path):
    b = FileBackend(tmp_path / "state.json")
    b.journal_append(b'{"a":1}')
    with open(b.journal_path, "ab") as fh:
        fh.write(b'{"a":')  # a crash in the middle of an append
    assert b.journal_read() == [b'{"a":1}']


def test_file_lock_released_when_holder_dies(tmp_path):
    """The OS releases the lock of a killed process: no stale lock survives it."""
    import subprocess
    import sys

    path = tmp_path / "state.json"
    code = (
        "import sys, time\n"
        "from snaplint.backends import LockInfo\n"
        "from snaplint.backends.file import FileBackend\n"
        f"b = FileBackend({str(path)!r})\n"
        "b.lock(LockInfo.new('apply'))\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockError) as err:
            FileBackend(path).lock(LockInfo.new("apply"))
        assert err.value.holder is not None and err.value.holder.pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
    b = FileBackend(path)
    b.unlock(b.lock(LockInfo.new("apply")).id)


def test_state_codec_round_trip_and_versions():
    state = State.new()
    assert decode(encode(state)) == state
    import json

    doc = json.loads(encode(state))
    doc["version"] = 99
    with pytest.raises(StateError, match="newer snaplint"):
        decode(json.dumps(doc).encode())
    with pytest.raises(StateError, match="not valid JSON"):
        decode(b"{")
    with pytest.raises(StateError, match="not a snaplint state"):
        decode(b"{}")
