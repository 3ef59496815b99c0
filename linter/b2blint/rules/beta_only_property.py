"""## What it does
Reports properties that exist only in the Microsoft Graph beta API (for example
`blockServiceProviderOutboundAccess`, `groupSyncInbound`) while b2blint targets v1.0, the
default.

## Why is this bad?
v1.0 rejects properties it does not know, so `apply` would fail on them; and Microsoft says
beta APIs are "subject to change" and not supported in production.

## How to fix
Remove the property, or opt in to the beta API for this repository with
`api-version = "beta"` in `[tool.b2blint]` (or `.b2blint.yaml`).

## References
- Versioning and support: https://learn.microsoft.com/graph/versioning-and-support
- crossTenantAccessPolicyConfigurationDefault (beta):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationdefault?view=graph-rest-beta
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SCH004",
    name="beta-only-property",
    severity=Severity.WARNING,
    summary="A beta-only Graph property is set while targeting the v1.0 API.",
    doc=__doc__ or "",
)
