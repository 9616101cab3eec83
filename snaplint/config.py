"""Project configuration: ``.snaplint.yaml`` or ``[tool.snaplint]`` in ``pyproject.toml``.

Discovery walks up from the linted paths (or the working directory) and stops
at the first folder holding either file; ``.snaplint.yaml`` wins over
``pyproject.toml`` in the same folder (ruff's precedence). The folder that
holds the config is the project root: globs, state and the embedded emulator
live relative to it. The file is validated by ``schemas/config.schema.json``;
an invalid config is reported with line:column and exits 2.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snaplint.findings.diagnostics import Diagnostic, Span
from snaplint.findings.rule import DEFAULT_REVISION

CONFIG_NAMES = (".snaplint.yaml", ".snaplint.yml")
PYPROJECT = "pyproject.toml"
CACHE_DIR_NAME = (
    ".snaplint_cache"  # under the project root; snaplint.lint.cache keeps results there
)

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".snaplint",
    ".snaplint_cache",
    "build",
    "dist",
    # YAML that is never a manifest: configs of snaplint and of the tools around it
    ".snaplint.yaml",
    ".snaplint.yml",
    ".github",
    ".gitlab",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
)
DEFAULT_INCLUDE = ("*.yaml", "*.yml", "*.json")


class ConfigError(Exception):
    """An invalid configuration; carries located diagnostics when it has them."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass
class Config:
    """The effective configuration (file values; CLI flags are merged by the CLI)."""

    root: Path | None = None  # folder holding the config file
    source: Path | None = None  # the config file itself
    api_revision: str = DEFAULT_REVISION
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    force_exclude: bool = False
    plugins: list[str] | None = None
    max_file_size: int | None = None
    mode: str | None = None
    require_reason: bool = True
    suppressible: list[str] = field(default_factory=list)
    cache_enabled: bool = True
    cache_dir: str | None = None
    raw: dict[str, Any] = field(
        default_factory=dict
    )  # the file's mapping, for api/state/plan sections

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name)
        return value if isinstance(value, dict) else {}

    def project_root(self) -> Path:
        return self.root if self.root is not None else Path.cwd()


ENV_APP_ID = "AGORA_APP_ID"


def app_id_fallback(env: Mapping[str, str], api: Mapping[str, Any]) -> str | None:
    """The App ID of a job that does not name its own: ``AGORA_APP_ID``, then ``api.app-id``.

    The one statement of App-ID precedence, used by the linter (rules that compare App IDs),
    the plan (:func:`snaplint.plan.jobs.desired_jobs`) and the connection
    (:func:`snaplint.agora.connection.resolve_app_id`):

    1. a job's own ``spec.appId`` always wins (callers check it first);
    2. else the environment's ``AGORA_APP_ID``;
    3. else the project config's ``api.app-id`` (``api`` is that section);
    4. else None — plan/apply against the embedded emulator then use its default App ID.

    Empty values count as unset.
    """
    app = env.get(ENV_APP_ID) or api.get("app-id")
    return app if isinstance(app, str) and app else None


def find_config(start_paths: Sequence[str]) -> Path | None:
    """The nearest config file above the first linted path (or the working directory)."""
    starts = [p for p in start_paths if p and p != "-"] or ["."]
    start = Path(os.path.realpath(starts[0]))  # Path.resolve raises on a symlink loop
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.snaplint" in text


def load_config(path: Path | None, *, memo: bool = False) -> Config:
    """Read and validate a config file; ``None`` gives the built-in defaults.

    With ``memo`` (the results cache is enabled), the data of a config file whose exact bytes
    already validated under this snaplint is kept in the project's cache folder and reused: a
    warm run then neither parses YAML nor imports a validator.
    """
    if path is None:
        return Config()
    path = path.resolve()
    marker = _memo_marker(path) if memo else None
    if marker is not None:
        remembered = _recall(marker)
        if remembered is not None:
            return _build(remembered, path)
    if path.name == PYPROJECT:
        raw, locate = _read_pyproject(path)
    else:
        raw, locate = _read_yaml(path)
    _validate(raw, path, locate)
    section = raw.get("cache")
    if isinstance(section, dict) and (section.get("enabled") is False or section.get("dir")):
        marker = None  # the config turns the cache off or moves it: leave nothing behind
    if marker is not None:
        _remember(marker, raw)
    return _build(raw, path)


def _memo_marker(path: Path) -> Path | None:
    import hashlib

    from snaplint import __version__
    from snaplint.findings.schemafiles import schema_dir

    try:
        data = path.read_bytes()
        schema = (schema_dir() / "config.schema.json").stat()
    except OSError:
        return None
    stamp = f"{__version__}\0{schema.st_size}\0{schema.st_mtime_ns}\0".encode()
    digest = hashlib.blake2b(stamp + data, digest_size=16).hexdigest()
    return path.parent / CACHE_DIR_NAME / "config" / f"{digest}.json"


def _recall(marker: Path) -> dict[str, Any] | None:
    import json

    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _remember(marker: Path, raw: dict[str, Any]) -> None:
    import json

    try:
        text = json.dumps(raw)
        if json.loads(text) != raw:
            return  # not plain JSON data (e.g. TOML dates): just validate every time
        if not marker.parent.parent.exists():
            return  # the cache folder is created (with its .gitignore) by the results cache
        marker.parent.mkdir(exist_ok=True)
        tmp = marker.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, marker)  # atomic: a concurrent run reads all of it or nothing
    except (OSError, TypeError, ValueError):
        pass  # a read-only checkout: validate every time


def _read_yaml(path: Path) -> tuple[dict[str, Any], Any]:
    from snaplint.lint.manifest import load_file

    loaded = load_file(str(path), classify=False)
    if loaded.problems or loaded.source is None:
        p = loaded.problems[0]
        raise ConfigError(f"{_display(path)}:{p.span.line}:{p.span.column}: {p.message}")
    if not loaded.documents:
        return {}, lambda json_path, target="value": Span(1, 1, 1, 2)
    doc = loaded.documents[0]
    if doc.data is None:
        return {}, doc.locate
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{_display(path)}:1:1: the configuration must be a mapping")
    return doc.data, doc.locate


def _read_pyproject(path: Path) -> tuple[dict[str, Any], Any]:
    import tomllib

    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_display(path)}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("snaplint", {})
    lines = text.splitlines()

    def locate(json_path: tuple[Any, ...], target: str = "value") -> Span:
        # TOML parsers keep no positions: find the key's line textually (good enough for a message)
        key = next((str(p) for p in reversed(json_path) if isinstance(p, str)), None)
        header = next(
            (i for i, line in enumerate(lines) if line.strip().startswith("[tool.snaplint")), 0
        )
        if key:
            for i in range(header, len(lines)):
                stripped = lines[i].lstrip()
                if stripped.startswith((key, f'"{key}"')):
                    col = len(lines[i]) - len(stripped) + 1
                    return Span(i + 1, col, i + 1, col + len(key))
        return Span(header + 1, 1, header + 1, 2)

    return table, locate


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return str(path)


def _validate(raw: dict[str, Any], path: Path, locate: Any) -> None:
    from snaplint.lint.schema import validate

    findings = validate("config", raw)
    if not findings:
        return
    diagnostics = []
    for f in findings:
        span = locate(f.path, f.target)
        diagnostics.append(
            Diagnostic(
                _display(path),
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                "invalid-config",
                "",
                "error",
                f.message,
                f.path,
            )
        )
    diagnostics.sort(key=Diagnostic.sort_key)
    first = diagnostics[0]
    raise ConfigError(
        f"invalid configuration {first.file}:{first.line}:{first.column}: {first.message}",
        diagnostics,
    )


def _build(raw: dict[str, Any], path: Path) -> Config:
    config = Config(root=path.parent, source=path, raw=raw)
    config.api_revision = raw.get("api-revision", config.api_revision)
    config.select = list(raw.get("select", config.select))
    config.extend_select = list(raw.get("extend-select", []))
    config.ignore = list(raw.get("ignore", []))
    config.per_file_ignores = {k: list(v) for k, v in raw.get("per-file-ignores", {}).items()}
    config.severity = dict(raw.get("severity", {}))
    config.rule_options = {k: dict(v) for k, v in raw.get("rules", {}).items()}
    config.exclude = list(raw.get("exclude", DEFAULT_EXCLUDE)) + list(raw.get("extend-exclude", []))
    config.include = list(raw.get("include", DEFAULT_INCLUDE))
    config.force_exclude = bool(raw.get("force-exclude", False))
    config.plugins = list(raw["plugins"]) if "plugins" in raw else None
    config.max_file_size = raw.get("max-file-size")
    config.mode = raw.get("mode")
    suppressions = raw.get("suppressions", {})
    config.require_reason = bool(suppressions.get("require-reason", True))
    config.suppressible = list(suppressions.get("allow", []))
    cache = raw.get("cache", {})
    config.cache_enabled = bool(cache.get("enabled", True))
    config.cache_dir = cache.get("dir")
    return config
