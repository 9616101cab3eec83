"""Command line entry point: argv → command module → exit code.

Each command is a module in this package with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``. Command modules import
their heavy dependencies inside ``run`` so that building the parser stays
cheap and ``snaplint lint`` never loads HTTP, plan or apply code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from snaplint import __version__

# Exit codes shared by every command (ruff / Terraform conventions).
EXIT_OK = 0
EXIT_FINDINGS = 1  # lint: error-level findings; plan/apply: an operation failed
EXIT_USAGE = 2  # usage, configuration or internal error (plan --detailed-exitcode: changes)

# command name → module in snaplint.cli (one line per command)
COMMANDS: dict[str, str] = {
    "lint": "lint",
    "rules": "rules",
    "rule": "rule",
    "schema": "schema",
    "emulator": "emulator",
    "files": "files",
    "plan": "plan",
    "apply": "apply",
    "reconcile": "reconcile",
    "destroy": "destroy",
    "show": "show",
    "state": "state",
    "import": "import_",
    "force-unlock": "force_unlock",
    "workspace": "workspace",
    "notifications": "notifications",
    "status": "status",
}


class UsageError(Exception):
    """A problem with how snaplint was invoked or configured: message, exit 2."""


def _load(module: str) -> ModuleType:
    return importlib.import_module(f"snaplint.cli.{module}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's subparser is built.

    Building one subparser instead of all of them keeps a pre-commit run from
    importing a dozen command modules it does not use.
    """
    from snaplint.cli.parser import Parser

    parser = Parser(
        prog="snaplint",
        description="Lint, plan and apply Agora Cloud Recording snapshot jobs.",
    )
    parser.add_argument("--version", action="version", version=f"snaplint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = _load(module_name)
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = argv[0] if argv else None
    parser = build_parser(only=first if first in COMMANDS else None)
    if first is not None and not first.startswith("-") and first not in COMMANDS:
        from snaplint.cli.parser import closest_command

        guess = closest_command(first, list(COMMANDS))
        parser.error(
            f"unknown command {first!r}"
            + (f"; did you mean `{guess}`?" if guess else "")
            + " (snaplint --help lists the commands)"
        )
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args))
    except UsageError as exc:
        print(f"snaplint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("snaplint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # an internal error is a message and exit 2, never a bare traceback
        if os.environ.get("SNAPLINT_DEBUG"):
            raise
        if _is_state_failure(exc):
            # the state's storage failed (unreachable database, full disk, a lost lock):
            # an operation that failed, not a bug to report
            print(f"snaplint: error: {exc}", file=sys.stderr)
            return EXIT_FINDINGS
        print(
            f"snaplint: internal error: {type(exc).__name__}: {exc}\n"
            "(set SNAPLINT_DEBUG=1 for a traceback; please report it)",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _is_state_failure(exc: BaseException) -> bool:
    # looked up only if already imported: the lint path never loads the state code
    backends, state = (
        sys.modules.get("snaplint.state.backends"),
        sys.modules.get("snaplint.state.codec"),
    )
    kinds = tuple(
        getattr(module, name)
        for module, name in (
            (backends, "BackendError"),
            (backends, "LockError"),
            (state, "StateError"),
        )
        if module is not None
    )
    return bool(kinds) and isinstance(exc, kinds)
