"""Allow ``python -m b2blint.fakegraph``."""

from .cli import main

raise SystemExit(main())
