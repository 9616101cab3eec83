"""The argument parser every snaplint command is built with.

Two things argparse does not do on its own:

* A usage error is reported by the command it is about: ``snaplint plan --outt x`` prints
  ``snaplint plan``'s usage (argparse would leave the unknown option to the top-level parser,
  which prints ``snaplint``'s), and an unknown option gets "did you mean `--out`?" naming the
  closest option of that command.
* Terraform's single-dash spellings, typed by habit, are accepted: any long option of the
  command written with one dash (``-out=FILE``, ``-auto-approve``, ``-target=job.NAME``,
  ``-detailed-exitcode``, ``-replace=NAME``, ``-lock-timeout=30s``, ``-refresh=false``,
  ``-parallelism=4``, ``-no-color``, ``-json`` …) is read as its double-dash form. Only exact
  names are rewritten (no abbreviations), single-letter options (``-o``, ``-q``, ``-j``, ``-l``)
  keep their meaning, and nothing after ``--`` or after a value-taking option is touched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with the behaviour above (subparsers inherit the class)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        argv = long_spelling(self, list(sys.argv[1:] if args is None else args))
        parsed, extras = super().parse_known_args(argv, namespace)
        if extras:
            # the innermost command sees its leftovers first: its usage is the one to show
            self.error(unrecognized(self, extras))
        return parsed, extras


def long_spelling(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with ``-name[=value]`` rewritten to ``--name[=value]`` where ``--name`` is one
    of ``parser``'s options (up to the subcommand, if the parser has subcommands)."""
    actions: dict[str, argparse.Action] = parser._option_string_actions
    commands = _subcommands(parser)
    out: list[str] = []
    value_next = False
    for i, token in enumerate(argv):
        if value_next:  # the value of the option before it, e.g. `--reason -auto-approve`
            out.append(token)
            value_next = False
            continue
        if token == "--" or token in commands:
            out.extend(argv[i:])  # the rest is positional, or the subcommand's to read
            break
        name, eq, _ = token.partition("=")
        if len(name) > 2 and name[0] == "-" and name[1] != "-" and "-" + name in actions:
            token, name = "-" + token, "-" + name
        action = actions.get(name)
        value_next = action is not None and not eq and action.nargs in (None, 1)
        out.append(token)
    return out


# Terraform options with no snaplint option of that name: what to do instead
TERRAFORM_ONLY = {
    "destroy": "`snaplint destroy` shows what it would stop and asks first",
    "var": "manifests take values from the environment as ${env:NAME}",
    "var-file": "manifests take values from the environment as ${env:NAME}",
    "input": "snaplint asks only on a terminal; without one, --auto-approve is required",
    "lock": "commands that write the state always lock it; --lock-timeout waits for the lock",
}


def unrecognized(parser: argparse.ArgumentParser, extras: Sequence[str]) -> str:
    """argparse's message for leftover arguments, with the closest option for each unknown one."""
    hints = []
    notes = []
    for token in extras:
        guess = closest_option(parser, token)
        if guess is not None:
            hints.append((token, guess))
        elif token.startswith("-") and token.lstrip("-").partition("=")[0] in TERRAFORM_ONLY:
            notes.append(f"{token}: {TERRAFORM_ONLY[token.lstrip('-').partition('=')[0]]}")
    message = f"unrecognized arguments: {' '.join(extras)}"
    if notes:
        message += "; " + "; ".join(notes)
    if len(hints) == 1:
        message += f"; did you mean `{hints[0][1]}`?"
    elif hints:
        message += "; did you mean " + ", ".join(f"`{g}` (for {t})" for t, g in hints) + "?"
    return message


def closest_option(parser: argparse.ArgumentParser, token: str) -> str | None:
    """The long option of ``parser`` that ``token`` (``--outt``, ``-outt=x``) most likely meant."""
    name = token.partition("=")[0]
    if not name.startswith("-") or name == "-" or name.lstrip("-")[:1].isdigit():
        return None  # a positional or a negative number, not a misspelt option
    if not name.startswith("--"):
        name = "-" + name  # Terraform's single dash: compare with the long names
    import difflib  # only on an error: not on every run's import path

    longs = [s for s in parser._option_string_actions if s.startswith("--")]
    close = difflib.get_close_matches(name, longs, n=1, cutoff=0.7)
    return close[0] if close else None


def closest_command(word: str, commands: Sequence[str]) -> str | None:
    """The command a misspelt one (``plna``) most likely meant."""
    import difflib

    close = difflib.get_close_matches(word, list(commands), n=1, cutoff=0.6)
    return close[0] if close else None


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    names: set[str] = set()
    for action in parser._actions:
        if action.nargs == argparse.PARSER:
            choices: Any = action.choices or {}
            names.update(choices)
    return names
