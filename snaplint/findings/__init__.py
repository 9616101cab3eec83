"""What checks yield and rules are given: findings, diagnostics, the rule API, the plugin hookspec, references."""
