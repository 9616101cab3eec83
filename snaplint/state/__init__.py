"""State: its codec, the backends (file, PostgreSQL), workspaces and migration."""
