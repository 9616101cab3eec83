"""Rule plugins: entry points, the allow-list, autoload switch, conflicts, crashes, and the example
third-party package installed for real into a fresh virtual environment."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from snaplint.lint.plugins import AUTOLOAD_ENV, PluginError, load_rules

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "plugin"

PRODUCTION_JOB = """\
apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: lesson42-shots
  labels: {env: production}
spec:
  cname: lesson42
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001", "1002"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: lesson42-shots
      accessKey: ${env:AWS_ACCESS_KEY_ID}
      secretKey: ${env:AWS_SECRET_ACCESS_KEY}
"""


def install_entry_point(site: Path, dist: str, name: str, target: str) -> None:
    """A minimal installed distribution (``*.dist-info``) declaring one ``snaplint`` entry point."""
    info = site / f"{dist}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[snaplint]\n{name} = {target}\n")


def write_plugin(site: Path, module: str, rule_source: str, *, dist: str | None = None) -> None:
    """A plugin module ``module`` whose hook returns the rule defined by ``rule_source``."""
    sys.modules.pop(module, None)  # an earlier test may have imported a module of this name
    importlib.invalidate_caches()
    (site / f"{module}.py").write_text(
        textwrap.dedent(
            '''
            """A test plugin."""
            from snaplint import hookimpl
            import types, sys

            rule = types.ModuleType(__name__ + ".rule")
            exec(compile(RULE, __name__ + ".rule", "exec"), rule.__dict__)

            @hookimpl
            def snaplint_rules():
                return [rule]
            '''
        ).replace("RULE", repr(textwrap.dedent(rule_source)))
    )
    install_entry_point(site, dist or module.replace("_", "-"), module, module)


RULE = '''
"""Flags every job (a test rule).

## What it does
Reports each job.

## Why is this bad?
It is a test.

## Example
```yaml
x: 1
```

## Use instead
```yaml
x: 1
```

## Options
None.

## Source
Tests.
"""
from snaplint.findings.diagnostics import Finding

ID = "{id}"
CODE = "{code}"
SEVERITY = "warning"
SCOPE = "manifest"

def check(doc, ctx):
    {body}
'''


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path acting as site-packages, with plugin autoload turned on."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delenv(AUTOLOAD_ENV, raising=False)
    return folder


def _rule(id: str, code: str, body: str = "yield Finding(('metadata', 'name'), 'flagged')") -> str:
    return RULE.replace("{id}", id).replace("{code}", code).replace("{body}", body)


def test_entry_point_rules_are_registered_like_builtins(site: Path) -> None:
    write_plugin(site, "team_rules", _rule("team-flag", "TEAM001"))
    table = load_rules()
    assert table.get("TEAM001").ID == "team-flag"
    assert table.plugin_of["team-flag"] == "team_rules"
    assert table.plugin_of["literal-secret"] == "snaplint"  # built-ins come through the same hook


def test_hookimpl_is_exported_for_plugin_authors() -> None:
    from snaplint import hookimpl
    from snaplint.findings.hookspecs import hookimpl as spec_marker

    assert hookimpl is spec_marker


def test_disable_autoload_env_skips_installed_plugins(site: Path, monkeypatch) -> None:
    write_plugin(site, "team_rules", _rule("team-flag", "TEAM001"))
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert load_rules().get("team-flag") is None
    assert load_rules(autoload=True).get("team-flag") is not None  # explicit wins (tests)


def test_allow_list_loads_only_the_named_plugins(site: Path) -> None:
    write_plugin(site, "team_rules", _rule("team-flag", "TEAM001"))
    write_plugin(site, "other_rules", _rule("other-flag", "OTHER001"))
    table = load_rules(allow=["team_rules"])
    assert table.get("team-flag") is not None and table.get("other-flag") is None
    nothing = load_rules(allow=[])
    assert nothing.get("team-flag") is None and nothing.get("literal-secret") is not None


def test_duplicate_rule_id_is_an_error_naming_both_plugins(site: Path) -> None:
    write_plugin(site, "shadowing_rules", _rule("literal-secret", "SHADOW001"))
    with pytest.raises(PluginError) as info:
        load_rules()
    message = str(info.value)
    assert "duplicate rule ID 'literal-secret'" in message
    assert "'snaplint'" in message and "'shadowing_rules'" in message


def test_duplicate_code_between_two_plugins_names_both(site: Path) -> None:
    write_plugin(site, "a_rules", _rule("a-flag", "DUP001"))
    write_plugin(site, "b_rules", _rule("b-flag", "DUP001"))
    with pytest.raises(PluginError, match=r"duplicate rule code 'DUP001'.*'a_rules'.*'b_rules'"):
        load_rules()


def test_cli_config_allow_list_and_conflicts(cli, site: Path, tmp_path: Path) -> None:
    write_plugin(site, "team_rules", _rule("team-flag", "TEAM001"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "job.yaml").write_text(PRODUCTION_JOB)
    code, out, _ = cli("lint", "--format", "json", "job.yaml", cwd=project)
    assert [d["rule"] for d in json.loads(out)] == ["team-flag"] and code == 0  # a warning
    (project / ".snaplint.yaml").write_text("plugins: []\n")
    code, out, _ = cli("lint", "--format", "json", "job.yaml", cwd=project)
    assert json.loads(out) == [] and code == 0
    write_plugin(site, "shadowing_rules", _rule("team-flag", "SHADOW001"))
    (project / ".snaplint.yaml").write_text("plugins: [team_rules, shadowing_rules]\n")
    code, _out, err = cli("lint", "job.yaml", cwd=project)
    assert code == 2 and "'team_rules'" in err and "'shadowing_rules'" in err


def test_a_crashing_rule_is_a_diagnostic_naming_rule_and_plugin(cli, site: Path, tmp_path) -> None:
    write_plugin(site, "buggy_rules", _rule("buggy-rule", "BUG001", body="raise KeyError('x')"))
    (tmp_path / "job.yaml").write_text(PRODUCTION_JOB)
    code, out, err = cli("lint", "--format", "json", "job.yaml", cwd=tmp_path)
    [diag] = json.loads(out)
    assert diag["rule"] == "buggy-rule" and diag["severity"] == "error" and code == 1
    assert "buggy-rule (buggy_rules) crashed" in diag["message"] and "KeyError" in diag["message"]
    assert "Traceback" not in out + err


def test_a_plugin_that_fails_to_list_its_rules_is_a_usage_error(cli, site: Path, tmp_path) -> None:
    (site / "broken_plugin.py").write_text(
        "from snaplint import hookimpl\n\n@hookimpl\ndef snaplint_rules():\n    raise RuntimeError('boom')\n"
    )
    install_entry_point(site, "broken-plugin", "broken_plugin", "broken_plugin")
    (tmp_path / "job.yaml").write_text(PRODUCTION_JOB)
    code, _out, err = cli("lint", "job.yaml", cwd=tmp_path)
    assert code == 2 and "'broken_plugin' failed to list its rules" in err and "boom" in err


def test_example_plugin_in_process(cli, site: Path, tmp_path: Path, monkeypatch) -> None:
    """The example package, loaded from its source folder through a real entry point."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    install_entry_point(site, "snaplint-acme-policies", "acme_policies", "acme_policies")
    code, out, _ = cli("rules", "--json")
    [row] = [r for r in json.loads(out) if r["code"] == "ACME001"]
    assert row["plugin"] == "acme_policies" and row["id"] == "production-capture-interval-too-short"
    (tmp_path / "job.yaml").write_text(PRODUCTION_JOB)
    code, out, _ = cli("lint", "--format", "json", "job.yaml", cwd=tmp_path)
    assert [(d["rule"], d["line"]) for d in json.loads(out)] == [
        ("production-capture-interval-too-short", 17)
    ]
    # configured like a built-in: options validated, suppressible by code
    (tmp_path / ".snaplint.yaml").write_text("rules:\n  ACME001: {minimum: 10}\n", encoding="utf-8")
    code, out, _ = cli("lint", "--format", "json", "job.yaml", cwd=tmp_path)
    assert json.loads(out) == [] and code == 0
    (tmp_path / ".snaplint.yaml").write_text("rules:\n  ACME001: {minimum: 0}\n")
    code, _out, err = cli("lint", "job.yaml", cwd=tmp_path)
    assert code == 2 and "invalid options for rule production-capture-interval-too-short" in err


def test_example_plugin_rule_docs_and_cases(site: Path, monkeypatch) -> None:
    """The example's own rule meets the built-in rules' documentation contract."""
    from snaplint.findings.rule import DOC_SECTIONS, doc_section, yaml_blocks
    from tests.cases import lint_case_text

    monkeypatch.syspath_prepend(str(EXAMPLE))
    install_entry_point(site, "snaplint-acme-policies", "acme_policies", "acme_policies")
    table = load_rules()
    rule = table.get("ACME001")
    doc = rule.__doc__
    assert all(doc_section(doc, s) for s in DOC_SECTIONS)
    [example] = yaml_blocks(doc_section(doc, "Example"))
    [use_instead] = yaml_blocks(doc_section(doc, "Use instead"))
    assert rule.ID in {d.rule for d in lint_case_text(example, table)}
    assert lint_case_text(use_instead, table) == []
    staging = PRODUCTION_JOB.replace("env: production", "env: staging")
    assert lint_case_text(staging, table) == []
    default = PRODUCTION_JOB.replace("      captureInterval: 15\n", "")
    [finding] = lint_case_text(default, table)
    assert "default captureInterval of 10" in finding.message


@pytest.mark.slow
def test_example_plugin_installed_for_real(tmp_path: Path) -> None:
    """pip-install snaplint and the example package into a fresh virtualenv: the plugin's rule
    is listed by `snaplint rules` and fires on a manifest; the allow-list and the autoload switch
    turn it off."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    pip = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(REPO), str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    work = tmp_path / "work"
    work.mkdir()
    (work / "job.yaml").write_text(PRODUCTION_JOB)
    env = {k: v for k, v in os.environ.items() if k != AUTOLOAD_ENV}

    def snaplint(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / "snaplint"), *args],
            capture_output=True,
            text=True,
            cwd=work,
            env={**env, **extra},
            timeout=120,
        )

    rules = snaplint("rules")
    assert rules.returncode == 0, rules.stderr
    [line] = [ln for ln in rules.stdout.splitlines() if "ACME001" in ln]
    assert "production-capture-interval-too-short" in line and "acme_policies" in line
    lint = snaplint("lint", "--format", "json", "job.yaml")
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert [d["rule"] for d in json.loads(lint.stdout)] == ["production-capture-interval-too-short"]
    off = snaplint("lint", "--format", "json", "job.yaml", SNAPLINT_DISABLE_PLUGIN_AUTOLOAD="1")
    assert off.returncode == 0 and json.loads(off.stdout) == []
    (work / ".snaplint.yaml").write_text("plugins: []\n")
    allow = snaplint("lint", "--format", "json", "job.yaml")
    assert allow.returncode == 0 and json.loads(allow.stdout) == []
