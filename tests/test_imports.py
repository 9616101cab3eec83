"""The package's import graph: no cycle between modules, no arrow back up (issue 13, point 6).

``CONTRIBUTING.md``'s folder map says what each folder of ``snaplint/`` may import; this test
holds the code to it. It reads every module with :mod:`ast` (nothing is imported) and records
each import of a snaplint module — at the top of a module and inside functions alike: a lazy
import is a dependency too, only a later one.

What is an edge:

- ``import snaplint.a.b``, ``from snaplint.a import b`` (``b`` a module) and
  ``from snaplint.a.b import name`` are edges to ``snaplint.a.b``; relative imports are resolved.
- Imports under ``if TYPE_CHECKING:`` are **excluded**: they are type-only, never executed, so
  they cause neither an import-time dependency nor a cycle (an annotation may name a type of
  another layer; only a type checker sees it).
- A module's implicit import of its parent packages is not an edge (else every package that
  imports its own submodules would be a cycle).

Edges that are allowed on purpose, and why, are the ``allowed`` sets of :data:`RULES` and
:data:`WIRE_FORMAT` below; the folder map in ``CONTRIBUTING.md`` says the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "snaplint"

# agora/'s wire-format modules: facts of the documented API (request fields, screenshot file
# names, the token layout), standard library only. The linter, the plan model and the emulator
# may read them without reaching the HTTP stack (client, connection, endpoint, exceptions).
WIRE_FORMAT = frozenset(
    {
        "snaplint.agora.fields",
        "snaplint.agora.filenames",
        "snaplint.agora.tokens",
        "snaplint.agora.tokenbytes",
    }
)


@dataclass(frozen=True)
class Rule:
    """Modules under ``importers`` (less ``exempt``) must not import modules under
    ``forbidden`` (less ``allowed``). Names match a module and everything below it."""

    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    allowed: frozenset[str] = frozenset()
    exempt: frozenset[str] = frozenset()

    def applies_to(self, module: str) -> bool:
        return under(module, self.importers) and not under(module, self.exempt)

    def refuses(self, target: str) -> bool:
        return under(target, self.forbidden) and not under(target, self.allowed)


RULES: tuple[Rule, ...] = (
    Rule(
        ("snaplint.findings",),
        ("snaplint",),
        "findings/ is the bottom layer (what checks yield, what rules are given, the result "
        "type, the schemas' facts): it imports nothing else of snaplint",
        allowed=frozenset({"snaplint.findings"}),
    ),
    Rule(
        ("snaplint.rules",),
        ("snaplint.lint", "snaplint.cli", "snaplint.operations"),
        "rules get what they need from findings/ and the rule context, never from the linter",
    ),
    Rule(
        ("snaplint.report",),
        ("snaplint.lint",),
        "reporters take the result type from snaplint.findings.result, never the linter",
    ),
    Rule(
        ("snaplint.lint",),
        ("snaplint.agora", "snaplint.plan", "snaplint.operations", "snaplint.state"),
        "lint needs no HTTP, plan or state (only agora's wire-format facts)",
        allowed=WIRE_FORMAT,
    ),
    Rule(
        ("snaplint.plan",),
        ("snaplint.agora", "snaplint.state", "snaplint.operations"),
        "the plan model is pure: no API client, no state (only agora's wire-format facts)",
        allowed=WIRE_FORMAT,
    ),
    Rule(
        ("snaplint.plan.render",),
        ("snaplint.agora", "snaplint.state"),
        "rendering reads only the plan",
    ),
    Rule(
        ("snaplint.agora",),
        ("snaplint.plan", "snaplint.state", "snaplint.operations", "snaplint.lint"),
        "the API side knows nothing of plans, state or lint (connection.py may start the "
        "embedded emulator, the documented default without an Agora account)",
    ),
    Rule(
        ("snaplint.emulator",),
        ("snaplint",),
        "the emulator shares nothing with the rest but the wire format: request fields, file "
        "names, tokens, the token bucket of the rate limit, and redaction of its logs",
        allowed=frozenset({"snaplint.emulator", "snaplint.agora.ratelimit", "snaplint.redaction"})
        | WIRE_FORMAT,
    ),
    Rule(
        tuple(sorted(WIRE_FORMAT)),
        ("snaplint",),
        "a wire-format module is standard library only, so reading it never pulls in more",
        allowed=WIRE_FORMAT,
    ),
    Rule(
        ("snaplint",),
        ("snaplint.cli",),
        "cli/ is the top: argv, views, exit codes; nothing below imports it",
        exempt=frozenset({"snaplint.cli", "snaplint.__main__"}),
    ),
    Rule(
        ("snaplint",),
        ("snaplint.docgen",),
        "docgen/ generates docs/rules.md and is never imported at run time",
        exempt=frozenset({"snaplint.docgen"}),
    ),
    Rule(
        ("snaplint.config",),
        ("snaplint",),
        "config is read by every context, so it stays low: it reads its own file with lint's "
        "positioned loader and validates it with lint's schema validator (lazily, inside "
        "functions; neither imports config back), and imports nothing else of a context",
        allowed=frozenset(
            {"snaplint.findings", "snaplint.lint.manifest", "snaplint.lint.schema", PACKAGE}
        ),
    ),
    Rule(
        ("snaplint.redaction",),
        ("snaplint",),
        "redaction is shared by everything that prints (API client, emulator, state, reports): "
        "it reads only the schema's secret marks (lint.schema, lazily)",
        allowed=frozenset({"snaplint.findings", "snaplint.lint.schema"}),
    ),
)


def under(module: str, names: Iterable[str]) -> bool:
    return any(module == n or module.startswith(n + ".") for n in names)


# --------------------------------------------------------------------------- the graph


def modules_of(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package under ``root`` (the folder holding ``package/``)."""
    found: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_only(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for stmt in node.body:  # the else branch runs
                skipped.update(id(n) for n in ast.walk(stmt))
    return skipped


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """module → the package's modules it imports (top level and inside functions)."""
    modules = modules_of(root, package)

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skipped = _type_only(tree)
        here = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(owner(a.name) for a in node.names if under(a.name, [package]))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                if not under(source, [package]):
                    continue
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.add(submodule if submodule in modules else owner(source))
        targets.discard(None)
        targets.discard(module)
        graph[module] = {t for t in targets if t is not None}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def violations(graph: Mapping[str, set[str]], rules: Iterable[Rule] = RULES) -> list[str]:
    out = []
    for rule in rules:
        for module in sorted(graph):
            if not rule.applies_to(module):
                continue
            for target in sorted(graph[module]):
                if rule.refuses(target):
                    out.append(f"{module} → {target}: {rule.why}")
    return out


# --------------------------------------------------------------------------- the package


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(REPO)


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_no_forbidden_imports(graph):
    assert violations(graph) == []


def test_every_rule_checks_modules_that_exist(graph):
    # a rule whose folder was renamed away would pass forever
    for rule in RULES:
        assert any(rule.applies_to(m) for m in graph), rule
        for name in [*rule.forbidden, *rule.allowed, *rule.exempt]:
            assert any(under(m, [name]) for m in graph), (name, rule.why)
    assert set(graph) >= WIRE_FORMAT


# --------------------------------------------------------------------------- the checker


def write(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


SYNTHETIC = {
    "snaplint/__init__.py": "",
    "snaplint/cli/__init__.py": "",
    "snaplint/lint/__init__.py": "",
    # a cycle through a lazy, relative import: linter → helper (top) → linter (in a function)
    "snaplint/lint/linter.py": "from snaplint.lint import helper\n",
    "snaplint/lint/helper.py": "def later():\n    from . import linter\n",
    "snaplint/rules/__init__.py": "",
    # a forbidden edge, inside a function
    "snaplint/rules/bad.py": "def check():\n    from snaplint.lint.linter import Linter\n",
    # type-only: no edge
    "snaplint/rules/typed.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from snaplint.cli import main\n"
    ),
    "snaplint/rules/fine.py": "import json\nfrom snaplint import rules\n",
}


def test_the_checker_sees_a_cycle_and_a_forbidden_edge(tmp_path):
    graph = import_graph(write(tmp_path, SYNTHETIC))
    assert graph["snaplint.lint.helper"] == {"snaplint.lint.linter"}
    assert graph["snaplint.rules.typed"] == set()
    assert graph["snaplint.rules.fine"] == {"snaplint.rules"}
    assert cycles(graph) == [["snaplint.lint.helper", "snaplint.lint.linter"]]
    found = violations(graph)
    assert found == [
        "snaplint.rules.bad → snaplint.lint.linter: rules get what they need from findings/ "
        "and the rule context, never from the linter"
    ]


def test_the_checker_passes_a_clean_graph(tmp_path):
    clean = {k: v for k, v in SYNTHETIC.items() if k not in ("snaplint/rules/bad.py",)}
    clean["snaplint/lint/helper.py"] = "def later():\n    import json\n"
    graph = import_graph(write(tmp_path, clean))
    assert cycles(graph) == [] and violations(graph) == []
