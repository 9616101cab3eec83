"""Files + config + rules → sorted diagnostics.

Per file: load (problems are values) → per document: references, schema,
manifest rules → then project rules over every document → suppressions,
per-file ignores → sorted diagnostics. The linter, not the rules, decides
which rules run, their severity and options, and turns a crashing rule into a
diagnostic instead of a traceback.

Rules may trust types: a value the schema found of the wrong type is handed to
them marked unknown (``references.UNKNOWN``), as a ``${env:…}`` reference is, so
one typo silences no rule — each still checks every other field. Security rules
(``SEES_TYPE_ERRORS``) are given the document as written. Range and enum findings
do not stop rules either. Project rules see only documents without type errors;
the result counts the rules that were skipped that way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from snaplint.config import Config, ConfigError, app_id_fallback
from snaplint.findings import references as refs
from snaplint.findings import result as findings_result
from snaplint.findings.diagnostics import Diagnostic, Finding, Span
from snaplint.findings.rule import RuleContext, is_suppressible, option_defaults, project_fields
from snaplint.lint import schema, suppressions
from snaplint.lint.manifest import (
    DEFAULT_MAX_FILE_SIZE,
    SCHEMA_FOR_KIND,
    Document,
    LoadedFile,
    Problem,
    Source,
    load_file,
    load_text,
)
from snaplint.lint.plugins import RuleTable
from snaplint.lint.projectstage import ProjectStage
from snaplint.lint.results import Results

ENV_UNSET = "env-reference-unset"


@dataclass
class LintOptions:
    """Run settings that come from the command line rather than the config file."""

    revision: str | None = None
    mode: str | None = None
    resolve_env: bool = False
    env: Mapping[str, str] | None = None
    now: datetime | None = None
    select: list[str] | None = None  # replaces config select
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    stdin_filename: str | None = None
    report_only: set[str] | None = None  # real paths: report findings only for these files


# The run's result is a value of its own module: reporters import it from there, never the linter.
LintResult = findings_result.LintResult
SuppressedFinding = findings_result.SuppressedFinding


@dataclass(slots=True)
class FileOutcome:
    """One file linted on its own: loader, schema and manifest-rule findings.

    This is the unit a cache stores and a worker process returns (``snaplint.lint.runner``);
    :meth:`Linter.finish` adds the project stage and the per-file filters.
    """

    path: str  # as given ("-" for stdin)
    display: str
    real: str  # real path: what ``report_only`` and caches compare
    source: Source | None
    diagnostics: list[Diagnostic]  # before suppressions and per-file ignores
    documents: list[Document]  # every document (a runner may drop them, keeping the count)
    checked: list[Document]  # documents without type errors: what project rules see
    document_count: int = -1

    def __post_init__(self) -> None:
        if self.document_count < 0:
            self.document_count = len(self.documents)


class Linter:
    """One configured run: enabled rules, severities, options and contexts, built once."""

    def __init__(
        self, config: Config, table: RuleTable, options: LintOptions | None = None
    ) -> None:
        self.config = config
        self.table = table
        self.options = options or LintOptions()
        opts = self.options
        self.revision = opts.revision or config.api_revision
        self.now = opts.now or datetime.now(UTC)
        self.today = self.now.date()
        self.env = opts.env if opts.env is not None else os.environ
        self.enabled = self._enabled()
        self.severity = {self._must_resolve(k, "severity"): v for k, v in config.severity.items()}
        self.contexts = self._contexts()
        self.manifest_rules = [r for r in table if r.ID in self.enabled and r.SCOPE == "manifest"]
        self.project_rules = [r for r in table if r.ID in self.enabled and r.SCOPE == "project"]
        self._manifest_checks = [
            (r, r.check, self.contexts[r.ID], bool(getattr(r, "SEES_TYPE_ERRORS", False)))
            for r in self.manifest_rules
        ]
        # what the project stage keeps of each job (None: whole documents)
        self.project_fields = project_fields(self.project_rules)
        # (project_key, ctx) of the project rules that declare one (snaplint.lint.projectstage)
        self.project_keyed = [
            (r.project_key, self.contexts[r.ID])
            for r in self.project_rules
            if hasattr(r, "project_key")
        ]
        for pattern, selectors in config.per_file_ignores.items():
            self._select(
                selectors, f"per-file-ignores[{pattern!r}]"
            )  # unknown rules fail now, not mid-run
        self.suppressible_override = {
            rid for sel in config.suppressible for rid in table.matching(sel)
        }

    # -- configuration --

    def _must_resolve(self, written: str, where: str) -> str:
        rid = self.table.resolve(written)
        if rid is None:
            raise ConfigError(f"unknown rule {written!r} in {where}")
        return rid

    def _select(self, selectors: Iterable[str], where: str) -> set[str]:
        out: set[str] = set()
        for sel in selectors:
            matched = set(self.table.matching(sel))
            if not matched:
                raise ConfigError(f"unknown rule or code {sel!r} in {where}")
            out |= matched
        return out

    def _enabled(self) -> set[str]:
        opts, config = self.options, self.config
        select = opts.select if opts.select is not None else config.select
        enabled = self._select(select, "select")
        enabled |= self._select([*config.extend_select, *opts.extend_select], "extend-select")
        enabled -= self._select([*config.ignore, *opts.ignore], "ignore")
        return enabled

    def _contexts(self) -> dict[str, RuleContext]:
        contexts: dict[str, RuleContext] = {}
        configured = {
            self._must_resolve(k, "rules"): v for k, v in self.config.rule_options.items()
        }
        for rule in self.table:
            options = option_defaults(rule)
            if rule.ID in configured:
                options.update(configured[rule.ID])
                _validate_options(rule, options)
            contexts[rule.ID] = RuleContext(
                options=options,
                revision=self.revision,
                mode=self.options.mode or self.config.mode,
                now=self.now,
                resolve_env=self.options.resolve_env,
                default_app_id=self._default_app_id(),
            )
        return contexts

    def _default_app_id(self) -> str | None:
        # jobs without spec.appId: the precedence plan/apply use (snaplint.config.app_id_fallback)
        return app_id_fallback(self.env, self.config.section("api"))

    # -- running --

    def lint_files(
        self, paths: Sequence[str], *, stdin: Any = None, runner: Any = None
    ) -> LintResult:
        """Lint files in order. A ``runner`` (``snaplint.lint.runner.Runner``) may serve files from
        the cache and lint the rest in worker processes; it calls :meth:`check_file` and
        :meth:`finish`, so results are the same either way."""
        if runner is not None:
            return runner.run(self, paths, stdin=stdin)
        max_size = self.config.max_file_size or DEFAULT_MAX_FILE_SIZE
        loaded = []
        for path in paths:
            display = (
                self.options.stdin_filename if path == "-" and self.options.stdin_filename else None
            )
            loaded.append((path, load_file(path, max_size=max_size, stdin=stdin, display=display)))
        return self.lint_loaded(loaded)

    def lint_loaded(self, loaded: Sequence[tuple[str, LoadedFile]]) -> LintResult:
        return self.finish([self.check_file(path, lf) for path, lf in loaded])

    def check_file(self, path: str, lf: LoadedFile, real: str | None = None) -> FileOutcome:
        """Everything about one file that does not depend on the other files.

        ``real`` is the file's real path when the caller knows it (worker processes pass ""
        and the parent fills it in: realpath costs a few system calls per file).
        """
        display = lf.source.display if lf.source else _display(path, self.options.stdin_filename)
        if real is None:
            real = path if path == "-" else os.path.realpath(path)
        diags = [self._from_problem(display, p) for p in lf.problems]
        checked: list[Document] = []
        for doc in lf.documents:
            found, type_ok = self._check_document(doc)
            diags.extend(found)
            if type_ok:
                checked.append(doc)
        kept = [d for d in diags if d is not None]
        return FileOutcome(path, display, real, lf.source, kept, list(lf.documents), checked)

    def finish(
        self, outcomes: Iterable[FileOutcome], project: list[Diagnostic] | None = None
    ) -> LintResult:
        """Project rules over every checked document (or ``project``, their diagnostics
        computed earlier), then suppressions and per-file ignores, sorted."""
        results = Results(self)
        stage = self.project_stage() if project is None else None
        for o in outcomes:
            results.add(o)
            if stage is not None:
                for doc in o.checked:
                    stage.add(doc)
        return results.result(project if stage is None else stage.diagnostics())

    def project_stage(self, **store: Any) -> ProjectStage:
        """An empty project stage for this run (``store``: see :class:`ProjectStage`)."""
        return ProjectStage(self, **store)

    def run_project_rule(
        self, rule: Any, ctx: RuleContext, docs: list[Document]
    ) -> list[Diagnostic]:
        """One project rule over ``docs`` (a crash becomes a finding on the first of them)."""
        try:
            results = list(rule.check(docs, ctx))
        except Exception as exc:
            crash = self._crash(rule, docs[0], exc) if docs else None
            return [crash] if crash is not None else []
        out = []
        for doc, finding in results:
            diag = self._from_finding(doc, finding, rule.ID)
            if diag is not None:
                out.append(diag)
        return out

    def _check_document(self, doc: Document) -> tuple[list[Diagnostic], bool]:
        out: list[Diagnostic] = []
        hidden: set[str] = set()
        if self.options.resolve_env:
            hidden = self._secret_values(doc)
            done, missing = refs.resolve_in_place(doc.data, self.env)
            for path, name in missing:
                out.append(
                    self._from_finding(
                        doc,
                        Finding(
                            path, f"environment variable {name} is not set or empty", ENV_UNSET
                        ),
                    )
                )
        else:
            done = []
        findings = schema.validate(SCHEMA_FOR_KIND[doc.kind], doc.data)
        if done and _coerce_numbers(doc, findings, set(done)):
            findings = schema.validate(SCHEMA_FOR_KIND[doc.kind], doc.data)
        broken = [f.path for f in findings if f.rule == schema.DEFAULT_RULE["type"]]
        for f in findings:
            out.append(self._from_finding(doc, f))
        # where the schema already reported a value, a rule's finding on it is noise
        reported = {f.path for f in findings}
        # broken values marked unknown: rules skip them as they skip references, and check
        # the rest (a typo in one field must not hide a leaked key in another)
        view = replace(doc, data=refs.mark_unknown(doc.data, broken)) if broken else doc
        # the hot loop of a lint run: ~30 rules per document, most of which find nothing
        # (a Moved document holds two names: its schema is all there is to check)
        checks = self._manifest_checks if doc.kind != "moved" else ()
        for rule, check, ctx, as_written in checks:
            given = doc if as_written else view
            try:
                found = [
                    self._from_finding(doc, f, rule.ID)
                    for f in check(given, ctx)
                    if f.path not in reported
                ]
            except Exception as exc:
                found = [self._crash(rule, doc, exc)]
            out.extend(found)
        kept = [d for d in out if d is not None]
        if hidden:  # a secret variable reused in a plain field must not reach a message
            from snaplint.redaction import scrub

            kept = [replace(d, message=scrub(d.message, hidden)) for d in kept]
        return kept, not broken

    def _secret_values(self, doc: Document) -> set[str]:
        """The values of the variables ``doc`` references from secret fields (before they are
        resolved): wherever else they appear, they are still secrets."""
        from snaplint.findings.schemafiles import is_secret_path
        from snaplint.redaction import is_secret_key

        name = SCHEMA_FOR_KIND[doc.kind]
        return {
            self.env[var]
            for path, var in refs.iter_refs(doc.data)
            if self.env.get(var)
            and (is_secret_path(name, path) or (path and is_secret_key(str(path[-1]))))
        }

    def _crash(self, rule: Any, doc: Document, exc: Exception) -> Diagnostic | None:
        message = (
            f"rule {rule.ID} ({self.table.plugin_of.get(rule.ID, '?')}) crashed on this document: "
            f"{type(exc).__name__}: {exc}; its findings are missing — please report this"
        )
        # the diagnostic carries the crashed rule's own ID, so it is selected and reported like it
        return self._from_finding(
            doc, Finding((), message, rule.ID, target="key", severity="error")
        )

    # -- stamping --

    def _stamp(
        self,
        file: str,
        rule_id: str,
        message: str,
        span: Span,
        *,
        path: Any = (),
        document: int = 0,
        severity: str | None = None,
        fix: Any = None,
    ) -> Diagnostic | None:
        if rule_id not in self.enabled and rule_id in self.table.rules:
            return None
        rule = self.table.rules.get(rule_id)
        level = self.severity.get(rule_id) or severity or (rule.SEVERITY if rule else "error")
        return Diagnostic(
            file,
            span.line,
            span.column,
            span.end_line,
            span.end_column,
            rule_id,
            rule.CODE if rule else "",
            level,
            message,
            tuple(path),
            document,
            fix,  # type: ignore[arg-type]
        )

    def _from_problem(self, display: str, p: Problem) -> Diagnostic | None:
        return self._stamp(display, p.rule, p.message, p.span, path=p.path, document=p.document)

    def _from_finding(
        self, doc: Document, f: Finding, rule_id: str | None = None
    ) -> Diagnostic | None:
        rid = f.rule or rule_id or schema.FALLBACK_RULE
        span = doc.locate(f.path, f.target)
        return self._stamp(
            doc.source.display,
            rid,
            f.message,
            span,
            path=f.path,
            document=doc.index,
            severity=f.severity,
            fix=f.fix,
        )

    # -- per-file filters --

    def file_filters(
        self,
        display: str,
        diags: list[Diagnostic],
        source: Source | None,
        suppressed: list[SuppressedFinding] | None = None,
    ) -> list[Diagnostic]:
        """Inline suppressions, then per-file ignores; what they suppress goes to ``suppressed``."""
        mine: list[SuppressedFinding] = []
        if source is not None and "snaplint:" in source.text:
            found = suppressions.parse(source.lines, self.today)
            diags = suppressions.apply(
                diags,
                found,
                file=display,
                today=self.today,
                resolve=self.table.resolve,
                suppressible=lambda rid: (
                    rid in self.suppressible_override or is_suppressible(self.table.rules[rid])
                ),
                require_reason=self.config.require_reason,
                stamp=lambda rid, msg, span: self._stamp(display, rid, msg, span),
                suppressed=mine,
            )
        ignored = self._per_file_ignored(display)
        if ignored:
            diags = [d for d in diags if d.rule not in ignored]
            mine = [s for s in mine if s.diagnostic.rule not in ignored]
        if suppressed is not None:
            suppressed.extend(mine)
        return diags

    def _per_file_ignored(self, display: str) -> set[str]:
        if not self.config.per_file_ignores:
            return set()
        root = self.config.project_root()
        try:
            rel = Path(os.path.abspath(display)).relative_to(root).as_posix()
        except ValueError:
            rel = display
        out: set[str] = set()
        for pattern, selectors in self.config.per_file_ignores.items():
            if fnmatch(rel, pattern) or fnmatch(display, pattern):
                out |= self._select(selectors, f"per-file-ignores[{pattern!r}]")
        return out


def _validate_options(rule: Any, options: dict[str, Any]) -> None:
    schema_ = getattr(rule, "OPTIONS", None)
    if not schema_:
        if options:
            raise ConfigError(f"rule {rule.ID} takes no options (got {', '.join(sorted(options))})")
        return
    import jsonschema_rs

    if jsonschema_rs.validator_for(schema_).is_valid(options):
        return  # the common case: no need to import jsonschema to explain
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(schema_).iter_errors(options))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path)
        raise ConfigError(
            f"invalid options for rule {rule.ID}{' ' + where if where else ''}: {error.message}"
        )


def _coerce_numbers(doc: Document, findings: list[Finding], resolved: set[Any]) -> bool:
    """Environment values are text; make a substituted value a number where the schema wants one."""
    changed = False
    for f in findings:
        if f.rule != "wrong-type" or f.path not in resolved:
            continue
        value = doc.get(f.path)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            parent = doc.get(f.path[:-1])
            parent[f.path[-1]] = int(value)
            changed = True
    return changed


def _display(path: str, stdin_filename: str | None) -> str:
    from snaplint.lint.manifest import display_path

    if path == "-":
        return stdin_filename or "-"
    return display_path(path)


def lint_text(
    text: str,
    *,
    filename: str = "manifest.yaml",
    config: Config | None = None,
    mode: str | None = None,
    revision: str | None = None,
    table: RuleTable | None = None,
    now: datetime | None = None,
    resolve_env: bool = False,
    env: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Lint a string as if it were a file (tests, editors, fix verification)."""
    from snaplint.lint.plugins import load_rules

    linter = Linter(
        config or Config(),
        table or load_rules(autoload=False),
        LintOptions(mode=mode, revision=revision, now=now, resolve_env=resolve_env, env=env),
    )
    lf = load_text(text, filename)
    return linter.lint_loaded([(filename, lf)]).diagnostics
