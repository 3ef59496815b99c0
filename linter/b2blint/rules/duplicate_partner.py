"""## What it does
Reports a partner `tenantId` declared twice, in one file or across files (compared
case-insensitively), and a tenant-wide section (`default`, `authorizationPolicy`, ...) that
appears in more than one file.

## Why is this bad?
Graph keys partner configurations by `tenantId`: creating the second one fails with
`Request_MultipleObjectsWithSameKeyValue` ("Another object with the same value for property
tenantId already exists"). Two declarations also leave reviewers guessing which one is live.

## How to fix
Keep one entry per partner and one copy of each section; merge the settings into it.

## References
- Cross-tenant synchronization with Graph (the duplicate-key error):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure-graph
- Create partner: https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-post-partners
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SCH005",
    name="duplicate-partner",
    severity=Severity.ERROR,
    summary="A partner tenantId (or a tenant-wide section) is declared more than once.",
    doc=__doc__ or "",
)
