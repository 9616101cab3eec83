"""The package's import graph: no cycles, and no arrow back up (CONTRIBUTING.md's folder map).

Every import of every module under ``snaplint/`` counts — top level and inside functions —
except those under ``if TYPE_CHECKING:``, which are type-only and never run. ``from
snaplint.x import y`` is an edge to ``snaplint.x.y`` when that is a module, else to
``snaplint.x``. A package's ``__init__`` being run by importing its submodules is not an edge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "snaplint"

# (importer prefix, imported prefix): the arrows that point back up or sideways
FORBIDDEN = [
    ("snaplint.rules", "snaplint.lint"),
    ("snaplint.rules", "snaplint.cli"),
    ("snaplint.rules", "snaplint.operations"),
    ("snaplint.report", "snaplint.lint"),
    ("snaplint.report", "snaplint.cli"),
    ("snaplint.findings", "snaplint.lint"),
    ("snaplint.lint", "snaplint.agora"),
    ("snaplint.lint", "snaplint.plan"),
    ("snaplint.lint", "snaplint.operations"),
    ("snaplint.lint", "snaplint.state"),
    ("snaplint.plan", "snaplint.agora"),
    ("snaplint.plan", "snaplint.state"),
    ("snaplint.plan", "snaplint.operations"),
    ("snaplint.agora", "snaplint.plan"),
    ("snaplint.agora", "snaplint.state"),
    ("snaplint.agora", "snaplint.operations"),
    ("snaplint.agora", "snaplint.lint"),
    ("snaplint.state", "snaplint.operations"),
    ("snaplint.state", "snaplint.agora"),
    ("snaplint.notifications", "snaplint.operations"),
    ("snaplint.notifications", "snaplint.state"),
    ("snaplint.storage", "snaplint.operations"),
]
# edges the rules above would refuse, each allowed for its reason
ALLOWED = {
    ("snaplint.lint.manifest", "snaplint.agora.fields"): (
        "the acquire/start body keys (pure wire format): one source for linter and emulator"
    ),
    ("snaplint.plan.jobs", "snaplint.agora.filenames"): (
        "screenshot object-key rules (pure wire format) for the file names a plan shows"
    ),
}
# nothing imports the CLI but the CLI itself and `python -m snaplint`
CLI_IMPORTERS = ("snaplint.cli", "snaplint.__main__")
# the emulator shares nothing with the rest but wire-format facts
EMULATOR_MAY_IMPORT = (
    "snaplint.emulator",
    "snaplint.agora.fields",
    "snaplint.agora.filenames",
    "snaplint.agora.ratelimit",
    "snaplint.agora.tokens",
    "snaplint.redaction",
    # the notification body and its signature headers, as Agora's notification service
    # sends them: wire format, one definition shared with the receiver
    "snaplint.notifications.compose",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(root.rglob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of(source: str, known: Iterable[str]) -> set[str]:
    """The snaplint modules ``source`` imports (outside ``if TYPE_CHECKING:``)."""
    known = set(known)
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_nearest(alias.name, known))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else _nearest(node.module, known))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return {m for m in found if m and m.startswith("snaplint")}


def _nearest(name: str, known: set[str]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def graph(mods: Mapping[str, Path]) -> dict[str, set[str]]:
    return {
        name: imports_of(path.read_text(encoding="utf-8"), mods) - {name}
        for name, path in mods.items()
    }


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def forbidden(edges: Mapping[str, set[str]]) -> list[str]:
    bad = []
    for importer, imported in sorted((a, b) for a, bs in edges.items() for b in bs):
        if (importer, imported) in ALLOWED:
            continue
        for src, dst in FORBIDDEN:
            if _under(importer, src) and _under(imported, dst):
                bad.append(f"{importer} -> {imported}")
        if _under(imported, "snaplint.cli") and not any(_under(importer, p) for p in CLI_IMPORTERS):
            bad.append(f"{importer} -> {imported} (only the CLI imports the CLI)")
        if (
            _under(importer, "snaplint.emulator")
            and not any(_under(imported, p) for p in EMULATOR_MAY_IMPORT)
            and imported != "snaplint"
        ):
            bad.append(f"{importer} -> {imported} (the emulator shares only wire facts)")
    return bad


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(graph(modules())) == []


def test_no_import_points_back_up() -> None:
    assert forbidden(graph(modules())) == []


# ------------------------------------------------------------------ the checker itself


def write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = root / "snaplint" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {module_name_in(root, p): p for p in sorted((root / "snaplint").rglob("*.py"))}


def module_name_in(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_the_checker_sees_a_cycle_even_inside_a_function(tmp_path: Path) -> None:
    mods = write(
        tmp_path,
        {
            "__init__.py": "",
            "lint/__init__.py": "",
            "lint/a.py": "from snaplint.lint import b\n",
            "lint/b.py": "def f():\n    from snaplint.lint.a import thing\n",
            "lint/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from snaplint.lint import a\n",
        },
    )
    edges = graph(mods)
    assert edges["snaplint.lint.c"] == set()  # type-only
    assert cycles(edges) == [["snaplint.lint.a", "snaplint.lint.b"]]


@pytest.mark.parametrize(
    ("rel", "source", "edge"),
    [
        (
            "rules/x.py",
            "from snaplint.lint.linter import Linter\n",
            "snaplint.rules.x -> snaplint.lint.linter",
        ),
        (
            "report/x.py",
            "import snaplint.lint.linter\n",
            "snaplint.report.x -> snaplint.lint.linter",
        ),
        (
            "plan/x.py",
            "def f():\n    from snaplint.agora import client\n",
            "snaplint.plan.x -> snaplint.agora.client",
        ),
        ("lint/x.py", "from snaplint.cli import main\n", "snaplint.lint.x -> snaplint.cli"),
        (
            "emulator/x.py",
            "from snaplint.plan import jobs\n",
            "snaplint.emulator.x -> snaplint.plan.jobs",
        ),
    ],
)
def test_the_checker_refuses_an_arrow_back_up(tmp_path: Path, rel, source, edge) -> None:
    files = {
        "__init__.py": "",
        "cli/__init__.py": "",
        "lint/__init__.py": "",
        "lint/linter.py": "",
        "agora/__init__.py": "",
        "agora/client.py": "",
        "plan/__init__.py": "",
        "plan/jobs.py": "",
        "rules/__init__.py": "",
        "report/__init__.py": "",
        "emulator/__init__.py": "",
        rel: source,
    }
    assert any(line.startswith(edge) for line in forbidden(graph(write(tmp_path, files))))
