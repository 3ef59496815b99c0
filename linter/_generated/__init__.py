"""Generated validators (see b2blint.schema_codegen)."""
