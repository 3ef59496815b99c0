"""## What it does
Checks every value against b2blint's JSON Schemas, which follow the Microsoft Graph resource
definitions: types, enumerations (`accessType`, `targetType`, `allowInvitesFrom`,
`allowedCloudEndpoints`, ...), GUID formats, target keywords, nullability and required
properties.

## Why is this bad?
Graph rejects a request with a wrong type or an unknown enumeration member with
`400 Bad Request`, so `apply` would fail half-way; some values (a GUID with a typo) are
accepted and then silently match nothing.

## How to fix
Use the value the message names. Values are case-sensitive (`allowed`, not `Allowed`), GUIDs
have the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, and YAML 1.2 reads `yes`/`no` as strings:
write `true`/`false`.

## References
- crossTenantAccessPolicyTarget: https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytarget
- crossTenantAccessPolicyTargetConfiguration:
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytargetconfiguration
- authorizationPolicy: https://learn.microsoft.com/graph/api/resources/authorizationpolicy
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SCH001",
    name="schema-violation",
    severity=Severity.ERROR,
    summary="A value has the wrong type, enumeration member or format, or is missing.",
    doc=__doc__ or "",
)
