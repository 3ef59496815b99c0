"""## What it does
Reports a tenant listed in a Conditional Access policy's `externalTenants` (`membershipKind:
enumerated`, in `includeGuestsOrExternalUsers` or `excludeGuestsOrExternalUsers`) that has no
partner entry while the default blocks both inbound B2B collaboration and inbound B2B direct
connect for everyone (as it applies: default, else service default). The finding points at
the tenant ID in `members`.

## Why is this bad?
The condition is dead: the cross-tenant access settings already keep that tenant's users out
("NotAllowedByInboundPolicyTenant", AADSTS500213), so the policy never applies to them. Usually
the partner entry was removed, or the tenant ID is a typo of a partner's (the policy then
misses the partner it was written for).

## How to fix
Add the partner entry the policy was written for, correct the tenant ID, or remove it from the
policy.

## References
- Conditional Access users and groups, "Guest or external users" (external tenants):
  https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups
- conditionalAccessEnumeratedExternalTenants:
  https://learn.microsoft.com/graph/api/resources/conditionalaccessenumeratedexternaltenants
- Cross-tenant access overview (default settings apply to organizations without a partner
  entry): https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Error codes (AADSTS500213): https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy import conditional_access as ca
from b2blint.policy.effective import resolve
from b2blint.policy.model import Policy
from b2blint.policy.targets import lets_anyone
from b2blint.rules._context import live_policies
from b2blint.rules._rule import Context, Finding, Rule, Visit

INBOUND = ("b2bCollaborationInbound", "b2bDirectConnectInbound")
CLAUSES = ("includeGuestsOrExternalUsers", "excludeGuestsOrExternalUsers")


def _default_blocks_all(policy: Policy) -> bool:
    return all(lets_anyone(resolve(policy, None, setting)) is False for setting in INBOUND)


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    if policy.conditional_access is None or not _default_blocks_all(policy):
        return
    partners = {p.tenant_id.lower() for p in policy.partners}
    for item in live_policies(policy):
        conditions = item.body.get("conditions")
        users = conditions.get("users") if isinstance(conditions, dict) else None
        if not isinstance(users, dict):
            continue
        for clause in CLAUSES:
            value = users.get(clause)
            if ca.external_tenant_ids(value) is None or not isinstance(value, dict):
                continue
            members = value["externalTenants"].get("members")
            for index, member in enumerate(members if isinstance(members, list) else []):
                if not isinstance(member, str) or member.lower() in partners:
                    continue
                yield Finding(
                    item.ref.child(
                        "conditions", "users", clause, "externalTenants", "members", index
                    ),
                    f"Conditional Access policy '{item.display_name}' names tenant {member}, "
                    "which has no partner entry, and the default blocks inbound B2B "
                    "collaboration and direct connect for everyone: the condition never "
                    "applies; add the partner entry, fix the tenant ID or remove it",
                )


RULE = Rule(
    id="CAX005",
    name="ca-dead-external-tenant",
    severity=Severity.WARNING,
    summary="A Conditional Access policy names a tenant whose users the default blocks anyway.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
