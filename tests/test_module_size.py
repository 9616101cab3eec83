"""No module of snaplint/ over 500 lines: a newcomer reads a module in one sitting, and a
module that grows past that has found a seam. At most two may stay one piece, and their
docstrings must say why (the phrase "one piece" in the module docstring)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "snaplint"
LIMIT = 500
MAX_EXCEPTIONS = 2


def oversized() -> dict[str, bool]:
    """Module path → whether its docstring says why it must stay one piece."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LIMIT:
            doc = ast.get_docstring(ast.parse(text)) or ""
            out[str(path.relative_to(PACKAGE.parent))] = "one piece" in doc
    return out


def test_no_module_is_over_500_lines_without_a_reason() -> None:
    found = oversized()
    unexplained = sorted(p for p, why in found.items() if not why)
    assert unexplained == [], f"over {LIMIT} lines, split by its seams: {unexplained}"
    assert len(found) <= MAX_EXCEPTIONS, f"more than {MAX_EXCEPTIONS} one-piece modules: {found}"


def test_the_check_sees_a_long_module(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "snaplint"
    package.mkdir()
    (package / "long.py").write_text('"""Long."""\n' + "x = 1\n" * (LIMIT + 1))
    (package / "kept.py").write_text('"""Must stay one piece: why."""\n' + "x = 1\n" * (LIMIT + 1))
    (package / "short.py").write_text("x = 1\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", package)
    assert oversized() == {"snaplint/long.py": False, "snaplint/kept.py": True}
