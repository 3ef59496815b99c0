"""## What it does
Reports a property that does not exist in the Microsoft Graph model at that place, and names
the exact spelling when only the letter case is wrong (`b2BCollaborationInbound` →
`b2bCollaborationInbound`).

## Why is this bad?
Graph property names are case-sensitive. A miscased name is rejected with
`400 Request_BadRequest: Invalid property 'b2BCollaborationInbound'`; this is the bug that broke
Microsoft365DSC and the Graph PowerShell SDK in 2025. A misspelled b2blint key is worse: the
setting you meant is silently not managed.

## How to fix
Use the name the message suggests, exactly as Microsoft's Graph documentation spells it.

## References
- Microsoft365DSC/Microsoft365DSC#7272, microsoftgraph/msgraph-sdk-powershell#3320
- crossTenantAccessPolicyConfigurationPartner:
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SCH002",
    name="unknown-property",
    severity=Severity.ERROR,
    summary="A property is not in the Graph model (suggests the exact casing).",
    doc=__doc__ or "",
)
