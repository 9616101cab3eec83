"""``snaplint schema``: print a JSON Schema for editors (self-contained, refs inlined)."""

from __future__ import annotations

import argparse
import json
import sys

NAME = "schema"
HELP = "Print the JSON Schema of a document kind (for editors and yaml-language-server)."

KINDS = {
    "job": "snapshot-job",
    "start": "start-request",
    "acquire": "acquire-request",
    "moved": "moved",
    "config": "config",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--kind", choices=sorted(KINDS), default="job", help="which schema (default: job)"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    from snaplint.lint.schema import bundle

    text = json.dumps(bundle(KINDS[args.kind]), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
