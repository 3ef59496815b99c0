"""Allow ``python -m b2blint``."""

from b2blint.cli import main

raise SystemExit(main())
