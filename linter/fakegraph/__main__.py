"""Allow ``python -m b2blint.fakegraph``."""

from b2blint.fakegraph.cli import main

raise SystemExit(main())
