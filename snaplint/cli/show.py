"""``snaplint show [--json] [PLANFILE]``: render a saved plan, or summarise the state."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from snaplint.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    add_workspace_argument,
    run_operation,
    settings_from_args,
    use_color,
    view_for,
)

NAME = "show"
HELP = "Show a saved plan (text or --json), or the state when no plan is given."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("planfile", nargs="?", metavar="PLANFILE", help="a plan saved by plan --out")
    p.add_argument("--config", metavar="FILE", help="project configuration (default: discovered)")
    p.add_argument("--no-color", action="store_true", help="no ANSI colours (NO_COLOR too)")
    p.add_argument("--json", action="store_true", help="one JSON document (Terraform's shape)")
    add_workspace_argument(p)  # the state summarised without a PLANFILE


def run(args: argparse.Namespace) -> int:
    from snaplint.cli import UsageError
    from snaplint.plan.document import plan_document
    from snaplint.plan.render import render_plan
    from snaplint.plan.saved import PlanFileError, decode

    if args.planfile is None:
        return _state(args)
    try:
        saved = decode(Path(args.planfile).read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read {args.planfile}: {exc.strerror or exc}") from exc
    except PlanFileError as exc:
        raise UsageError(f"{args.planfile}: {exc}") from exc
    if args.json:
        doc = plan_document(
            saved.plan,
            {
                "timestamp": saved.created_at,
                "manifests": saved.manifests,
            },
        )
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return EXIT_OK
    import sys

    color = use_color(args, sys.stdout)
    print(
        f"Saved plan {args.planfile}, made {saved.created_at} against state serial "
        f"{saved.plan.serial}.\n"
    )
    sys.stdout.write(render_plan(saved.plan, color=color))
    return EXIT_OK if not saved.plan.errors else EXIT_ERROR


def _state(args: argparse.Namespace) -> int:
    from snaplint.operations.state_commands import read
    from snaplint.plan.difftext import value_text

    args.json = False
    settings = settings_from_args(args)
    view = view_for(args, settings)
    found = run_operation(lambda: read(settings, view, warn=False))
    if not found.exists:
        view.text("The state is empty: nothing has been applied yet.")
        return EXIT_OK
    state = found.state
    view.text(f"# state {found.where} lineage {state.lineage} serial {state.serial}")
    for job in state:
        view.text(
            f"job.{job.name}: {job.status}, cname {value_text(job.cname)}, uid "
            f"{value_text(job.uid)}, sid {job.sid or '-'}" + (", protected" if job.protect else "")
        )
    return EXIT_OK
