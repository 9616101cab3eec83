"""``snaplint lint``: check manifests against every documented constraint."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from snaplint.cli.common import print_config_error, use_color

NAME = "lint"
HELP = "Check snapshot job manifests (files, directories, or - for stdin)."


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _format_spec(value: str) -> tuple[str, str | None]:
    """``FORMAT`` or ``FORMAT:FILE`` → (format, file or None)."""
    from snaplint.report import REPORTERS

    name, sep, file = value.partition(":")
    name = name.strip()
    if name not in REPORTERS:
        raise argparse.ArgumentTypeError(
            f"unknown format {name!r} (choose from {', '.join(REPORTERS)})"
        )
    if sep and not file:
        raise argparse.ArgumentTypeError(f"{value!r}: a file name must follow the colon")
    return name, (file or None)


def add_arguments(p: argparse.ArgumentParser) -> None:
    from snaplint.findings.rule import REVISIONS
    from snaplint.report import REPORTERS

    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin"
    )
    out = p.add_argument_group("output")
    out.add_argument(
        "--format",
        action="append",
        type=_format_spec,
        metavar="FORMAT[:FILE]",
        help=(
            f"output format: {', '.join(REPORTERS)}; repeat for several reports in one run, "
            "each FORMAT:FILE written to its own file (e.g. --format text --format "
            "sarif:snaplint.sarif); at most one without a file goes to stdout "
            "(default: text, or github under GitHub Actions when stdout is not a terminal)"
        ),
    )
    out.add_argument(
        "-o",
        "--output-file",
        metavar="FILE",
        help="write the report of the --format given without :FILE to FILE instead of stdout",
    )
    out.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only, without source lines"
    )
    out.add_argument(
        "--no-color", action="store_true", help="no ANSI colours (NO_COLOR is honoured too)"
    )
    out.add_argument("--statistics", action="store_true", help="count findings per rule")
    out.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings fail the run"
    )
    out.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="error",
        help="lowest severity that makes the run fail (default: error)",
    )
    sel = p.add_argument_group("rule selection")
    sel.add_argument(
        "--config", metavar="FILE", help="configuration file (default: discovered upwards)"
    )
    sel.add_argument(
        "--select",
        type=_csv,
        metavar="RULES",
        help="rules to enable, replacing the config's select",
    )
    sel.add_argument(
        "--extend-select", type=_csv, default=[], metavar="RULES", help="rules to enable on top"
    )
    sel.add_argument("--ignore", type=_csv, default=[], metavar="RULES", help="rules to disable")
    sel.add_argument(
        "--api-revision", choices=REVISIONS, help="documented API revision the rules follow"
    )
    inp = p.add_argument_group("input")
    inp.add_argument(
        "--mode",
        choices=("individual", "mix", "web", "raw"),
        help="URL mode for raw Agora bodies (not part of the body)",
    )
    inp.add_argument(
        "--resolve-env",
        action="store_true",
        help="substitute ${env:NAME} references and report unset ones",
    )
    inp.add_argument(
        "--force-exclude", action="store_true", help="apply excludes to paths given explicitly"
    )
    inp.add_argument("--stdin-filename", metavar="NAME", help="file name to report for stdin")
    perf = p.add_argument_group("cache and workers")
    perf.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the results cache (also SNAPLINT_NO_CACHE=1)",
    )
    perf.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="cache folder (default: .snaplint_cache in the project root; also SNAPLINT_CACHE_DIR)",
    )
    perf.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for large cold runs (default: one per CPU; 1 disables)",
    )
    fixes = p.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", help="apply safe fixes to the files in place")
    fixes.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too"
    )
    fixes.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    adopt = p.add_argument_group("adopting snaplint")
    adopt.add_argument(
        "--add-noqa",
        action="store_true",
        help="suppress every current finding that can be, by a comment on its line",
    )
    adopt.add_argument("--reason", metavar="TEXT", help="with --add-noqa: the reason to record")
    adopt.add_argument(
        "--until", metavar="DATE", help="with --add-noqa: the suppressions expire (YYYY-MM-DD)"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from snaplint.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
    from snaplint.config import ConfigError, find_config, load_config
    from snaplint.findings.diagnostics import SEVERITY_RANK
    from snaplint.lint.discovery import MissingPath, discover
    from snaplint.lint.linter import Linter, LintOptions
    from snaplint.lint.plugins import PluginError, load_rules
    from snaplint.report import ReportOptions, find_repo_root

    outputs = resolve_outputs(args)  # usage errors before any work
    paths = args.paths or ["."]
    try:
        memo = not (args.no_cache or os.environ.get("SNAPLINT_NO_CACHE") or args.cache_dir)
        config = load_config(Path(args.config) if args.config else find_config(paths), memo=memo)
    except ConfigError as exc:
        print_config_error(exc)
        return EXIT_USAGE
    except OSError as exc:
        raise UsageError(f"cannot read configuration: {exc}") from exc
    try:
        table = load_rules(allow=config.plugins)
    except PluginError as exc:
        raise UsageError(str(exc)) from exc

    options = LintOptions(
        revision=args.api_revision,
        mode=args.mode,
        resolve_env=args.resolve_env,
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        stdin_filename=args.stdin_filename,
    )
    try:
        linter = Linter(config, table, options)
    except ConfigError as exc:
        raise UsageError(f"configuration: {exc}") from exc

    root = config.project_root()
    force_exclude = args.force_exclude or config.force_exclude
    try:
        files = discover(
            paths,
            root=root,
            include=config.include,
            exclude=config.exclude,
            force_exclude=force_exclude,
        )
    except MissingPath as exc:
        raise UsageError(f"no such file or directory: {exc}") from exc

    runner = _runner(args, config, root)
    files = _with_project_context(files, paths, config, linter, force_exclude, runner)
    result = linter.lint_files(
        files,
        stdin=sys.stdin.buffer if "-" in files else None,
        runner=runner,
    )
    if args.add_noqa:
        from snaplint.lint.addnoqa import NoqaError, run_add_noqa

        try:
            result = run_add_noqa(args, linter, files)
        except NoqaError as exc:
            raise UsageError(str(exc)) from exc
    if args.fix or args.diff:
        from snaplint.lint.fix import run_fixes

        result, code = run_fixes(args, linter, files, result)
        if code is not None:
            return code

    report_options = ReportOptions(
        quiet=args.quiet,
        statistics=args.statistics,
        rules=dict(table.rules),
        root=str(root),
        repo_root=find_repo_root(root),
        fail_on=args.fail_on,
    )
    write_reports(outputs, result, report_options, args)

    if args.exit_zero:
        return EXIT_OK
    threshold = SEVERITY_RANK[args.fail_on]
    failed = any(SEVERITY_RANK[d.severity] >= threshold for d in result.diagnostics)
    return EXIT_FINDINGS if failed else EXIT_OK


def _runner(args: argparse.Namespace, config: Any, root: Any) -> Any:
    """Cache + workers for a plain lint run; --fix/--diff lint in process, without the cache,
    because they re-lint the files they edit."""
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        return None
    from snaplint.lint.runner import runner_for

    enabled = not (args.no_cache or os.environ.get("SNAPLINT_NO_CACHE") or not config.cache_enabled)
    cache_dir = args.cache_dir or os.environ.get("SNAPLINT_CACHE_DIR") or config.cache_dir
    return runner_for(root, enabled=enabled, cache_dir=cache_dir, jobs=args.jobs)


def resolve_outputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The reports to write: (format, file or None for stdout), in the order given.

    ``--format X:FILE`` writes X to FILE; a plain ``--format X`` goes to stdout, or to
    ``--output-file`` when given. Two reports cannot share stdout. Without ``--format``
    the report is ``text``, or ``github`` when running under GitHub Actions with stdout
    not a terminal (a log, where annotations are what a reader sees).
    """
    from snaplint.cli import UsageError

    specs: list[tuple[str, str | None]] = list(args.format or [])
    if not specs:
        specs = [(_default_format(), None)]
    plain = [i for i, (_, file) in enumerate(specs) if file is None]
    if len(plain) > 1:
        names = ", ".join(specs[i][0] for i in plain)
        raise UsageError(
            f"only one report can go to standard output (got {names}); "
            "give the others a file, e.g. --format sarif:snaplint.sarif"
        )
    if args.output_file:
        if not plain:
            raise UsageError(
                "--output-file names the file of the --format given without :FILE; "
                "every --format here already has its own file"
            )
        name, _ = specs[plain[0]]
        specs[plain[0]] = (name, args.output_file)
    files = [file for _, file in specs if file is not None]
    if len({os.path.abspath(f) for f in files}) != len(files):
        raise UsageError("two reports would be written to the same file")
    return specs


def _default_format() -> str:
    if os.environ.get("GITHUB_ACTIONS") == "true" and not sys.stdout.isatty():
        return "github"
    return "text"


def write_reports(
    outputs: list[tuple[str, str | None]], result: Any, options: Any, args: argparse.Namespace
) -> None:
    """Render every requested report; ``--statistics`` goes where it cannot corrupt a format."""
    from dataclasses import replace

    from snaplint.report import reporter

    human = {"text", "concise"}
    for name, file in outputs:
        if file is None:
            opts = replace(options, color=use_color(args, sys.stdout))
            reporter(name).render(result, sys.stdout, opts)
            sys.stdout.flush()
        else:
            folder = os.path.dirname(file)
            if folder:
                os.makedirs(folder, exist_ok=True)
            # newline="" keeps "\n" line ends on every platform (SARIF/XML consumers diff them)
            with open(file, "w", encoding="utf-8", newline="") as fh:
                reporter(name).render(result, fh, replace(options, color=False))
    if options.statistics and not any(name in human for name, _ in outputs):
        from snaplint.report.text import statistics

        sys.stderr.write(statistics(result.diagnostics))


def _with_project_context(
    files: list[str],
    paths: list[str],
    config: Any,
    linter: Any,
    force_exclude: bool,
    runner: Any = None,
) -> list[str]:
    """Given only some files (pre-commit), still let project rules see the whole project.

    The project's other manifests are loaded and checked as context; findings are
    reported only for the files that were asked for.
    """
    if not linter.project_rules or config.root is None or "-" in files:
        return files
    if not paths or not all(os.path.isfile(p) for p in paths):
        return files
    # the runner's report_only set: absolute paths (the in-process path compares real ones)
    linter.options.report_only = {os.path.abspath(f) for f in files} | {
        os.path.realpath(f) for f in files
    }
    git = _git_context(files, config, linter, runner)
    if git is not None and git.paths is not None:
        # git's index vouches for the context: no walk, no stat per file (gitindex)
        runner.context, git.count = git, len(git.paths)
        return [*git.paths, *files]
    from snaplint.lint.discovery import discover

    context = discover(
        [str(config.root)],
        root=config.root,
        include=config.include,
        exclude=config.exclude,
        force_exclude=True,
    )
    # The files asked for are recognised in the context by inode (a stat per context file,
    # not the lstat per path component of realpath): the same file reached through a link
    # must not be linted twice.
    asked = {_inode(f) for f in files} - {None}
    # Context first, the files asked for last: project rules report a conflict on the
    # document they meet second, which is then the changed file (the one that introduced
    # it), not an unchanged one whose findings are not reported.
    context = [f for f in context if _inode(f) not in asked]
    if git is not None:  # the snapshot the next run is served from
        runner.context, git.count = git, len(context)
    return context + files


def _git_context(files: list[str], config: Any, linter: Any, runner: Any) -> Any:
    """The context from git's index and the snapshot (None: no cache, or not wanted)."""
    if runner is None or runner.cache_dir is None or linter.options.resolve_env:
        return None
    if os.environ.get("SNAPLINT_NO_GIT_INDEX"):
        return None
    from snaplint.lint.cacherows import settings_key
    from snaplint.lint.gitindex import GitContext, snapshot_file

    file = snapshot_file(runner.cache_dir, settings_key(linter))
    return GitContext(config.root, file, files, config)


def _inode(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
