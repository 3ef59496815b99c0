"""## What it does
For every other tenant of this tenant's multitenant organization (MTO) listed in
`multiTenantOrganization.tenants`, checks that its partner entry turns automatic redemption on
in both directions: `automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed:
true}`. It reports a tenant with no partner entry, and a partner entry where either flag is not
`true` (unset inherits the default, which is always `false`). It needs `tenant.id` to tell this
tenant from the others in the list.

## Why is this bad?
An MTO's users reach each other's tenants as synchronized B2B users, and cross-tenant
synchronization needs automatic redemption at both ends: "This setting must be checked in both
the source tenant (outbound) and target tenant (inbound)"; without it the synchronization's
connection test fails with `AzureDirectoryB2BManagementPolicyCheckFailure` "Policy permitting
auto-redemption of invitations not configured". In an MTO every tenant is, in turn, a source
and a target, so both flags are needed on each partner. That is why Microsoft asks to configure
the MTO partner template with `automaticUserConsentSettings` inbound and outbound `true` before
creating an MTO, and why the Microsoft 365 admin center sets both when it forms one. Without
automatic redemption, users also see the consent prompt and invitation mail: it is suppressed
"only if you select this setting for both the home/source tenant (outbound) and
resource/target tenant (inbound)".

A partner entry in these files owns its settings: a flag the template set at join that the
entry leaves out is reset by the next `b2blint apply`.

## How to fix
On the partner entry of each MTO tenant, set
`automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}`; add a partner
entry for a tenant that has none. The other tenant's admin sets the same for this tenant on
their side. Automatic redemption needs Microsoft Entra ID P1 or P2.

## References
- Configure cross-tenant synchronization (automatic redemption in both the source and the
  target; AzureDirectoryB2BManagementPolicyCheckFailure):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- Multitenant organization known issues (configure the partner template's automatic redemption
  before creating an MTO; what the Microsoft 365 admin center sets):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/multi-tenant-organization-known-issues
- Cross-tenant access settings, automatic redemption (both sides):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- crossTenantAccessPolicyConfigurationPartner (automaticUserConsentSettings; null inherits the
  default, which is always false):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._mto import other_tenants
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

FLAGS = ("inboundAllowed", "outboundAllowed")


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    for tenant in other_tenants(policy):
        listed = Related(tenant.ref.child("tenantId"), "an MTO tenant listed here")
        partner = tenant.partner
        if partner is None:
            yield Finding(
                tenant.ref.child("tenantId"),
                f"MTO tenant {tenant.label} has no partner entry in these files: add one with "
                "automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}, "
                "which cross-tenant synchronization between MTO tenants needs.",
            )
            continue
        missing = [flag for flag in FLAGS if not partner.automatic_redemption(flag)]
        if not missing:
            continue
        where = partner.settings_ref.child("automaticUserConsentSettings")
        at = where if where.exists() else partner.ref.child("tenantId", key=True)
        yield Finding(
            at,
            f"partner {partner.label} is a tenant of the multitenant organization but "
            f"automaticUserConsentSettings.{' and .'.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not true: synchronization between MTO "
            "tenants needs automatic redemption both ways; set both to true.",
            related=(listed,),
        )


RULE = Rule(
    id="MTO002",
    name="mto-member-without-auto-redemption",
    severity=Severity.WARNING,
    summary="An MTO tenant's partner entry lacks automatic redemption in both directions.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
