"""Generated validators (see b2blint.schema.codegen)."""
