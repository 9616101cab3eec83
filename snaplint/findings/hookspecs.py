"""The plugin contract.

A plugin is any object registered with the plugin manager that implements
``snaplint_rules``. Built-in rules are registered through the very same hook
(see :mod:`snaplint.lint.plugins`), so a third-party rule is a first-class rule.

Third-party packages declare an entry point in the ``snaplint`` group::

    [project.entry-points.snaplint]
    my_team_policies = "my_team_policies"

and implement the hook with the exported marker::

    from snaplint import hookimpl

    @hookimpl
    def snaplint_rules():
        return [capture_interval_production]   # rule modules or objects

Hooks are called with keyword arguments only; an implementation may accept
fewer arguments than the spec, so the spec can grow without breaking plugins.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "snaplint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def snaplint_rules() -> list[Any]:  # type: ignore[empty-body]
    """Return the rules this plugin provides.

    Each rule is a module or object that satisfies :class:`snaplint.findings.rule.Rule`:
    constants ``ID`` (kebab-case), ``CODE`` (e.g. ``"SNP012"``), ``SEVERITY``
    (``"error"``, ``"warning"`` or ``"info"``), ``SCOPE`` (``"manifest"``,
    ``"project"`` or ``"schema"``), optional ``OPTIONS`` (a JSON Schema for the
    rule's options, with defaults) and ``SUPPRESSIBLE`` (default true), a
    docstring with the documented sections, and ``check()``.
    """
