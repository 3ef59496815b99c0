"""The Graph emulator fixture for command tests (the same one the tenant tests use)."""

from __future__ import annotations

from tests.tenant.conftest import fake

__all__ = ["fake"]
