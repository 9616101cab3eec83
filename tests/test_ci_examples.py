"""The CI and pre-commit examples parse, and every snaplint command they run exists in the CLI."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from snaplint.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def _commands(node: Any) -> list[str]:
    """Every shell line under a `run:` or `script:` key that invokes snaplint."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script"):
                lines = value if isinstance(value, list) else str(value).splitlines()
                found += [str(line).strip() for line in lines if "snaplint " in str(line)]
            else:
                found += _commands(value)
    elif isinstance(node, list):
        for item in node:
            found += _commands(item)
    return found


def _snaplint_argv(line: str) -> list[str]:
    argv = shlex.split(line.split("||")[0])
    if argv[:3] == ["python", "-m", "pip"]:
        return []
    assert argv[0] == "snaplint", line
    return argv[1:]


def _parse(argv: list[str]) -> Any:
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse's way of saying "no such option"
        raise AssertionError(f"snaplint {' '.join(argv)}: not a valid command line") from exc


@pytest.mark.parametrize("name", ["ci/github-actions.yml", "ci/gitlab-ci.yml"])
def test_ci_commands_exist_in_the_cli(name: str) -> None:
    workflow = yaml.safe_load((EXAMPLES / name).read_text())
    commands = [argv for line in _commands(workflow) if (argv := _snaplint_argv(line))]
    assert any(argv[0] == "lint" for argv in commands)
    for argv in commands:
        args = _parse(argv)
        if argv[0] == "lint":
            from snaplint.cli.lint import resolve_outputs

            resolve_outputs(args)  # the report/file pairs are a valid combination


def _lint_outputs(workflow: dict) -> dict[str, str]:
    from snaplint.cli.lint import resolve_outputs

    for line in _commands(workflow):
        argv = _snaplint_argv(line)
        if argv and argv[0] == "lint":
            return {f: p for f, p in resolve_outputs(_parse(argv)) if p}
    raise AssertionError("no lint command")


def test_github_workflow_uploads_the_sarif_it_writes() -> None:
    workflow = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    outputs = _lint_outputs(workflow)
    steps = workflow["jobs"]["lint"]["steps"]
    [upload] = [s for s in steps if "upload-sarif" in str(s.get("uses", ""))]
    assert upload["with"]["sarif_file"] == outputs["sarif"]
    assert workflow["jobs"]["lint"]["permissions"]["security-events"] == "write"
    lint_step = next(s for s in steps if "snaplint lint" in str(s.get("run", "")))
    assert "--format github" in lint_step["run"]  # annotations on the pull request


def test_gitlab_reports_are_the_files_snaplint_writes() -> None:
    pipeline = yaml.safe_load((EXAMPLES / "ci" / "gitlab-ci.yml").read_text())
    outputs = _lint_outputs(pipeline)
    reports = pipeline["snaplint"]["artifacts"]["reports"]
    assert reports["codequality"] == outputs["gitlab"]
    assert reports["junit"] == outputs["junit"]
    assert pipeline["snaplint"]["artifacts"]["when"] == "always"  # failing jobs keep reports


def test_hooks_file_and_example_config_agree() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"snaplint", "snaplint-fix"}
    for hook in hooks:
        for key in ("id", "name", "entry", "language"):
            assert hook[key], key
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # project context needs one process
        assert set(hook["types_or"]) == {"yaml", "json"}
        argv = shlex.split(hook["entry"])
        assert argv[0] == "snaplint"
        _parse([*argv[1:], "file.yaml"])
    assert "--fix" in by_id["snaplint-fix"]["entry"]
    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text())
    used = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert used <= set(by_id)
