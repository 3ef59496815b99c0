"""The emulator fixture of tests/tenant, for the apply attack tests."""

from tests.tenant.conftest import fake

__all__ = ["fake"]
