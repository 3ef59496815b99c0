"""## What it does
Reports a partner whose `tenantId` is the managed tenant's own ID (`tenant.id`), compared
case-insensitively.

## Why is this bad?
Cross-tenant access settings govern *other* Microsoft Entra organizations: inbound settings
control external accounts reaching your apps, outbound settings your accounts reaching
external apps, and tenant restrictions external accounts used on your network. None of them
has a meaning for the tenant itself, so such an entry never takes effect. It almost always
means a copy-paste slip: either `tenant.id` or this partner's `tenantId` is wrong, and the
partner you meant to configure is not configured at all.

Microsoft does not document what Graph answers when you add your own tenant as a partner;
b2blint reports it as an error because the entry can only be a mistake.

## How to fix
Check both IDs. Put the partner's real tenant ID in `tenantId` (the admin center's "Add
organization" looks it up from a domain), or correct `tenant.id` if the files were copied
from another tenant.

## References
- Cross-tenant access overview (inbound, outbound and tenant restrictions apply to external
  organizations): https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Set up tenant restrictions v2 ("Tenant restrictions vs. inbound and outbound settings"):
  https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.model import Partner
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit


def check(partner: Partner, ctx: Context) -> Iterator[Finding]:
    tenant_id = ctx.policy.tenant_id
    if tenant_id is None or partner.tenant_id.lower() != tenant_id.lower():
        return
    tenant = ctx.policy.section("tenant")
    related = (Related(tenant.ref.child("id"), "the managed tenant's ID"),) if tenant else ()
    yield Finding(
        partner.ref.child("tenantId"),
        f"partner {partner.label} is this tenant itself (tenant.id): cross-tenant access "
        "settings only apply to other organizations; correct the partner's tenantId or tenant.id.",
        related=related,
    )


RULE = Rule(
    id="XTA012",
    name="own-tenant-partner",
    severity=Severity.ERROR,
    summary="The managed tenant is configured as its own partner.",
    doc=__doc__ or "",
    visits=Visit.PARTNER,
    check=check,
)
