"""`python -m snaplint`."""

from snaplint.cli import main

raise SystemExit(main())
