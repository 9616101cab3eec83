"""Built-in rules: every module in this package is one rule (see CONTRIBUTING.md).

Modules are discovered rather than listed so that adding a rule is the module
and its case folder, nothing else to forget. The registry imports them once
per run; ``snaplint.lint.plugins`` registers them through the same hook as
third-party rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def builtin_rules() -> list[ModuleType]:
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # shared helpers, not rules
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules
