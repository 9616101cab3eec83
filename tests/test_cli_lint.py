"""`snaplint lint` end to end: formats, exit codes, discovery, config, references."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLEAN = """apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
"""
BAD_INTERVAL = CLEAN.replace("captureInterval: 15", "captureInterval: 0")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "good.yaml").write_text(CLEAN)
    (tmp_path / "jobs" / "bad.yaml").write_text(BAD_INTERVAL.replace("lesson42", "lesson43"))
    return tmp_path


def test_examples_lint_clean(cli, repo: Path) -> None:
    code, out, err = cli("lint", str(repo / "examples"))
    assert code == 0, out + err
    assert "All checks passed" in out


def test_broken_examples_fail_and_every_file_is_reported(cli, repo: Path) -> None:
    code, out, _ = cli("lint", "--format", "json", str(repo / "examples" / "broken"))
    assert code == 1
    files = {Path(d["file"]).name for d in json.loads(out)}
    expected = {
        p.name for p in (repo / "examples" / "broken").iterdir() if p.suffix in (".yaml", ".json")
    }
    assert files == expected  # one broken file never hides another's results


def test_text_format_has_location_caret_and_summary(cli, project: Path) -> None:
    code, out, _ = cli("lint", "jobs/bad.yaml", cwd=project)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "jobs/bad.yaml:16:24: error capture-interval-out-of-range "
        "captureInterval must be between 1 and 3600 seconds (got 0)"
    )
    assert lines[2] == "16 |       captureInterval: 0"
    assert lines[3] == "   |                        ^"
    assert lines[-1].startswith("Found 1 error in 1 file")


def test_json_format_is_documented_shape(cli, project: Path) -> None:
    code, out, _ = cli("lint", "--format", "json", "jobs", cwd=project)
    assert code == 1
    [d] = json.loads(out)
    assert d == {
        "file": "jobs/bad.yaml",
        "line": 16,
        "column": 24,
        "end_line": 16,
        "end_column": 25,
        "rule": "capture-interval-out-of-range",
        "code": d["code"],
        "severity": "error",
        "message": "captureInterval must be between 1 and 3600 seconds (got 0)",
        "path": ["spec", "clientRequest", "snapshotConfig", "captureInterval"],
        "document": 0,
        "fixable": False,
    }
    assert d["code"].startswith("SNP")


def test_output_file(cli, project: Path) -> None:
    code, out, _ = cli("lint", "--format", "json", "-o", "report.json", "jobs", cwd=project)
    assert code == 1 and out == ""
    assert (
        json.loads((project / "report.json").read_text())[0]["rule"]
        == "capture-interval-out-of-range"
    )


def test_quiet_prints_errors_without_source(cli, project: Path) -> None:
    _, out, _ = cli("lint", "-q", "jobs", cwd=project)
    assert out.splitlines()[0].startswith("jobs/bad.yaml:16:24: error")
    assert " | " not in out


def test_colour_follows_tty_no_color_and_force_color(cli, project: Path, monkeypatch) -> None:
    _, out, _ = cli("lint", "jobs", cwd=project)
    assert "\033[" not in out  # captured stdout is not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = cli("lint", "jobs", cwd=project)
    assert "\033[1;31merror" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = cli("lint", "jobs", cwd=project)
    assert "\033[" not in out


def test_stdin_with_stdin_filename(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snaplint", "lint", "-", "--stdin-filename", "piped.yaml", "-q"],
        input=BAD_INTERVAL.encode(),
        capture_output=True,
        cwd=repo,
    )
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("piped.yaml:16:24: error capture-interval-out-of-range")


def test_missing_path_is_a_usage_error(cli, project: Path) -> None:
    code, _, err = cli("lint", "nope.yaml", cwd=project)
    assert code == 2 and "no such file or directory: nope.yaml" in err


def test_directories_are_walked_with_default_excludes(cli, project: Path) -> None:
    for excluded in ("node_modules", ".git", ".venv", ".github/workflows"):
        (project / excluded).mkdir(parents=True)
        (project / excluded / "x.yaml").write_text("garbage: [\n")
    (project / "jobs" / "notes.txt").write_text("not yaml")
    code, out, _ = cli("lint", "--format", "json", ".", cwd=project)
    assert {d["file"] for d in json.loads(out)} == {"jobs/bad.yaml"}
    assert code == 1


def test_excluded_files_are_linted_when_named_unless_forced(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text("extend-exclude: [jobs/bad.yaml]\n")
    assert cli("lint", ".", cwd=project)[0] == 0
    assert cli("lint", "jobs/bad.yaml", cwd=project)[0] == 1
    assert cli("lint", "--force-exclude", "jobs/bad.yaml", cwd=project)[0] == 0


def test_config_is_discovered_upwards_and_applied(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text("ignore: [capture-interval-out-of-range]\n")
    assert cli("lint", ".", cwd=project / "jobs")[0] == 0


def test_pyproject_tool_table(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.snaplint]\nignore = ["capture-interval-out-of-range"]\n'
    )
    assert cli("lint", "jobs", cwd=project)[0] == 0


def test_snaplint_yaml_wins_over_pyproject(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.snaplint]\nignore = ["capture-interval-out-of-range"]\n'
    )
    (project / ".snaplint.yaml").write_text("api-revision: '2020-10'\n")
    assert cli("lint", "jobs", cwd=project)[0] == 1


def test_invalid_config_exits_2_with_line_and_column(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text("select: [ALL]\napi-revision: 2019-01\nignor: [x]\n")
    code, out, err = cli("lint", "jobs", cwd=project)
    assert code == 2 and out == ""
    assert ".snaplint.yaml:2:15: error invalid-config api-revision must be" in err
    assert ".snaplint.yaml:3:1: error invalid-config unknown field 'ignor'" in err
    assert "did you mean 'ignore'?" in err


def test_invalid_pyproject_config_exits_2(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.snaplint]\nselect = "ALL"\n')
    code, _, err = cli("lint", "jobs", cwd=project)
    assert code == 2 and "pyproject.toml:2:1: error invalid-config select must be a list" in err


def test_unknown_rule_in_selection_is_a_usage_error(cli, project: Path) -> None:
    code, _, err = cli("lint", "--ignore", "no-such-rule", "jobs", cwd=project)
    assert code == 2 and "no-such-rule" in err


def test_select_by_code_and_prefix(cli, project: Path, rule_table) -> None:
    code_of = rule_table.rules["capture-interval-out-of-range"].CODE
    assert cli("lint", "--select", "SNP0", "jobs", cwd=project)[0] == 0
    assert cli("lint", "--select", code_of, "jobs", cwd=project)[0] == 1
    assert cli("lint", "--ignore", code_of, "jobs", cwd=project)[0] == 0


def test_severity_override_and_fail_on(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text("severity: {capture-interval-out-of-range: warning}\n")
    code, out, _ = cli("lint", "jobs", cwd=project)
    assert code == 0 and "warning capture-interval-out-of-range" in out
    assert cli("lint", "--fail-on", "warning", "jobs", cwd=project)[0] == 1
    assert cli("lint", "--exit-zero", "--fail-on", "info", "jobs", cwd=project)[0] == 0


def test_per_file_ignores(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text(
        "per-file-ignores: {'jobs/bad.yaml': [capture-interval-out-of-range]}\n"
    )
    assert cli("lint", "jobs", cwd=project)[0] == 0


def test_references_are_known_later(cli, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "job.yaml"
    f.write_text(CLEAN.replace("captureInterval: 15", "captureInterval: ${env:SHOT_INTERVAL}"))
    assert cli("lint", str(f))[0] == 0  # no type or range finding on a reference
    monkeypatch.setenv("SHOT_INTERVAL", "15")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    assert cli("lint", "--resolve-env", str(f))[0] == 0  # coerced to a number
    monkeypatch.setenv("SHOT_INTERVAL", "2x")
    code, out, _ = cli("lint", "--resolve-env", "-q", str(f))
    assert code == 1 and "wrong-type captureInterval must be" in out
    monkeypatch.delenv("SHOT_INTERVAL")
    code, out, _ = cli("lint", "--resolve-env", "-q", str(f))
    assert code == 1
    assert ":16:24: error env-reference-unset environment variable SHOT_INTERVAL is not set" in out


def test_raw_bodies_are_linted_with_the_same_constraints(cli, repo: Path, tmp_path: Path) -> None:
    assert cli("lint", str(repo / "examples" / "raw"), "--mode", "individual")[0] == 0
    raw = json.loads((repo / "examples" / "raw" / "start-body.json").read_text())
    raw["clientRequest"]["snapshotConfig"]["captureInterval"] = 0
    f = tmp_path / "body.json"
    f.write_text(json.dumps(raw, indent=2))
    code, out, _ = cli("lint", "--format", "json", str(f))
    [d] = json.loads(out)
    assert d["path"] == [
        "clientRequest",
        "snapshotConfig",
        "captureInterval",
    ]  # starts at the body's keys
    assert code == 1


def test_crashing_rule_is_a_diagnostic_not_a_traceback(cli, project: Path, monkeypatch) -> None:
    from snaplint.rules import duplicate_key

    def boom(doc, ctx):
        raise RuntimeError("kaput")

    monkeypatch.setattr(duplicate_key, "SCOPE", "manifest")
    monkeypatch.setattr(duplicate_key, "check", boom, raising=False)
    code, out, err = cli("lint", "-q", "jobs/good.yaml", cwd=project)
    assert code == 1 and "Traceback" not in out + err
    assert (
        "error duplicate-key rule duplicate-key (snaplint) crashed on this document: RuntimeError: kaput"
        in out
    )


def test_schema_command_prints_a_self_contained_schema(cli) -> None:
    code, out, _ = cli("schema", "--kind", "job")
    schema = json.loads(out)
    assert code == 0
    refs = [s for s in json.dumps(schema).split('"$ref": ')[1:]]
    assert all(r.startswith('"#') for r in refs)  # no cross-file references left
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["kind"]["const"] == "SnapshotJob"
    for kind in ("start", "acquire", "config"):
        assert cli("schema", "--kind", kind)[0] == 0


def test_rules_and_rule_commands(cli) -> None:
    code, out, _ = cli("rules", "--json")
    rows = json.loads(out)
    assert code == 0 and {"id", "code", "severity", "scope", "plugin", "summary"} <= set(rows[0])
    assert any(r["id"] == "duplicate-key" and r["plugin"] == "snaplint" for r in rows)
    code, out, _ = cli("rule", "SNP002")
    assert code == 0 and out.startswith("# duplicate-key (SNP002)") and "## Why is this bad?" in out
    code, _, err = cli("rule", "duplicate-keys")
    assert code == 2 and "did you mean 'duplicate-key'?" in err


def test_python_m_snaplint_and_version(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snaplint", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("snaplint ")


def test_every_kind_of_bad_input_in_one_run(tmp_path: Path, repo: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "00-good.yaml").write_text(CLEAN)
    (d / "empty.yaml").write_text("")
    (d / "latin1.yaml").write_bytes(b"a: caf\xe9\n")
    (d / "binary.yaml").write_bytes(b"\x00\x01\x02")
    bomb = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (d / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    (d / "deep.yaml").write_text("[" * 10_000 + "]" * 10_000 + "\n")
    with open(d / "huge.yaml", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (d / "tabs.yaml").write_text("a:\n\tb: 1\n")
    (d / "dupes.yaml").write_text(
        CLEAN.replace("  cname: lesson42\n", "  cname: lesson42\n  cname: lesson43\n")
    )
    (d / "list.yaml").write_text("- a\n- b\n")
    (d / "scalar.yaml").write_text("hello\n")
    (d / "version.yaml").write_text(CLEAN.replace("snaplint/v1", "snaplint/v9"))
    (d / "kind.json").write_text('{"apiVersion": "snaplint/v1", "kind": "Other"}')
    (d / "unknown-keys.yaml").write_text(
        CLEAN.replace("  cname: lesson42\n", "  cname: lesson42\n  colour: blue\n")
    )
    (d / "wrong-types.yaml").write_text(CLEAN.replace("bucket: shots", "bucket: [shots]"))
    proc = subprocess.run(
        # the files repeat one job on purpose: leave the project rules (name, recorder) out
        [sys.executable, "-m", "snaplint", "lint", "--format", "json", "--ignore", "SNP3", str(d)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    by_file: dict[str, set[str]] = {}
    for diag in json.loads(proc.stdout):
        by_file.setdefault(Path(diag["file"]).name, set()).add(diag["rule"])
        assert diag["line"] >= 1 and diag["column"] >= 1
    assert by_file == {
        "empty.yaml": {"empty-file"},
        "latin1.yaml": {"unreadable-file"},
        "binary.yaml": {"unreadable-file"},
        "bomb.yaml": {"file-too-large"},
        "deep.yaml": {"yaml-syntax"},  # deeper than libyaml's 1,000 levels
        "huge.yaml": {"file-too-large"},
        "tabs.yaml": {"yaml-syntax"},
        "dupes.yaml": {"duplicate-key"},
        "list.yaml": {"unknown-document"},
        "scalar.yaml": {"unknown-document"},
        "version.yaml": {"unknown-document"},
        "kind.json": {"unknown-document"},
        "unknown-keys.yaml": {"unknown-field"},
        "wrong-types.yaml": {"wrong-type"},
    }


def test_text_snippets_never_show_literal_secrets(cli, tmp_path: Path) -> None:
    secret = "Sup3rSecretValue42"
    f = tmp_path / "job.yaml"
    f.write_text(
        CLEAN.replace("${env:AWS_SECRET_ACCESS_KEY}", secret)
        .replace("${env:AWS_ACCESS_KEY_ID}", "AKIA" + secret)
        .replace("bucket: shots", "bucket: 7")  # a finding on a line near the secrets
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        f'accessKey: "{secret}\n'
    )  # unterminated: a syntax error on the secret's line
    for fmt in ("text", "concise", "json"):
        code, out, err = cli("lint", "--format", fmt, str(f), str(broken))
        assert code == 1
        assert secret not in out + err, fmt


def test_jobs_without_app_id_use_the_project_app_id(cli, tmp_path: Path) -> None:
    app = "0123456789abcdef0123456789abcdef"
    (tmp_path / ".snaplint.yaml").write_text(f"api:\n  app-id: {app}\n")
    (tmp_path / "a.yaml").write_text(CLEAN)
    (tmp_path / "b.yaml").write_text(
        CLEAN.replace("  name: lesson42\n", "  name: other\n").replace(
            "  cname:", f"  appId: {app}\n  cname:"
        )
    )
    code, out, _ = cli("lint", "-q", ".", cwd=tmp_path)
    assert code == 1 and "duplicate-recorder" in out  # the same App: the second start fails (53)


def test_unknown_rule_in_per_file_ignores_is_a_usage_error(cli, project: Path) -> None:
    (project / ".snaplint.yaml").write_text("per-file-ignores: {'jobs/*': [no-such-rule]}\n")
    code, _, err = cli("lint", "jobs", cwd=project)
    assert code == 2 and "no-such-rule" in err and "internal error" not in err


def test_a_validated_config_is_not_validated_again(cli, project: Path, monkeypatch) -> None:
    import snaplint.config as config_mod

    (project / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    calls: list[Path] = []
    original = config_mod._validate
    monkeypatch.setattr(
        config_mod,
        "_validate",
        lambda raw, path, locate: calls.append(path) or original(raw, path, locate),
    )
    for _ in range(3):
        assert cli("lint", "jobs", cwd=project)[0] == 1
    assert len(calls) == 2  # the first run creates the cache folder, the second leaves the memo
    (project / ".snaplint.yaml").write_text('api-revision: "2026-06"\n')
    cli("lint", "jobs", cwd=project)
    assert len(calls) == 3  # new text: validated again
    (project / ".snaplint.yaml").write_text("api-revision: 2019\n")
    assert cli("lint", "jobs", cwd=project)[0] == 2  # an invalid config is never memoised
    assert cli("lint", "--no-cache", "jobs", cwd=project)[0] == 2


def test_an_empty_variable_counts_as_unset(cli, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "job.yaml"
    f.write_text(CLEAN)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "")  # how an unconfigured CI secret arrives
    code, out, _ = cli("lint", "--resolve-env", "-q", str(f))
    assert code == 1
    assert (
        "env-reference-unset environment variable AWS_SECRET_ACCESS_KEY is not set or empty" in out
    )
