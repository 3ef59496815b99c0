"""The Graph emulator fixture of the tenant tests (plans are rendered from real Graph reads)."""

from tests.tenant.conftest import fake  # noqa: F401
