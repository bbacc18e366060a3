"""`python -m dead_letter_tool` is the `dead-letters` command."""

from .cli import main

raise SystemExit(main())
