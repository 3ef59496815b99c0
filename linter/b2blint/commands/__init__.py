"""One module per CLI command; imported lazily by `b2blint.cli`."""
