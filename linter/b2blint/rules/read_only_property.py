"""## What it does
Reports properties that Graph computes and that a write does not change: `isServiceDefault`,
`isInMultiTenantOrganization`, the default configuration's `automaticUserConsentSettings`,
`tenantId` inside a partner's settings, `id`, `deletedDateTime`.

## Why is this bad?
The value is never applied. OData v4.01 (Part 1, section 11.4.3, "Update an Entity") says a
service MUST ignore the values of read-only properties in a request; what Graph does for these
policies is not documented beyond that, so b2blint does not claim the request fails. Either
way the file shows a value nobody set: a reader takes `isServiceDefault: false` or the
default's `automaticUserConsentSettings: {inboundAllowed: true}` for a control the admin has,
while Microsoft says the latter is "always `false` and can't be updated in the default
configuration". A warning: the setting misleads, it does not break.

## How to fix
Remove the property. A partner's tenant ID belongs on the partner entry (`tenantId:`), not
under `settings`; automatic redemption is configured per partner.

## References
- OData Version 4.01 Part 1: Protocol, 11.4.3 Update an Entity ("The service MUST ignore
  ... values for read-only properties"):
  https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part1-protocol.html
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
    severity=Severity.WARNING,
    summary=(
        "A read-only Graph property (isServiceDefault, the default's "
        "automaticUserConsentSettings, ...) is set: ignored, never applied."
    ),
    doc=__doc__ or "",
)
