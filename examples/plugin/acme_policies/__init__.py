"""ACME's snaplint policies: registered through snaplint's ``snaplint_rules`` hook."""

from __future__ import annotations

from typing import Any

from snaplint import hookimpl

from . import production_capture_interval


@hookimpl
def snaplint_rules() -> list[Any]:
    return [production_capture_interval]
