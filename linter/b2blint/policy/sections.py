"""The one table of the Graph resources b2blint manages and the policy-file sections they fill.

Every list of sections or kinds elsewhere derives from `RESOURCES`: the model's tenant-wide
sections (`b2blint.policy.model.SINGLETON_SECTIONS`), the Graph kinds, their order and
policy-file keys (`b2blint.graph.kinds.ALL_KINDS`, ``SINGLETONS``, ``POLICY_KEY``), the
choices of ``export --section`` and the sections the plan merges with the live object
(`b2blint.tenant.planaccess`). The table lives here, below ``graph/``, because the policy model
needs the section names and must not import the Graph layer. The keys are the "Top-level
keys" of docs/format.md.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class ResourceKind(str, enum.Enum):
    """One managed Graph resource type (the value is b2blint's name for it)."""

    CROSS_TENANT_ACCESS_POLICY = "crossTenantAccessPolicy"
    DEFAULT = "default"
    PARTNER = "partner"
    IDENTITY_SYNCHRONIZATION = "identitySynchronization"
    AUTHORIZATION_POLICY = "authorizationPolicy"
    B2B_MANAGEMENT_POLICY = "b2bManagementPolicy"
    EMAIL_OTP = "emailOtp"
    EXTERNAL_IDENTITIES_POLICY = "externalIdentitiesPolicy"
    MULTI_TENANT_ORGANIZATION = "multiTenantOrganization"
    MTO_MEMBER = "multiTenantOrganizationMember"
    MTO_PARTNER_TEMPLATE = "multiTenantOrganizationPartnerConfiguration"
    MTO_IDENTITY_SYNC_TEMPLATE = "multiTenantOrganizationIdentitySynchronization"


class Resource(NamedTuple):
    """One top-level resource: its kind, its policy-file key, and how a plan writes it.

    ``merged``: the section names only the properties b2blint writes, and a PATCH leaves the
    live object's other properties as they are (Graph's PATCH semantics). False for partners
    (one object per entry) and for invitationDomains, whose domain list replaces the live one
    whole (`b2blint.graph.b2bdefinition`).
    """

    kind: ResourceKind
    key: str
    merged: bool
    #: Read by ``export`` only when ``--section`` names it: the MTO sections need their own
    #: permission (MultiTenantOrganization.Read.All), and most tenants are in no MTO.
    opt_in: bool = False


#: Every top-level resource, in the order of a policy file, of reads and of ``export``.
#: identitySynchronization is not here: it lives inside a partner entry; nor are the members of
#: the multitenant organization (``multiTenantOrganization.tenants``).
RESOURCES: tuple[Resource, ...] = (
    Resource(ResourceKind.CROSS_TENANT_ACCESS_POLICY, "crossTenantAccessPolicy", merged=True),
    Resource(ResourceKind.DEFAULT, "default", merged=True),
    Resource(ResourceKind.PARTNER, "partners", merged=False),
    Resource(ResourceKind.AUTHORIZATION_POLICY, "authorizationPolicy", merged=True),
    Resource(ResourceKind.B2B_MANAGEMENT_POLICY, "invitationDomains", merged=False),
    Resource(ResourceKind.EMAIL_OTP, "emailOtp", merged=True),
    Resource(ResourceKind.EXTERNAL_IDENTITIES_POLICY, "externalIdentitiesPolicy", merged=True),
    # The multitenant organization (its tenants live inside the section, as partners' sync
    # does inside a partner entry) and the two templates applied when a tenant joins (docs/mto.md).
    Resource(
        ResourceKind.MULTI_TENANT_ORGANIZATION, "multiTenantOrganization", merged=True, opt_in=True
    ),
    Resource(
        ResourceKind.MTO_PARTNER_TEMPLATE,
        "multiTenantOrganizationPartnerConfiguration",
        merged=True,
        opt_in=True,
    ),
    Resource(
        ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE,
        "multiTenantOrganizationIdentitySynchronization",
        merged=True,
        opt_in=True,
    ),
)

#: The policy-file keys of the resources (the choices of ``export --section``).
RESOURCE_KEYS: tuple[str, ...] = tuple(r.key for r in RESOURCES)

#: The sections ``export`` reads when no ``--section`` is given.
DEFAULT_EXPORT_KEYS: tuple[str, ...] = tuple(r.key for r in RESOURCES if not r.opt_in)

#: The tenant-wide resources (one object each) and their keys.
SINGLETON_RESOURCES: tuple[Resource, ...] = tuple(
    r for r in RESOURCES if r.kind is not ResourceKind.PARTNER
)

#: Sections whose YAML names only the properties b2blint writes (the rest stay live).
MERGED_SECTIONS: tuple[str, ...] = tuple(r.key for r in RESOURCES if r.merged)
