"""The project stage gives each project rule only the documents whose key another document shares
(snaplint.lint.projectstage). That must never change a finding: on random projects full of name,
channel and uid collisions, the keyed stage (in memory, and spooled to a file as the runner
does) finds exactly what each rule finds when given every document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snaplint.lint import projectstage
from snaplint.lint.plugins import load_rules
from snaplint.lint.projectstage import ANY_KEY, NO_KEY, ProjectStage, key_hash, keys_of
from snaplint.lint.runner import Runner
from tests.cases import linter_for

TABLE = load_rules(autoload=False)

# YAML-like keys: what a project_key can return
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3) | st.text(max_size=3)
KEYS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)


class _Str(str):
    """A string type of its own (YAML loaders may make them): equal to the plain string."""


def _equal_twin(key: Any) -> Any:
    """A key equal to ``key`` that reads differently: numbers as floats, strings of a subclass,
    dicts reversed."""
    if isinstance(key, bool | int):
        return float(key)
    if isinstance(key, str):
        return _Str(key)
    if isinstance(key, tuple):
        return tuple(_equal_twin(v) for v in key)
    if isinstance(key, list):
        return [_equal_twin(v) for v in key]
    if isinstance(key, dict):
        return {k: _equal_twin(v) for k, v in reversed(key.items())}
    return key


SETTINGS = {"mode": "individual"}


def _request(interval: int, videos: list[str]) -> dict:
    return {
        "recordingConfig": {
            "channelType": 1,
            "streamTypes": 1,
            "maxIdleTime": 300,
            "subscribeVideoUids": videos,
            "subscribeUidGroup": 0,
        },
        "snapshotConfig": {"captureInterval": interval, "fileType": ["jpg"]},
        "storageConfig": {
            "vendor": 1,
            "region": 0,
            "bucket": "shots",
            "accessKey": "${env:AWS_ACCESS_KEY_ID}",
            "secretKey": "${env:AWS_SECRET_ACCESS_KEY}",
        },
    }


_UIDS = st.sampled_from(["910001", "910002", "910003"])
_CNAMES = st.sampled_from(["lesson1", "lesson2", "lesson3"])
_VIDEOS = st.lists(st.sampled_from(["1001", "1002", "1003"]), min_size=1, max_size=2, unique=True)
_JOB = st.fixed_dictionaries(
    {
        "kind": st.just("job"),
        "name": st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        "cname": _CNAMES,
        "uid": _UIDS,
        "interval": st.sampled_from([15, 30]),
        "videos": _VIDEOS,
    }
)
_BODY = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["start", "acquire"]),
        "cname": _CNAMES,
        "uid": _UIDS,
        "interval": st.sampled_from([15, 30]),
        "videos": _VIDEOS,
    }
)


def _document(spec: dict) -> dict:
    request = _request(spec["interval"], spec["videos"])
    if spec["kind"] == "job":
        return {
            "apiVersion": "snaplint/v1",
            "kind": "SnapshotJob",
            "metadata": {"name": spec["name"]},
            "spec": {"cname": spec["cname"], "uid": spec["uid"], "clientRequest": request},
        }
    if spec["kind"] == "start":
        return {"cname": spec["cname"], "uid": spec["uid"], "clientRequest": request}
    return {
        "cname": spec["cname"],
        "uid": spec["uid"],
        "clientRequest": {"resourceExpiredHour": 24, "startParameter": request},
    }


def _write(folder: Path, files: list[list[dict]]) -> list[str]:
    paths = []
    for n, specs in enumerate(files):
        path = folder / f"f{n:02d}.yaml"
        path.write_text(yaml.safe_dump_all([_document(s) for s in specs], sort_keys=False))
        paths.append(str(path))
    return paths


def _project_findings(result) -> list[tuple]:
    project = {r.ID for r in TABLE if r.SCOPE == "project"}
    return sorted(
        (d.file, d.line, d.column, d.rule, d.message)
        for d in result.diagnostics
        if d.rule in project
    )


def _unkeyed(linter, paths: list[str]) -> list[tuple]:
    """Every project rule given every checked document: what the stage must reproduce."""
    outcomes = [linter.check_file(p, _load(p)) for p in paths]
    docs = [d for o in outcomes for d in o.checked]
    diags = []
    for rule in linter.project_rules:
        diags.extend(linter.run_project_rule(rule, linter.contexts[rule.ID], docs))
    return sorted((d.file, d.line, d.column, d.rule, d.message) for d in diags)


def _load(path: str):
    from snaplint.lint.manifest import load_file

    return load_file(path)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(st.one_of(_JOB, _JOB, _BODY), min_size=1, max_size=3), max_size=8))
def test_keyed_stage_finds_what_every_document_gives(tmp_path_factory, files) -> None:
    folder = tmp_path_factory.mktemp("project")
    paths = _write(folder, files)
    expected = _unkeyed(linter_for(SETTINGS, TABLE), paths)
    in_memory = _project_findings(linter_for(SETTINGS, TABLE).lint_files(paths))
    spooled = _project_findings(Runner(None, jobs=1).run(linter_for(SETTINGS, TABLE), paths))
    assert in_memory == expected
    assert spooled == expected


def _distinct_jobs(n: int) -> list[list[dict]]:
    """``n`` files of one job each, sharing no name, channel or uid."""
    job = {"kind": "job", "uid": "1", "interval": 15, "videos": ["1001"]}
    return [[{**job, "name": f"j{i}", "cname": f"c{i}"}] for i in range(n)]


def test_a_clean_project_gives_no_rule_any_document(tmp_path: Path) -> None:
    paths = _write(tmp_path, _distinct_jobs(30))
    linter = linter_for(SETTINGS, TABLE)
    given: list[int] = []
    original = linter.run_project_rule
    linter.run_project_rule = lambda rule, ctx, docs: (
        given.append(len(docs)) or original(rule, ctx, docs)
    )
    assert _project_findings(linter.lint_files(paths)) == []
    assert given == []  # no key is shared: no rule looked at a single document


def test_a_rule_without_a_key_gets_every_document(tmp_path: Path) -> None:
    from tests import _project_rule

    paths = _write(tmp_path, _distinct_jobs(5))
    linter = linter_for(SETTINGS, TABLE)
    linter.project_rules.append(_project_rule)
    linter.contexts[_project_rule.ID] = linter.contexts[linter.project_rules[0].ID]
    _project_rule.CALLS.clear()
    Runner(None, jobs=1).run(linter, paths)
    assert _project_rule.CALLS and _project_rule.CALLS[-1] == 5


def test_key_hashes_keep_their_markers_apart(monkeypatch) -> None:
    assert key_hash(None) == NO_KEY
    assert key_hash(object()) == ANY_KEY  # no canonical text: the rule is given it always
    values = {key_hash(k) for k in ["a", ("x", "y", "z"), 2, (None, "c", "u"), ["a", {}]]}
    assert NO_KEY not in values and ANY_KEY not in values and len(values) == 5

    class Zero:  # checksums that read as a marker are moved off it
        @staticmethod
        def crc32(data: bytes) -> int:
            return 0

        adler32 = crc32

    monkeypatch.setattr(projectstage, "zlib", Zero)
    assert key_hash("anything") == 2


@given(KEYS)
def test_keys_that_compare_equal_hash_alike(key) -> None:
    """A rule groups by ``==``: two keys it would group must never hash apart (1, 1.0 and True;
    dicts in any order), or the stage would keep a duplicate from it."""
    assert key_hash(key) == key_hash(_equal_twin(key))


@given(KEYS, KEYS)
def test_keys_that_differ_hash_apart(a, b) -> None:
    if a != b:
        assert key_hash(a) != key_hash(b)  # 64 bits: a collision here is a broken canon


def test_key_hashes_are_the_same_in_every_process() -> None:
    """The cache keeps key hashes for later runs: Python's salted ``hash`` would not do."""
    keys = ["job-1", ("app", "chan", "42"), [1, {"b": 2.0, "a": None}], True]
    code = (
        f"from snaplint.lint.projectstage import key_hash; print([key_hash(k) for k in {keys!r}])"
    )
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout)
    assert len(seen) == 1 and seen.pop().strip() == str([key_hash(k) for k in keys])


def test_a_key_function_that_raises_hands_the_document_to_the_rule() -> None:
    def broken(doc, ctx):
        raise ValueError("boom")

    assert keys_of([(broken, None), (lambda doc, ctx: None, None)], object()) == (ANY_KEY, NO_KEY)


def test_a_stage_with_nothing_in_it_finds_nothing() -> None:
    stage = ProjectStage(linter_for(SETTINGS, TABLE))
    assert stage.diagnostics() == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.integers(min_value=-(2**63), max_value=2**63 - 1)
        | st.sampled_from([0, 1, 5, -5, 2**40]),
        max_size=400,
    )
)
def test_sharing_finds_exactly_the_shared_keys(values) -> None:
    from array import array
    from collections import Counter

    from snaplint.lint.projectstage import _sharing

    counts = Counter(v for v in values if v != NO_KEY)
    expected = {p for p, v in enumerate(values) if v == ANY_KEY or (v != NO_KEY and counts[v] > 1)}
    assert _sharing(array("q", values)) == expected


def test_spilled_records_from_workers_and_from_this_process_agree(
    tmp_path: Path, monkeypatch
) -> None:
    import snaplint.lint.runner as runner_mod
    from snaplint.lint.projectstage import _RecordFile

    specs = _distinct_jobs(12)
    specs[7][0]["name"] = "j2"  # a duplicate name ...
    specs[9][0].update(cname="c3")  # ... a channel recorded twice as one uid ...
    specs[10][0].update(cname="c4", uid="2")  # ... and twice as two, capturing one user
    specs.append(
        [{"kind": "acquire", "cname": "c5", "uid": "1", "interval": 30, "videos": ["1001"]}]
    )
    paths = _write(tmp_path, specs)
    expected = _unkeyed(linter_for(SETTINGS, TABLE), paths)
    assert {f[3] for f in expected} == {
        "duplicate-job-name", "duplicate-recorder", "overlapping-capture",
        "start-parameter-mismatch",
    }  # fmt: skip
    monkeypatch.setattr(_RecordFile, "IN_MEMORY", 3)  # most records go to the file
    in_process = Runner(None, jobs=1).run(linter_for(SETTINGS, TABLE), paths)
    monkeypatch.setattr(runner_mod, "PARALLEL_MIN_FILES", 2)
    runner = Runner(None, jobs=2)
    from_workers = runner.run(linter_for(SETTINGS, TABLE), paths)
    assert runner.stats["workers"] == 2
    assert _project_findings(in_process) == expected
    assert _project_findings(from_workers) == expected
