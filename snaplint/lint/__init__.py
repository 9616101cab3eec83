"""Lint: loading with positions, schema, rule runtime, runner, cache, project stage, fixes, suppressions."""
