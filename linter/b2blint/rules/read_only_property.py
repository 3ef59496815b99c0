"""## What it does
Reports properties that Graph computes and never accepts in a write: `isServiceDefault`,
`isInMultiTenantOrganization`, the default configuration's `automaticUserConsentSettings`,
`tenantId` inside a partner's settings, `id`, `deletedDateTime`.

## Why is this bad?
Graph documents these as read-only ("always `false` and can't be updated in the default
configuration" for automaticUserConsentSettings). Sending one makes the request fail, and
keeping one in the file suggests a control the admin does not have.

## How to fix
Remove the property. A partner's tenant ID belongs on the partner entry (`tenantId:`), not
under `settings`; automatic redemption is configured per partner.

## References
- crossTenantAccessPolicyConfigurationDefault (automaticUserConsentSettings, isServiceDefault):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationdefault
- crossTenantAccessPolicyConfigurationPartner (isInMultiTenantOrganization):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SCH003",
    name="read-only-property",
    severity=Severity.ERROR,
    summary=(
        "A read-only Graph property (isServiceDefault, the default's "
        "automaticUserConsentSettings, ...) is set."
    ),
    doc=__doc__ or "",
)
