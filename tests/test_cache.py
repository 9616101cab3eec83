"""The results cache: same answers warm and cold, invalidation, project rules, secrets, races."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import snaplint.lint.cache as cache_mod
import snaplint.lint.runner as runner_mod
from tests import _project_rule
from tests._reports import CLEAN, SECRET_VALUE, bad, with_secret

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def stats(monkeypatch):
    """The last run's cache statistics."""
    seen: list[dict] = []
    original = runner_mod.Runner.run

    def run(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        seen.append(dict(self.stats))
        return result

    monkeypatch.setattr(runner_mod.Runner, "run", run)
    return seen


@pytest.fixture
def with_project_rule(monkeypatch):
    import snaplint.rules as rules

    original = rules.builtin_rules
    monkeypatch.setattr(rules, "builtin_rules", lambda: [*original(), _project_rule])
    _project_rule.CALLS.clear()
    return _project_rule


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for i in range(6):
        (jobs / f"job{i}.yaml").write_text(
            CLEAN.format(name=f"job{i}").replace('"910001"', f'"91000{i}"')
        )
    (jobs / "bad.yaml").write_text(bad("badjob").replace('"910001"', '"910009"'))
    return tmp_path


def write_many(jobs: Path, n: int, names: int) -> None:
    """``n`` clean jobs with their own uids; only ``names`` distinct names (the rest repeat)."""
    for i in range(n):
        (jobs / f"many{i}.yaml").write_text(
            CLEAN.format(name=f"many{i % names}").replace('"910001"', f'"92{i:04d}"')
        )


def databases(folder: Path) -> list[Path]:
    return sorted((folder / f"v{cache_mod.CACHE_FORMAT}").glob("*.sqlite3"))


def stored_text(folder: Path) -> str:
    """Everything the cache databases under ``folder`` hold, as SQL text."""
    import sqlite3

    out = []
    for db in databases(folder):
        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            out.extend(con.iterdump())
        finally:
            con.close()
    return "\n".join(out)


def lint_json(cli, project: Path, *args: str) -> list[dict]:
    code, out, err = cli("lint", "--format", "json", *args, cwd=project)
    assert code in (0, 1), err
    return json.loads(out)


def test_warm_run_gives_the_same_results(cli, project: Path, stats) -> None:
    cold = lint_json(cli, project, "jobs")
    assert stats[-1]["misses"] == 7 and stats[-1]["hits"] == 0
    warm = lint_json(cli, project, "jobs")
    assert stats[-1]["hits"] == 7 and stats[-1]["misses"] == 0
    assert warm == cold == lint_json(cli, project, "--no-cache", "jobs")
    assert cold  # bad.yaml has findings
    # text output too (sources for snippets come back from the file, not the cache)
    assert cli("lint", "jobs", cwd=project)[1] == cli("lint", "--no-cache", "jobs", cwd=project)[1]
    folder = project / ".snaplint_cache"
    assert (folder / ".gitignore").read_text().strip().endswith("*")
    assert (folder / "CACHEDIR.TAG").exists()


def test_a_changed_file_is_linted_again(cli, project: Path, stats) -> None:
    lint_json(cli, project, "jobs")
    (project / "jobs" / "job1.yaml").write_text(bad("job1"))
    found = lint_json(cli, project, "jobs")
    assert stats[-1]["misses"] == 1 and stats[-1]["hits"] == 6
    assert any(d["file"] == "jobs/job1.yaml" for d in found)


def test_settings_change_the_key(cli, project: Path, stats) -> None:
    lint_json(cli, project, "jobs")
    lint_json(cli, project, "--ignore", "capture-interval-out-of-range", "jobs")
    assert stats[-1]["hits"] == 0
    (project / ".snaplint.yaml").write_text('api-revision: "2026-06"\n')
    lint_json(cli, project, "jobs")
    assert stats[-1]["hits"] == 0
    lint_json(cli, project, "jobs")
    assert stats[-1]["hits"] == 7


def test_no_cache_and_cache_dir(cli, project: Path, tmp_path: Path, monkeypatch) -> None:
    lint_json(cli, project, "--no-cache", "jobs")
    assert not (project / ".snaplint_cache").exists()
    monkeypatch.setenv("SNAPLINT_NO_CACHE", "1")
    lint_json(cli, project, "jobs")
    assert not (project / ".snaplint_cache").exists()
    monkeypatch.delenv("SNAPLINT_NO_CACHE")
    lint_json(cli, project, "--cache-dir", "elsewhere/c", "jobs")
    assert databases(project / "elsewhere" / "c")


def test_corrupt_cache_is_ignored_and_rewritten(cli, project: Path, stats) -> None:
    expected = lint_json(cli, project, "jobs")
    assert databases(project / ".snaplint_cache")
    for f in databases(project / ".snaplint_cache"):
        f.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)  # torn
    assert lint_json(cli, project, "jobs") == expected
    assert stats[-1]["hits"] == 0
    assert lint_json(cli, project, "jobs") == expected
    assert stats[-1]["hits"] == 7


def test_project_rules_stay_correct_on_a_warm_cache(
    cli, project: Path, stats, with_project_rule
) -> None:
    jobs = project / "jobs"
    (jobs / "job5.yaml").write_text(
        "# moved down\n\n" + CLEAN.format(name="job0").replace('"910001"', '"910005"')
    )
    cold = lint_json(cli, project, "jobs")
    dup = [d for d in cold if d["rule"] == "test-same-name"]
    assert [(d["file"], d["message"]) for d in dup] == [
        ("jobs/job5.yaml", "name job0 is also used at jobs/job0.yaml:4")
    ]
    # unchanged set: the project stage itself comes from the cache
    calls = len(with_project_rule.CALLS)
    assert lint_json(cli, project, "jobs") == cold
    assert stats[-1]["project_cached"] == 1 and len(with_project_rule.CALLS) == calls

    # another file changes: project rules run again over every document, the cached ones
    # included, and a finding on a cached document is located in its (re-parsed) file
    (jobs / "job3.yaml").write_text(CLEAN.format(name="job5").replace('"910001"', '"910003"'))
    (jobs / "job5.yaml").write_text(
        "# moved down\n\n" + CLEAN.format(name="job4").replace('"910001"', '"910005"')
    )
    (jobs / "job0.yaml").write_text("# top\n" + (jobs / "job0.yaml").read_text())
    warm = lint_json(cli, project, "jobs")
    assert stats[-1]["hits"] == 4 and stats[-1]["project_cached"] == 0
    assert with_project_rule.CALLS[-1] == 7  # every checked document, cached or not
    assert warm == lint_json(cli, project, "--no-cache", "jobs")
    assert [(d["file"], d["message"]) for d in warm if d["rule"] == "test-same-name"] == [
        ("jobs/job5.yaml", "name job4 is also used at jobs/job4.yaml:4")
    ]


def test_pre_commit_style_run_sees_the_whole_project(
    cli, project: Path, stats, with_project_rule
) -> None:
    jobs = project / "jobs"
    lint_json(cli, project, "jobs")  # warm the cache
    (jobs / "new.yaml").write_text(CLEAN.format(name="job2").replace('"910001"', '"910077"'))
    found = lint_json(cli, project, "jobs/new.yaml", "jobs/job1.yaml")
    # reported only for the files given, yet found against the whole project
    assert {d["file"] for d in found} == {"jobs/new.yaml"}
    ours = [d["message"] for d in found if d["rule"] == "test-same-name"]
    assert ours == ["name job2 is also used at jobs/job2.yaml:4"]
    assert stats[-1]["misses"] == 1  # only the new file was linted; the context came from cache
    _, out, _ = cli("lint", "--format", "concise", "jobs/job1.yaml", cwd=project)
    assert "(1 file, 1 document checked)" in out  # context files are not counted as checked


def _multi(names: list[str], uid: int) -> str:
    """One file of several jobs (own channels and uids)."""
    return "---\n".join(
        CLEAN.format(name=n).replace('"910001"', f'"{uid + k}"') for k, n in enumerate(names)
    )


def test_an_edited_file_reads_back_only_the_cached_documents_it_collides_with(
    cli, project: Path, stats, monkeypatch
) -> None:
    """Pre-commit on one changed file: every other file's documents are indexed by the key
    hashes stored with its entry; only those sharing a key are read back from the cache."""
    jobs = project / "jobs"
    (jobs / "multi.yaml").write_text(_multi(["m0", "m1", "m2"], 930000))
    # a literal secret: this file's documents are not stored, only their key hashes
    secret = CLEAN.format(name="s1").replace("${env:AWS_ACCESS_KEY_ID}", SECRET_VALUE)
    (jobs / "secret.yaml").write_text(secret.replace('"910001"', '"930009"'))
    lint_json(cli, project, "jobs")  # fills the cache
    read_back: list[str] = []
    docs = cache_mod.Cache.docs
    monkeypatch.setattr(
        cache_mod.Cache, "docs", lambda self, real: read_back.append(real) or docs(self, real)
    )

    def duplicates(found: list[dict]) -> list[tuple[str, str]]:
        return [(d["file"], d["message"]) for d in found if d["rule"] == "duplicate-job-name"]

    # (m1's name: line 4 of the second document; the first is 23 lines and a "---")
    for name, other, line in (("m1", "multi.yaml", 23 + 1 + 4), ("s1", "secret.yaml", 4)):
        read_back.clear()
        (jobs / "job1.yaml").write_text(CLEAN.format(name=name))
        found = lint_json(cli, project, "jobs/job1.yaml")
        assert stats[-1]["misses"] == 1 and stats[-1]["project_cached"] == 0
        assert [os.path.basename(p) for p in read_back] == [other]
        assert duplicates(found) == [("jobs/job1.yaml", duplicates(found)[0][1])]
        assert f"jobs/{other}:{line}" in duplicates(found)[0][1]
        assert found == lint_json(cli, project, "--no-cache", "jobs/job1.yaml")


def test_entries_without_key_hashes_are_read_back_whole(cli, project: Path, stats) -> None:
    """An entry whose key hashes were altered no longer matches its checksum: a miss, linted
    again (issue 12, point 5); the findings stay those of an uncached run."""
    import sqlite3

    jobs = project / "jobs"
    (jobs / "multi.yaml").write_text(_multi(["m0", "m1"], 930000))
    lint_json(cli, project, "jobs")
    (db,) = databases(project / ".snaplint_cache")
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE files SET keys = NULL WHERE path LIKE '%multi.yaml'")
        con.execute("UPDATE files SET keys = x'0102' WHERE path LIKE '%job2.yaml'")
    con.close()
    (jobs / "job1.yaml").write_text(CLEAN.format(name="m1"))
    found = lint_json(cli, project, "jobs/job1.yaml")
    assert stats[-1]["hits"] == 5 and stats[-1]["misses"] == 3, stats[-1]
    assert stats[-1]["project_cached"] == 0
    assert any(d["rule"] == "duplicate-job-name" for d in found)
    assert found == lint_json(cli, project, "--no-cache", "jobs/job1.yaml")


def test_a_file_asked_for_through_a_link_is_not_also_context(
    cli, project: Path, stats, with_project_rule, tmp_path: Path
) -> None:
    jobs = project / "jobs"
    (jobs / "new.yaml").write_text(CLEAN.format(name="job2").replace('"910001"', '"910077"'))
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    found = lint_json(cli, project, str(link / "jobs" / "new.yaml"))
    ours = [(d["file"], d["message"]) for d in found if d["rule"] == "test-same-name"]
    # one conflict, with job2: the file was not linted a second time as its own context
    assert len(ours) == 1 and ours[0][0].endswith("link/jobs/new.yaml"), ours
    assert "jobs/job2.yaml:4" in ours[0][1]


def test_no_secret_in_the_cache(cli, project: Path, with_project_rule) -> None:
    (project / "jobs" / "secret.yaml").write_text(with_secret("secret"))
    (project / "jobs" / "literal.yaml").write_text(
        CLEAN.format(name="literal").replace("${env:AWS_SECRET_ACCESS_KEY}", SECRET_VALUE)
    )
    lint_json(cli, project, "jobs")
    stored = stored_text(project / ".snaplint_cache")
    assert '"job0"' in stored  # document data of secret-free documents is stored ...
    assert SECRET_VALUE not in stored  # ... never a document holding a literal secret


def test_resolve_env_and_stdin_are_not_cached(cli, project: Path, stats) -> None:
    lint_json(cli, project, "--resolve-env", "jobs")
    assert not (project / ".snaplint_cache").exists()
    code, out, err = cli(
        "lint", "--format", "json", "-", cwd=project, stdin=CLEAN.format(name="x").encode()
    )
    assert code == 0, err
    assert json.loads(out) == []
    assert not (project / ".snaplint_cache").exists()


def test_workers_give_the_same_results(
    cli, project: Path, stats, monkeypatch, with_project_rule
) -> None:
    write_many(project / "jobs", 40, names=30)
    serial = lint_json(cli, project, "--no-cache", "-j", "1", "jobs")
    monkeypatch.setattr(runner_mod, "PARALLEL_MIN_FILES", 4)
    parallel = lint_json(cli, project, "-j", "2", "jobs")
    assert stats[-1]["workers"] == 2
    assert parallel == serial
    assert sum(d["rule"] == "test-same-name" for d in parallel) == 10
    assert lint_json(cli, project, "jobs") == serial  # and from the cache


def test_a_worker_dying_midway_loses_no_file(
    cli, project: Path, stats, monkeypatch, with_project_rule
) -> None:
    write_many(project / "jobs", 40, names=30)
    serial = lint_json(cli, project, "--no-cache", "-j", "1", "jobs")
    work = runner_mod.work

    def dies_on_the_last_chunk(chunk):  # runs in the forked worker
        if any(i >= 32 for i in chunk):
            os._exit(3)
        return work(chunk)

    monkeypatch.setattr(runner_mod, "work", dies_on_the_last_chunk)
    monkeypatch.setattr(runner_mod, "PARALLEL_MIN_FILES", 4)
    assert lint_json(cli, project, "--no-cache", "-j", "2", "jobs") == serial
    assert stats[-1]["workers"] == 2  # the first chunks came from the workers


def test_a_cache_written_in_many_transactions_is_whole(
    cli, project: Path, stats, monkeypatch, with_project_rule
) -> None:
    jobs = project / "jobs"
    write_many(jobs, 30, names=25)
    monkeypatch.setattr(cache_mod, "BATCH", 4)  # entries are written a few at a time ...
    monkeypatch.setattr(runner_mod, "LOOKUP_BATCH", 5)  # ... between lookups of a few at a time
    first = lint_json(cli, project, "jobs")
    assert stats[-1]["misses"] > 30
    assert stored_text(project / ".snaplint_cache").count('INSERT INTO "files"') == 37
    assert lint_json(cli, project, "jobs") == first
    assert stats[-1]["misses"] == 0 and stats[-1]["hits"] > 30
    (jobs / "many3.yaml").write_text(CLEAN.format(name="many0"))  # one file changes
    third = lint_json(cli, project, "jobs")
    assert stats[-1]["misses"] == 1
    assert third == lint_json(cli, project, "--no-cache", "jobs")


def test_concurrent_runs_share_the_cache_safely(project: Path) -> None:
    cmd = [sys.executable, "-m", "snaplint", "lint", "--format", "json", "jobs"]
    procs = [
        subprocess.Popen(cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 1 for p in procs), [e.decode() for _, e in outputs]
    assert len({o for o, _ in outputs}) == 1  # everyone got the same answer
    assert "INSERT INTO" in stored_text(project / ".snaplint_cache")  # whole, never torn


def _age_files(project: Path, seconds: float) -> None:
    """Make every manifest look written `seconds` ago (well before the next cache write)."""
    import os
    import time

    then = time.time() - seconds
    for path in (project / "jobs").iterdir():
        os.utime(path, (then, then))


def test_unchanged_files_are_not_even_read_on_a_warm_run(
    cli, project: Path, stats, monkeypatch
) -> None:
    _age_files(project, 60)
    cold = lint_json(cli, project, "jobs")
    reads: list[str] = []
    original = runner_mod.read_bytes

    def counting(path, *args, **kwargs):
        reads.append(Path(path).name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(runner_mod, "read_bytes", counting)
    warm = lint_json(cli, project, "jobs")
    assert warm == cold and stats[-1]["hits"] == 7
    assert reads == ["bad.yaml"]  # only the file whose findings need their source lines


def test_an_edit_with_the_same_size_is_still_seen(cli, project: Path, stats) -> None:
    _age_files(project, 60)
    lint_json(cli, project, "jobs")
    job = project / "jobs" / "job2.yaml"
    text = job.read_text()
    edited = text.replace("captureInterval: 15", "captureInterval: 0 ")  # same length
    assert len(edited) == len(text)
    job.write_text(edited)  # a new mtime: the shortcut does not apply
    found = lint_json(cli, project, "jobs")
    assert any(
        d["file"] == "jobs/job2.yaml" and d["rule"] == "capture-interval-out-of-range"
        for d in found
    )


def test_files_written_just_before_the_cache_are_hashed(
    cli, project: Path, stats, monkeypatch
) -> None:
    # same size and mtime, but too close to the cache's write time to trust (git's "racy" case)
    lint_json(cli, project, "jobs")
    reads: list[str] = []
    original = runner_mod.read_bytes
    monkeypatch.setattr(
        runner_mod, "read_bytes", lambda p, *a, **k: reads.append(p) or original(p, *a, **k)
    )
    lint_json(cli, project, "jobs")
    assert len(reads) == 7 and stats[-1]["hits"] == 7


def test_a_fully_warm_run_loads_no_parser_or_validator(cli, project: Path) -> None:
    _age_files(project, 60)
    (project / "jobs" / "bad.yaml").unlink()  # a clean tree: nothing to show, nothing to parse
    for _ in range(2):  # the first run fills the cache, the second remembers the config
        assert cli("lint", "jobs", cwd=project)[0] == 0
    probe = (
        "import sys; from snaplint.cli import main; code = main(['lint', '-q', 'jobs']); "
        "heavy = [m for m in ('yaml', 'jsonschema_rs', 'jsonschema', 'importlib.metadata', "
        "'requests', 'rich') if m in sys.modules]; print(code, heavy)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, capture_output=True, text=True
    )
    assert proc.stdout.strip() == "0 []", proc.stdout + proc.stderr


def test_a_cache_corrupt_inside_is_replaced(cli, project: Path, stats) -> None:
    expected = lint_json(cli, project, "jobs")
    [db] = databases(project / ".snaplint_cache")
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # the header reads fine, the pages do not
    db.write_bytes(bytes(data))
    assert lint_json(cli, project, "jobs") == expected  # served by linting again
    assert stats[-1]["hits"] == 0
    lint_json(cli, project, "jobs")  # a new database is written ...
    assert lint_json(cli, project, "jobs") == expected
    assert stats[-1]["hits"] == 7  # ... and used


def test_entries_of_deleted_files_are_dropped(cli, project: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_mod, "PRUNE_EVERY", 0)
    lint_json(cli, project, "jobs")
    assert "job3.yaml" in stored_text(project / ".snaplint_cache")
    (project / "jobs" / "job3.yaml").unlink()
    (project / "jobs" / "job4.yaml").write_text(CLEAN.format(name="renamed"))
    lint_json(cli, project, "jobs")
    stored = stored_text(project / ".snaplint_cache")
    assert "job3.yaml" not in stored and "job2.yaml" in stored


def test_an_unwritable_cache_only_costs_misses(cli, project: Path, stats, monkeypatch) -> None:
    expected = lint_json(cli, project, "--no-cache", "jobs")
    blocker = project / "blocked"
    blocker.write_text("a file where the cache folder should be")
    assert lint_json(cli, project, "--cache-dir", "blocked/c", "jobs") == expected
    assert stats[-1]["misses"] == 7


def _write_entries(folder: str, n: int) -> bool:
    cache = cache_mod.Cache(Path(folder), "key")
    for i in range(30):
        entry = cache_mod.Entry(f"h{i}", 1, 2, 3, False, 1, None, None)
        cache.put(f"/project/{n}/job{i}.yaml", entry, None)
    cache.save()
    return cache._writable


def test_entries_are_looked_up_by_path_many_at_a_time(tmp_path: Path) -> None:
    cache = cache_mod.Cache(tmp_path, "key")
    for name in ("a", "b", "c"):
        cache.put(
            f"/p/{name}.yaml", cache_mod.Entry(f"h-{name}", 1, 2, 3, False, 1, None, None), None
        )
    cache.save()
    cache = cache_mod.Cache(tmp_path, "key")
    found = cache.get_many(["/p/c.yaml", "/p/missing.yaml", "/p/a.yaml", "/p/c.yaml"])
    assert {path: entry.hash for path, entry in found.items()} == {
        "/p/c.yaml": "h-c",
        "/p/a.yaml": "h-a",
    }
    assert cache.get("/p/b.yaml").hash == "h-b" and cache.get("/p/missing.yaml") is None
    assert cache.get_many([]) == {}
    cache.save()


def test_runs_creating_the_cache_at_once_all_write_it(tmp_path: Path) -> None:
    import multiprocessing
    import sqlite3

    ctx = multiprocessing.get_context("fork")
    for trial in range(4):
        folder = tmp_path / f"t{trial}"
        with ctx.Pool(6) as pool:
            writable = pool.starmap(_write_entries, [(str(folder), n) for n in range(6)])
        assert all(writable)  # nobody gave up on the cache, nobody removed another's
        [db] = databases(folder)
        con = sqlite3.connect(db)
        try:
            assert con.execute("SELECT count(*) FROM files").fetchone() == (180,)
        finally:
            con.close()
