"""The lint pipeline: engine, configuration, suppressions, fixes, changed-file filter, rule
docs, tree reader."""
