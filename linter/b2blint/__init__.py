"""b2blint: policy-as-code for Microsoft Entra cross-tenant access and B2B guest settings."""

__version__ = "0.1.0"
