"""Operations: plan, apply, destroy, import, refresh, state commands: settings + a View -> a result."""
