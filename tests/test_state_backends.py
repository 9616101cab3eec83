"""Backend conformance: every state backend passes these tests.

A backend only moves bytes (state, backup, journal) and holds a lock; lineage and serial are
checked one layer up, by :class:`snaplint.state.codec.StateStore`, whose behaviour on each backend
is part of the suite too. To run the suite on another backend, subclass
:class:`BackendConformance` and provide the ``spec`` fixture: the project config's ``state``
section, the environment and the project root that :func:`snaplint.state.backends.open_backend`
opens it from. ``make_backend(workspace=None)`` then returns a new handle on *the same*
stored state each time it is called (two handles = two processes); a subprocess can open it
from the same spec (a holder that dies).

The suite runs on the file backend and on PostgreSQL (a real throwaway server, see
``tests/pg_server.py``).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from snaplint.state.backends import Backend, BackendError, LockError, LockInfo, open_backend
from snaplint.state.backends.file import FileBackend
from snaplint.state.codec import State, StateError, StateStore, decode, encode
from snaplint.state.workspaces import list_workspaces

REPO = Path(__file__).resolve().parent.parent


@dataclass
class StoreSpec:
    """Where a backend's state lives, as the CLI would find it."""

    config: dict[str, Any]
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def open(self, workspace: str | None = None) -> Backend:
        return open_backend(self.config, project_root=self.root, env=self.env, workspace=workspace)


class BackendConformance:
    @pytest.fixture
    def spec(self) -> StoreSpec:  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    @pytest.fixture
    def make_backend(self, spec: StoreSpec):
        handles: list[Backend] = []

        def make(workspace: str | None = None) -> Backend:
            handles.append(spec.open(workspace))
            return handles[-1]

        yield make
        for handle in handles:
            handle.close()

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

    # -- a holder that dies ------------------------------------------------------------------

    def test_lock_released_when_holder_dies(self, spec, make_backend):
        """A killed holder (SIGKILL: no cleanup at all) leaves no lock behind."""
        code = (
            "import json, sys, time\n"
            "from pathlib import Path\n"
            "from snaplint.state.backends import LockInfo, open_backend\n"
            "spec = json.loads(sys.argv[1])\n"
            "b = open_backend(spec['config'], project_root=Path(spec['root']), env=spec['env'])\n"
            "info = b.lock(LockInfo.new('apply'))\n"
            'b.journal_append(b\'{"before":"death"}\')\n'
            "print(info.id, flush=True)\n"
            "time.sleep(120)\n"
        )
        payload = json.dumps({"config": spec.config, "root": str(spec.root), "env": spec.env})
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen(
            [sys.executable, "-c", code, payload], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            lock_id = proc.stdout.readline().strip()
            assert lock_id, "the holder did not lock"
            with pytest.raises(LockError) as err:
                make_backend().lock(LockInfo.new("apply"))
            assert err.value.holder is not None
            assert (err.value.holder.id, err.value.holder.pid) == (lock_id, proc.pid)
        finally:
            proc.kill()
            proc.wait()
        # what it journaled survives it; its lock does not (allow the server a moment)
        b = make_backend()
        assert b.journal_read() == [b'{"before":"death"}']
        held = b.lock(LockInfo.new("apply"), timeout=5)
        b.unlock(held.id)

    # -- workspaces ---------------------------------------------------------------------------

    def test_workspaces_have_separate_state_and_journal(self, make_backend):
        default, staging, production = (
            make_backend(),
            make_backend("staging"),
            make_backend("production"),
        )
        default.write(b"d1")
        staging.write(b"s1")
        staging.write(b"s2")
        staging.journal_append(b'{"w":"staging"}')
        assert default.read() == b"d1" and default.read_backup() is None
        assert make_backend("staging").read() == b"s2"
        assert make_backend("staging").read_backup() == b"s1"
        assert production.read() is None and production.journal_read() == []
        assert default.journal_read() == []
        assert make_backend("default").read() == b"d1"  # "default" is the default workspace

    def test_workspaces_have_separate_locks(self, make_backend):
        staging = make_backend("staging")
        held = staging.lock(LockInfo.new("apply"))
        production = make_backend("production")
        other = production.lock(LockInfo.new("apply"))  # at once: not the same lock
        assert make_backend().lock_holder() is None
        assert make_backend("staging").lock_holder().id == held.id
        assert make_backend("production").lock_holder().id == other.id
        with pytest.raises(LockError):
            make_backend("staging").lock(LockInfo.new("apply"))
        staging.unlock(held.id)
        production.unlock(other.id)

    def test_workspace_list(self, spec, make_backend):
        def names() -> list[str]:
            return list_workspaces(spec.config, project_root=spec.root, env=spec.env)

        assert names() == ["default"]
        make_backend("staging").write(b"s")
        make_backend("production").lock(LockInfo.new("apply"))  # locked, never written
        assert names() == ["default", "staging"]
        make_backend("production").write(b"p")
        make_backend().write(b"d")
        assert names() == ["default", "production", "staging"]

    @pytest.mark.parametrize("name", ["../escape", "Prod", "a/b", "", "-x", "x" * 64])
    def test_invalid_workspace_names_are_refused(self, spec, name):
        with pytest.raises(BackendError, match="invalid workspace name"):
            open_backend(spec.config, project_root=spec.root, env=spec.env, workspace=name or "..")


class TestFileBackend(BackendConformance):
    @pytest.fixture
    def spec(self, tmp_path):
        return StoreSpec({}, tmp_path)


@pytest.mark.postgres
class TestPostgresBackend(BackendConformance):
    @pytest.fixture
    def spec(self, tmp_path, pg_server):
        # a schema of its own per test: a fresh, empty store (created on first use)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        env = {"SNAPLINT_PG_DSN": pg_server.dsn, "SNAPLINT_PG_SCHEMA": schema}
        return StoreSpec({"backend": "postgres"}, tmp_path, env)


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
        "from snaplint.state.backends import LockInfo\n"
        "from snaplint.state.backends.file import FileBackend\n"
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


def test_postgres_without_its_extra_names_the_extra(tmp_path, monkeypatch) -> None:
    import sys

    from snaplint.state.backends import BackendError, open_backend

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    with pytest.raises(BackendError, match=r"pip install 'agora-snaplint\[postgres\]'"):
        open_backend({"backend": "postgres"}, project_root=tmp_path, env={})
