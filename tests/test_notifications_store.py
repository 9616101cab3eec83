"""The event stores, one conformance suite for both: SQLite (a folder) and PostgreSQL (a
throwaway server from tests/pg_server.py, a schema per test)."""

from __future__ import annotations

import random
import sqlite3
import uuid

import pytest

from snaplint.notifications import Event, EventStore, SQLiteEventStore, StoreError, parse_event
from snaplint.notifications.compose import notification_body
from snaplint.notifications.store import DAY_MS

NOW = 1_800_000_000_000


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        made: EventStore = SQLiteEventStore(tmp_path / ".snaplint")
    else:
        from snaplint.notifications.store_postgres import PostgresEventStore

        server = request.getfixturevalue("pg_server")
        made = PostgresEventStore(server.dsn, schema=f"ev_{uuid.uuid4().hex[:12]}")
    yield made
    made.close()


def event(
    seq: int | None,
    *,
    sid: str | None = "sid-a",
    uid: str = "527",
    cname: str = "class-7",
    event_type: int = 45,
    sendts: int | None = None,
    notice: str | None = None,
    app_id: str | None = None,
    received_ms: int = NOW,
    **details,
) -> Event:
    parsed = parse_event(
        notification_body(
            event_type,
            sid=sid,
            cname=cname,
            uid=uid,
            sequence=seq,
            sendts=sendts if sendts is not None else (NOW + 1000 * (seq or 0)),
            notice_id=notice,
            notify_ms=NOW,
            details=details or {"fileName": f"p/{seq}.jpg"},
        ),
        app_id=app_id,
        received_ms=received_ms,
    )
    assert isinstance(parsed, Event)
    return parsed


def test_is_an_event_store(store):
    assert isinstance(store, EventStore)
    store.ping()


def test_stores_once_by_notice_id(store):
    first = event(0, notice="n-1")
    assert store.add(first) is True
    assert store.add(first) is False  # Agora's resend: same noticeId
    resent = parse_event(first.body.replace(str(NOW), str(NOW + 5)), received_ms=NOW)
    assert resent.notify_ms != first.notify_ms  # a resend carries a new notifyMs
    assert store.add(resent) is False
    assert store.count() == 1
    assert store.events() == [first]  # what was stored, read back equal


def test_redundant_copies_with_new_notice_ids_are_stored_once(store):
    assert store.add(event(3, notice="n-1")) is True
    assert store.add(event(3, notice="n-2")) is False  # same sid, uid, sequence, eventType
    assert store.add(event(3, notice="n-3", event_type=44, streamUid="1", state=0)) is True
    assert store.add(event(3, notice="n-4", sid="sid-b")) is True
    # a failover's new recorder (another uid) reporting the same sequence is another report
    assert store.add(event(3, notice="n-5", uid="2088")) is True
    assert store.count() == 4


def test_events_without_sid_or_sequence_are_deduplicated_by_notice_id_only(store):
    assert store.add(event(None, notice="a"))
    assert store.add(event(None, notice="b"))
    assert store.add(event(1, sid=None, notice="c"))
    assert store.add(event(1, sid=None, notice="d"))
    assert not store.add(event(1, sid=None, notice="d"))
    assert store.count() == 4


def test_order_is_by_when_it_happened_not_by_arrival(store):
    made = [event(seq, notice=f"n-{seq}") for seq in range(40)]
    made += [event(7, notice="same-ms", event_type=44, sendts=NOW + 7000, streamUid="1", state=1)]
    made += [event(None, notice="no-seq", sendts=NOW + 7000)]
    made += [event(0, notice="no-sendts", sid="sid-b")]  # ordered by notifyMs (NOW)
    expected = sorted(made, key=lambda e: e.order_key)
    delivery = list(reversed(made))
    random.Random(7).shuffle(delivery[:20])
    for e in delivery:
        assert store.add(e)
    assert [e.notice_id for e in store.events()] == [e.notice_id for e in expected]


def test_reverse_delivery_gives_the_same_list(store, tmp_path):
    made = [event(seq, notice=f"n-{seq}") for seq in range(25)]
    for e in reversed(made):
        store.add(e)
    for e in made:  # and every copy again, in order: nothing changes
        store.add(e)
    assert store.events() == made


def test_queries(store):
    a = [event(s, notice=f"a{s}", app_id="app1") for s in range(5)]
    b = [event(s, sid="sid-b", uid="528", notice=f"b{s}") for s in range(3)]
    c = [event(0, sid="sid-c", cname="other", notice="c0", event_type=11, exitStatus=0)]
    for e in [*b, *c, *a]:
        store.add(e)
    assert store.events(sid="sid-a") == a
    assert store.events(cname="class-7", uid="528") == b
    assert store.events(cname="class-7") == sorted(a + b, key=lambda e: e.order_key)
    assert store.events(app_id="app1") == a
    assert store.events(event_types=[11]) == c
    assert store.events(event_types=[]) == []
    assert store.events(sid="sid-a", since_ms=NOW + 3000) == a[3:]
    assert store.events(sid="sid-a", limit=2) == a[3:]  # the latest two, oldest first
    assert store.events(sid="nope") == []
    assert len(store.events()) == 9


def test_prune_deletes_by_arrival(store):
    old = event(0, notice="old", received_ms=NOW - 31 * DAY_MS)
    new = event(1, notice="new", received_ms=NOW - 29 * DAY_MS)
    store.add(old)
    store.add(new)
    assert store.prune(30, now_ms=NOW) == 1
    assert store.events() == [new]
    assert store.prune(30, now_ms=NOW) == 0
    with pytest.raises(ValueError):
        store.prune(0)


def test_secret_free_columns_only(store):
    """The store keeps the body and the receiver's facts; there is no place for headers."""
    e = event(0, notice="n")
    store.add(e)
    (back,) = store.events()
    assert back.body == e.body and back.app_id is None and back.received_ms == NOW


# -- SQLite specifics ----------------------------------------------------------------------------


def test_sqlite_file_wal_and_pragmas(tmp_path):
    folder = tmp_path / "project" / ".snaplint"  # created when missing
    with SQLiteEventStore(folder) as s:
        assert s.path == folder / "events.sqlite3" and s.path.exists()
        assert s.journal_mode == "wal"
        conn = s._connect()
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    with SQLiteEventStore(folder, synchronous="full", busy_timeout_ms=1500) as s:
        assert s._connect().execute("PRAGMA synchronous").fetchone()[0] == 2
    with pytest.raises(ValueError):
        SQLiteEventStore(folder, synchronous="sometimes")


def test_sqlite_unusable_places_are_store_errors(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the event store"):
        SQLiteEventStore(tmp_path / "file")
    folder = tmp_path / "newer"
    SQLiteEventStore(folder).close()
    with sqlite3.connect(folder / "events.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer snaplint"):
        SQLiteEventStore(folder)
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "events.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        SQLiteEventStore(garbage)


def test_sqlite_locked_too_long_is_a_store_error(tmp_path):
    s = SQLiteEventStore(tmp_path, busy_timeout_ms=200)
    blocker = sqlite3.connect(tmp_path / "events.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreError, match="locked"):
            s.add(event(0, notice="n"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert s.add(event(0, notice="n")) is True  # and it recovers
    s.close()


# -- PostgreSQL specifics ----------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_table_and_unique_index(pg_server):
    import psycopg

    from snaplint.notifications.store_postgres import PostgresEventStore

    schema = f"ev_{uuid.uuid4().hex[:12]}"
    s = PostgresEventStore(pg_server.dsn, schema=schema)
    s.ping()
    with psycopg.connect(pg_server.dsn) as conn:
        indexes = dict(
            conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
                "AND tablename = 'snaplint_events'",
                (schema,),
            ).fetchall()
        )
    assert "UNIQUE" in indexes["snaplint_events_notice"]
    assert "(notice_id)" in indexes["snaplint_events_notice"]
    s.close()


@pytest.mark.postgres
def test_postgres_errors_never_show_the_password(pg_server):
    from snaplint.notifications.store_postgres import PostgresEventStore

    wrong = pg_server.dsn.replace(f"password={pg_server.password}", "password=Wrong-Pw-91c3")
    s = PostgresEventStore(wrong, schema="ev_pw")
    with pytest.raises(StoreError) as err:
        s.ping()
    assert "Wrong-Pw-91c3" not in str(err.value) and "127.0.0.1" in str(err.value)
    assert "Wrong-Pw-91c3" not in repr(s)
    closed = f"host=127.0.0.1 port=1 user=u password={pg_server.password} connect_timeout=2"
    with pytest.raises(StoreError) as err:
        PostgresEventStore(closed).add(event(0, notice="n"))
    assert pg_server.password not in str(err.value)
