"""The plugin manager and the rule table.

Built-in rules are registered through the same ``snaplint_rules`` hook as
third-party rule packages (entry-point group ``snaplint``), so they are
selected, configured and documented the same way. Plugins are installed
packages, never code loaded from the repository being linted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pluggy

from snaplint.findings import hookspecs
from snaplint.findings.rule import SCOPES

BUILTIN_PLUGIN = "snaplint"
AUTOLOAD_ENV = "SNAPLINT_DISABLE_PLUGIN_AUTOLOAD"


class PluginError(Exception):
    """A plugin could not be loaded or its rules conflict with others."""


class _Builtins:
    @hookspecs.hookimpl
    def snaplint_rules(self) -> list[Any]:
        from snaplint.rules import builtin_rules

        return builtin_rules()


@dataclass
class RuleTable:
    """Every known rule, by ID and by code, with the plugin that provided it.

    IDs and codes are matched without regard to case (``snp204``, ``Duplicate-Key``) wherever
    one is written: the CLI, the config and suppression comments all look rules up here.
    """

    rules: dict[str, Any] = field(default_factory=dict)
    by_code: dict[str, str] = field(default_factory=dict)
    plugin_of: dict[str, str] = field(default_factory=dict)
    # casefolded ID or code → rule ID
    folded: dict[str, str] = field(default_factory=dict)

    def add(self, rule: Any, plugin: str) -> None:
        rid = getattr(rule, "ID", None)
        code = getattr(rule, "CODE", None)
        missing = [a for a in ("ID", "CODE", "SEVERITY", "SCOPE") if not hasattr(rule, a)]
        if missing:
            raise PluginError(
                f"plugin {plugin!r} provides a rule without {', '.join(missing)}: {rule!r}"
            )
        if rule.SCOPE not in SCOPES:
            raise PluginError(f"rule {rid!r} of plugin {plugin!r} has unknown SCOPE {rule.SCOPE!r}")
        if rule.SEVERITY not in ("error", "warning", "info"):
            raise PluginError(
                f"rule {rid!r} of plugin {plugin!r} has unknown SEVERITY {rule.SEVERITY!r}"
            )
        if rid in self.rules:
            raise PluginError(
                f"duplicate rule ID {rid!r}: provided by plugin {self.plugin_of[rid]!r} and by plugin {plugin!r}"
            )
        if code in self.by_code:
            other = self.by_code[code]
            raise PluginError(
                f"duplicate rule code {code!r}: {other!r} (plugin {self.plugin_of[other]!r}) and "
                f"{rid!r} (plugin {plugin!r})"
            )
        for name in (rid, code):
            other = self.folded.get(str(name).casefold())
            if other is not None:  # IDs and codes are matched without case: they must differ
                raise PluginError(
                    f"rule {rid!r} (plugin {plugin!r}) and rule {other!r} (plugin "
                    f"{self.plugin_of[other]!r}) differ only in case: {name!r}"
                )
        self.rules[rid] = rule
        self.by_code[code] = rid
        self.plugin_of[rid] = plugin
        self.folded[rid.casefold()] = rid
        self.folded[str(code).casefold()] = rid

    def get(self, id_or_code: str) -> Any | None:
        rid = self.resolve(id_or_code)
        return None if rid is None else self.rules[rid]

    def resolve(self, id_or_code: str) -> str | None:
        """The rule ID for an ID or code (in any case), or None if unknown."""
        rid = self.by_code.get(id_or_code, id_or_code)
        if rid in self.rules:
            return rid
        return self.folded.get(id_or_code.casefold())

    def matching(self, selector: str) -> Iterator[str]:
        """IDs selected by ``ALL``, an ID, a code, or a code prefix such as ``SNP2`` (any case)."""
        if selector.upper() == "ALL":
            yield from self.rules
            return
        rid = self.resolve(selector)
        if rid is not None:
            yield rid
            return
        prefix = selector.upper()
        if not prefix[:3].isalpha():
            return
        for code, rid in self.by_code.items():
            if code.upper().startswith(prefix):
                yield rid

    def __iter__(self) -> Iterator[Any]:
        return iter(sorted(self.rules.values(), key=lambda r: r.CODE))

    def __len__(self) -> int:
        return len(self.rules)


def _declares_entry_points(group: str) -> bool:
    """Whether any installed distribution declares entry points in ``group``.

    A directory scan answers this in about a millisecond; importing ``importlib.metadata``
    (which pluggy's loader needs) costs ~20 ms on every run, so it is paid only when a
    snaplint plugin is actually installed. Anything unexpected answers True: load normally.
    """
    import sys

    needle = f"[{group}]"
    try:
        for folder in sys.path:
            if not folder or not os.path.isdir(folder):
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.name.endswith((".dist-info", ".egg-info")):
                        continue
                    try:
                        with open(
                            os.path.join(entry.path, "entry_points.txt"), encoding="utf-8"
                        ) as fh:
                            if needle in fh.read():
                                return True
                    except OSError:
                        continue
    except OSError:
        return True
    return False


def plugin_manager(
    *, autoload: bool | None = None, allow: Iterable[str] | None = None
) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(_Builtins(), name=BUILTIN_PLUGIN)
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload and _declares_entry_points(hookspecs.PROJECT):
        if allow is not None:
            allowed = set(allow)
            from importlib.metadata import entry_points

            for ep in entry_points(group=hookspecs.PROJECT):
                if ep.name not in allowed:
                    pm.set_blocked(ep.name)
        try:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT)
        except Exception as exc:  # a broken plugin is a clear message, not a traceback
            raise PluginError(
                f"cannot load a snaplint plugin: {type(exc).__name__}: {exc}"
            ) from exc
    pm.check_pending()
    return pm


def load_rules(*, autoload: bool | None = None, allow: Iterable[str] | None = None) -> RuleTable:
    """Ask every registered plugin for its rules; IDs and codes must be unique."""
    pm = plugin_manager(autoload=autoload, allow=allow)
    table = RuleTable()
    # call each implementation separately to know which plugin provided which rule
    impls = sorted(
        pm.hook.snaplint_rules.get_hookimpls(),
        key=lambda i: (i.plugin_name != BUILTIN_PLUGIN, i.plugin_name),
    )
    for impl in impls:
        try:
            provided = impl.function()
        except Exception as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed to list its rules: {type(exc).__name__}: {exc}"
            ) from exc
        for rule in provided or []:
            table.add(rule, impl.plugin_name)
    return table
