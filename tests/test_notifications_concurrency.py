"""Several receiver processes writing one store at once store each event exactly once, and
exactly one of them is told it was new."""

from __future__ import annotations

import multiprocessing
import random
import uuid
from pathlib import Path

import pytest

from snaplint.notifications import Event, SQLiteEventStore, parse_event
from snaplint.notifications.compose import notification_body

PROCESSES = 4
EVENTS = 150


def events() -> list[Event]:
    """EVENTS events, each also as a redundant copy (new noticeId, same sid/uid/sequence)."""
    made = []
    for seq in range(EVENTS):
        for copy in ("a", "b"):
            raw = notification_body(
                45,
                sid=f"sid-{seq % 3}",
                cname="c",
                uid="527",
                sequence=seq,
                sendts=1000 + seq,
                notice_id=f"n-{seq}-{copy}",
            )
            parsed = parse_event(raw, received_ms=1)
            assert isinstance(parsed, Event)
            made.append(parsed)
    return made


def write_all(kind: str, where: str, seed: int, start, results) -> None:
    """One 'receiver process': its own store object, every event, in its own order."""
    if kind == "sqlite":
        store = SQLiteEventStore(Path(where), busy_timeout_ms=10000)
    else:
        from snaplint.notifications.store_postgres import PostgresEventStore

        dsn, schema = where.split("|")
        store = PostgresEventStore(dsn, schema=schema)
    mine = events()
    random.Random(seed).shuffle(mine)
    start.wait(30)  # all processes begin writing together
    new = [e.notice_id for e in mine if store.add(e)]
    store.close()
    results.put(new)


def run(kind: str, where: str) -> list[list[str]]:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [
        ctx.Process(target=write_all, args=(kind, where, seed, start, results))
        for seed in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    news = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0
    return news


def check(news: list[list[str]], stored: list[Event]) -> None:
    claimed = [notice for new in news for notice in new]
    seqs = [int(n.split("-")[1]) for n in claimed]
    assert sorted(seqs) == list(range(EVENTS)), "each event new exactly once, in one process"
    assert [e.sequence for e in sorted(stored, key=lambda e: e.sequence)] == list(range(EVENTS))
    assert sorted(e.notice_id for e in stored) == sorted(claimed)


def test_processes_share_one_sqlite_file(tmp_path):
    folder = tmp_path / ".snaplint"  # not created yet: the processes race to create it too
    news = run("sqlite", str(folder))
    with SQLiteEventStore(folder) as store:
        check(news, store.events())
        assert store.count() == EVENTS


@pytest.mark.postgres
def test_replicas_share_one_postgres_table(pg_server):
    from snaplint.notifications.store_postgres import PostgresEventStore

    schema = f"ev_{uuid.uuid4().hex[:12]}"  # created by whichever replica comes first
    news = run("postgres", f"{pg_server.dsn}|{schema}")
    with PostgresEventStore(pg_server.dsn, schema=schema) as store:
        check(news, store.events())
        assert store.count() == EVENTS
