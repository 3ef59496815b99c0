"""JSON Schemas shipped with b2blint (package data; see schema_bundle)."""
