"""The schema pass: JSON Schemas bundled and compiled, SCH findings with exact positions."""
