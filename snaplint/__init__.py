"""snaplint: lint, plan and apply Agora Cloud Recording snapshot jobs.

Plugin authors import :data:`hookimpl` from here::

    from snaplint import hookimpl

    @hookimpl
    def snaplint_rules():
        return [my_rule_module]
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> Any:
    # pluggy is imported only when a plugin asks for the marker, keeping `import snaplint` cheap.
    if name == "hookimpl":
        from snaplint.findings.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'snaplint' has no attribute {name!r}")
