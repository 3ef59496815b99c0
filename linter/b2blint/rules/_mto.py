"""The multitenant organization as the MTO rules read it: its other tenants and their partners.

The MTO section lists tenants (``multiTenantOrganization.tenants``); the rules pair each tenant
other than this one with its partner entry, matched by tenant ID (docs/mto.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from b2blint.policy.model import Partner, Policy, Ref

MTO_KEY = "multiTenantOrganization"
PARTNER_TEMPLATE_KEY = "multiTenantOrganizationPartnerConfiguration"
#: The documented default of templateApplicationLevel [S93].
DEFAULT_LEVEL = "newPartners,existingPartners"


class MtoTenant(NamedTuple):
    """One other tenant of the MTO: its ID, its entry in the tenants list, its partner entry."""

    tenant_id: str
    entry: Mapping[str, Any]
    ref: Ref  # the tenants list item
    partner: Partner | None

    @property
    def label(self) -> str:
        if self.partner is not None:
            return self.partner.label
        name = self.entry.get("displayName")
        return f"{name} ({self.tenant_id})" if isinstance(name, str) and name else self.tenant_id


def other_tenants(policy: Policy) -> Iterator[MtoTenant]:
    """The MTO's tenants other than this one (``tenant.id``), each with its partner entry.

    Nothing without ``tenant.id``: which listed tenant is this one would be a guess.
    """
    section = policy.section(MTO_KEY)
    if section is None or not isinstance(section.value, Mapping) or policy.tenant_id is None:
        return
    tenants = section.value.get("tenants")
    own = (policy.tenant_id or "").lower()
    partners = {partner.tenant_id.lower(): partner for partner in policy.partners}
    for index, entry in enumerate(tenants if isinstance(tenants, list) else ()):
        tenant_id = entry.get("tenantId") if isinstance(entry, Mapping) else None
        if not isinstance(tenant_id, str) or tenant_id.lower() == own:
            continue
        ref = section.ref.child("tenants", index)
        yield MtoTenant(tenant_id, entry, ref, partners.get(tenant_id.lower()))
