"""Generates docs/rules.md and its coverage table (not imported at run time)."""
