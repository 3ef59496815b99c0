"""## What it does
For a partner with `identitySynchronization.userSyncInbound.isSyncAllowed: true` (users of
that tenant may be synchronized into this one), reports:

- `automaticUserConsentSettings.inboundAllowed` not `true` on that partner; the default's
  value is read-only and always `false`, so only the partner's own setting counts;
- effective inbound B2B collaboration (the partner's own, or inherited from the default)
  that blocks all users or all applications.

## Why is this bad?
Cross-tenant synchronization needs automatic redemption in the target tenant: Microsoft's
setup guide has you check "Automatically redeem invitations" inbound (step 3), and without
it the source tenant's connection test fails with `AzureDirectoryB2BManagementPolicyCheckFailure`
"Policy permitting auto-redemption of invitations not configured".

Synchronized users are B2B collaboration users: "Cross-tenant synchronization automates
creating, updating, and deleting Microsoft Entra B2B collaboration users", which remain
subject to cross-tenant access settings. If inbound B2B collaboration blocks all of the
partner's users, or all of your applications, the accounts are created and cannot use
anything. (Microsoft documents the consequence for B2B users, not a specific sync error.)

## How to fix
On the partner, set `automaticUserConsentSettings: {inboundAllowed: true}` and allow inbound
B2B collaboration for the synchronized users (or a group of them) and the applications they
need. If synchronization is not wanted, set `isSyncAllowed: false`.

## References
- Configure cross-tenant synchronization (steps 2 and 3;
  AzureDirectoryB2BManagementPolicyCheckFailure):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- What is cross-tenant synchronization? (synced users are B2B collaboration users):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-overview
- crossTenantAccessPolicyConfigurationDefault (automaticUserConsentSettings is always false on
  the default): https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationdefault
- Configure cross-tenant synchronization using Microsoft Graph:
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure-graph
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.effective import resolve
from b2blint.policy.model import Partner
from b2blint.policy.targets import blocking_part
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit
from b2blint.rules._targets import origin, related_for


def _sync_allowed(partner: Partner) -> bool:
    sync = partner.identity_synchronization
    inbound = sync.get("userSyncInbound") if sync is not None else None
    return isinstance(inbound, Mapping) and inbound.get("isSyncAllowed") is True


def check(partner: Partner, ctx: Context) -> Iterator[Finding]:
    if not _sync_allowed(partner):
        return
    at = partner.ref.child("identitySynchronization", "userSyncInbound", "isSyncAllowed")
    # Only the partner's own value counts: the default's is read-only and always false.
    consent = partner.settings.get("automaticUserConsentSettings")
    if not (isinstance(consent, Mapping) and consent.get("inboundAllowed") is True):
        consent_ref = partner.settings_ref.child("automaticUserConsentSettings")
        related = (
            (Related(consent_ref, "automatic redemption set here"),) if consent_ref.exists() else ()
        )
        yield Finding(
            at,
            f"partner {partner.label} may sync users into this tenant but "
            "automaticUserConsentSettings.inboundAllowed is not true: synchronization fails "
            "(AzureDirectoryB2BManagementPolicyCheckFailure); set it to true on this partner.",
            related=related,
        )
    blocked = blocking_part(resolve(ctx.policy, partner, "b2bCollaborationInbound"))
    if blocked is not None:
        what = "users" if blocked.name == "usersAndGroups" else "applications"
        yield Finding(
            at,
            f"partner {partner.label} may sync users into this tenant but inbound B2B "
            f"collaboration ({origin(blocked)}) blocks all {what}: synchronized users are B2B "
            "collaboration users and could not use anything; allow them inbound.",
            related=related_for(blocked, "inbound B2B collaboration blocked here"),
        )


RULE = Rule(
    id="XTA013",
    name="sync-without-collaboration",
    severity=Severity.ERROR,
    summary="Identity sync is allowed but auto-redemption or inbound B2B collaboration is not.",
    doc=__doc__ or "",
    visits=Visit.PARTNER,
    check=check,
)
