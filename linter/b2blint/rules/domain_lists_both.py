"""## What it does
Reports `invitationDomains` with both a non-empty `allowedDomains` and a non-empty
`blockedDomains`.

An empty list next to a non-empty one is not reported: Microsoft's own (legacy PowerShell)
example writes `"AllowedDomains": [], "BlockedDomains": ["live.com"]`.

## Why is this bad?
"You can create either an allowlist or a blocklist. You can't set up both types of lists.
By default, whatever domains aren't in the allowlist are on the blocklist, and vice versa."
With both filled in, the file does not say which policy the tenant has; switching between
the two "discards the existing policy configuration", so the list that loses is silently
thrown away.

## How to fix
Keep one list. An allowlist is the restrictive choice (only those domains can be invited);
a blocklist the permissive one (every domain except those).

## References
- Allow or block B2B collaboration with organizations (important considerations):
  https://learn.microsoft.com/entra/external-id/allow-deny-list
- b2bManagementPolicy (beta): https://learn.microsoft.com/graph/api/resources/b2bmanagementpolicy?view=graph-rest-beta
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit


def _count(domains: list[object]) -> str:
    return f"{len(domains)} domain{'' if len(domains) == 1 else 's'}"


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section("invitationDomains")
    if section is None or not isinstance(section.value, Mapping):
        return
    allowed = section.value.get("allowedDomains")
    blocked = section.value.get("blockedDomains")
    if not (isinstance(allowed, list) and allowed and isinstance(blocked, list) and blocked):
        return
    yield Finding(
        section.ref.child("blockedDomains").at_key(),
        f"invitationDomains has both an allow list ({_count(allowed)}) and a block list "
        f"({_count(blocked)}); Microsoft allows only one of them: keep one list.",
        related=(Related(section.ref.child("allowedDomains").at_key(), "the allow list"),),
    )


RULE = Rule(
    id="EXT002",
    name="domain-lists-both",
    severity=Severity.ERROR,
    summary="The invitation domain policy has both an allow list and a block list.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
