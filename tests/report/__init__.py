"""Tests of the report formats (SARIF for GitHub code scanning)."""
