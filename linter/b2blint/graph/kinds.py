"""What b2blint knows about each Graph resource it manages: names, endpoints, field roles.

Kept apart from the conversion code in `b2blint.graph.mapping` so the tables can be read (and
cross-checked against ``schemas/graph``) in one place. Sources are keys of
docs/sources.md ([S1] ... [S48]). The kinds, their order and their policy-file keys derive
from the one resource table, `b2blint.policy.sections.RESOURCES`.
"""

from __future__ import annotations

from b2blint.policy.sections import RESOURCES, SINGLETON_RESOURCES
from b2blint.policy.sections import ResourceKind as ResourceKind  # noqa: PLC0414 (a re-export, for mypy)

V1 = "v1.0"
BETA = "beta"

#: Every resource kind, in the order of a policy file and of reads.
ALL_KINDS: tuple[ResourceKind, ...] = tuple(resource.kind for resource in RESOURCES)

#: The kinds read when no section is named (``export``, ``audit``): all but the opt-in ones.
DEFAULT_KINDS: tuple[ResourceKind, ...] = tuple(r.kind for r in RESOURCES if not r.opt_in)

#: The tenant-wide kinds (one object each), in the order they are applied: the base policy
#: and the default first, then partners, then the rest.
SINGLETONS: tuple[ResourceKind, ...] = tuple(resource.kind for resource in SINGLETON_RESOURCES)

#: The policy-file key of each tenant-wide resource (docs/format.md, "Top-level keys").
POLICY_KEY: dict[ResourceKind, str] = {r.kind: r.key for r in SINGLETON_RESOURCES}

#: Keys of the policy file that are b2blint metadata, never sent to Graph.
METADATA_KEYS = frozenset({"b2blint", "tenant"})
PARTNER_METADATA_KEYS = frozenset({"tenantId", "name", "cloud", "domains"})

#: The OData type of each resource, as Graph writes ``@odata.type``.
ODATA_TYPE: dict[ResourceKind, str] = {
    ResourceKind.CROSS_TENANT_ACCESS_POLICY: "#microsoft.graph.crossTenantAccessPolicy",
    ResourceKind.DEFAULT: "#microsoft.graph.crossTenantAccessPolicyConfigurationDefault",
    ResourceKind.PARTNER: "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
    ResourceKind.IDENTITY_SYNCHRONIZATION: "#microsoft.graph.crossTenantIdentitySyncPolicyPartner",
    ResourceKind.AUTHORIZATION_POLICY: "#microsoft.graph.authorizationPolicy",
    ResourceKind.B2B_MANAGEMENT_POLICY: "#microsoft.graph.b2bManagementPolicy",
    ResourceKind.EMAIL_OTP: "#microsoft.graph.emailAuthenticationMethodConfiguration",
    ResourceKind.EXTERNAL_IDENTITIES_POLICY: "#microsoft.graph.externalIdentitiesPolicy",
    ResourceKind.MULTI_TENANT_ORGANIZATION: "#microsoft.graph.multiTenantOrganization",
    ResourceKind.MTO_MEMBER: "#microsoft.graph.multiTenantOrganizationMember",
    ResourceKind.MTO_PARTNER_TEMPLATE: (
        "#microsoft.graph.multiTenantOrganizationPartnerConfigurationTemplate"
    ),
    ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE: (
        "#microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate"
    ),
}

CROSS_TENANT = "/policies/crossTenantAccessPolicy"
PARTNERS = CROSS_TENANT + "/partners"
B2B_POLICIES = "/policies/b2bManagementPolicies"
MTO = "/tenantRelationships/multiTenantOrganization"
MTO_TENANTS = MTO + "/tenants"
MTO_TEMPLATES = CROSS_TENANT + "/templates"

#: Entity URL (GET / PATCH / DELETE) and API version of each singleton [S16][S17][S20][S22][S23].
#: authorizationPolicy is a collection in beta, so its beta entity URL names the one item [S20].
SINGLETON_PATH: dict[ResourceKind, tuple[str, str]] = {
    ResourceKind.CROSS_TENANT_ACCESS_POLICY: (CROSS_TENANT, V1),
    ResourceKind.DEFAULT: (CROSS_TENANT + "/default", V1),
    ResourceKind.AUTHORIZATION_POLICY: ("/policies/authorizationPolicy", V1),
    ResourceKind.EMAIL_OTP: (
        "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email",
        V1,
    ),
    ResourceKind.EXTERNAL_IDENTITIES_POLICY: ("/policies/externalIdentitiesPolicy", BETA),
    # The MTO and its templates are in v1.0 and beta with the same properties [S90][S60][S61].
    ResourceKind.MULTI_TENANT_ORGANIZATION: (MTO, V1),
    ResourceKind.MTO_PARTNER_TEMPLATE: (
        MTO_TEMPLATES + "/multiTenantOrganizationPartnerConfiguration",
        V1,
    ),
    ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE: (
        MTO_TEMPLATES + "/multiTenantOrganizationIdentitySynchronization",
        V1,
    ),
}
AUTHORIZATION_POLICY_BETA_PATH = "/policies/authorizationPolicy/authorizationPolicy"

#: Partner members in neither the v1.0 nor the beta metadata, seen in some beta responses
#: [S39][S60][S61]; ``displayName`` (also one) seeds a partner's ``name`` instead.
UNDOCUMENTED_PARTNER = frozenset(
    {
        "crossCloudMeetingConfiguration",
        "protectedContentSharing",
        "invitationRedemptionIdentityProviderConfiguration",
    }
)

#: Fields a GET returns that import leaves out (and names in its summary): read-only or
#: service-managed fields, and properties or relationships b2blint does not manage (the policy
#: schema has no place for them). Everything else, unknown or miscased names included, is
#: carried over so that `lint` reports it. ``@``-annotations are always dropped.
NOT_IMPORTED: dict[ResourceKind, frozenset[str]] = {
    # Only displayName and allowedCloudEndpoints can be changed [S16]; definition is
    # deprecated ("Do not use") [S14b]; templates is a relationship [S45].
    ResourceKind.CROSS_TENANT_ACCESS_POLICY: frozenset(
        {"id", "description", "definition", "templates", "deletedDateTime", "lastModifiedDateTime"}
    ),
    # automaticUserConsentSettings "can't be updated in the default configuration" [S3];
    # m365Capabilities is a relationship [S15].
    ResourceKind.DEFAULT: frozenset(
        {"id", "isServiceDefault", "automaticUserConsentSettings", "m365Capabilities"}
    ),
    # tenantId moves to the entry, displayName seeds `name`, identitySynchronization is its own
    # resource (see fromgraph); isInMultiTenantOrganization is service-managed [S4];
    # deletedDateTime is beta, read-only [S5]; serviceProviderConstraints (v1.0, 2026) and
    # m365Capabilities (beta) are relationships [S60][S61]. The last three members appear in
    # some responses but in neither metadata, so they are response-only data, never written
    # (lint reports them as SCH002 if a file sets them) [S60][S61].
    ResourceKind.PARTNER: frozenset(
        {
            "isInMultiTenantOrganization",
            "deletedDateTime",
            "m365Capabilities",
            "serviceProviderConstraints",
            *UNDOCUMENTED_PARTNER,
        }
    ),
    ResourceKind.IDENTITY_SYNCHRONIZATION: frozenset({"deletedDateTime"}),
    ResourceKind.AUTHORIZATION_POLICY: frozenset({"id", "deletedDateTime"}),
    # Projected to invitationDomains, see b2bdefinition.
    ResourceKind.B2B_MANAGEMENT_POLICY: frozenset(),
    # The policy file manages state and allowExternalIdToUseEmailOtp only (docs/format.md);
    # the include/exclude targets decide which *members* may use email OTP, not guests.
    ResourceKind.EMAIL_OTP: frozenset({"id", "includeTargets", "excludeTargets"}),
    ResourceKind.EXTERNAL_IDENTITIES_POLICY: frozenset({"id", "deletedDateTime"}),
    # Only displayName and description can be updated; createdDateTime and state are
    # read-only; joinRequest is a relationship; tenants are read apart (MTO_MEMBER) [S90][S91].
    ResourceKind.MULTI_TENANT_ORGANIZATION: frozenset(
        {"id", "createdDateTime", "state", "joinRequest"}
    ),
    # addedByTenantId, addedDateTime, joinedDateTime and state are read-only; transitionDetails
    # reports a role or state change in progress [S92].
    ResourceKind.MTO_MEMBER: frozenset(
        {"addedByTenantId", "addedDateTime", "joinedDateTime", "state", "transitionDetails"}
    ),
    # The id is the template's own, read-only [S93][S94].
    ResourceKind.MTO_PARTNER_TEMPLATE: frozenset({"id"}),
    ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE: frozenset({"id"}),
}

#: Members that exist only in the v1.0 API, by their path in the body: never sent to /beta
#: (`b2blint.graph.mapping` refuses a body that needs /beta and has one) [S60][S61].
V1_ONLY: dict[ResourceKind, frozenset[tuple[str, ...]]] = {
    ResourceKind.AUTHORIZATION_POLICY: frozenset(
        {("defaultUserRolePermissions", "permissionGrantPoliciesAssigned")}
    ),
}

#: Properties that exist only in the beta API; a body with any of them goes to /beta
#: [S6][S5][S13][S20].
BETA_ONLY: dict[ResourceKind, frozenset[str]] = {
    ResourceKind.DEFAULT: frozenset({"blockServiceProviderOutboundAccess"}),
    ResourceKind.PARTNER: frozenset({"blockServiceProviderOutboundAccess"}),
    ResourceKind.IDENTITY_SYNCHRONIZATION: frozenset(
        {"groupSyncInbound", "externalCloudAuthorizedApplicationId"}
    ),
    ResourceKind.AUTHORIZATION_POLICY: frozenset(
        {"enabledPreviewFeatures", "permissionGrantPolicyIdsAssignedToDefaultUserRole"}
    ),
}

# Shape hints for bodies that carry neither @odata.context nor @odata.type (most doc examples).
XTAP_SETTINGS = frozenset(
    {
        "b2bCollaborationInbound",
        "b2bCollaborationOutbound",
        "b2bDirectConnectInbound",
        "b2bDirectConnectOutbound",
        "inboundTrust",
        "tenantRestrictions",
        "automaticUserConsentSettings",
        "invitationRedemptionIdentityProviderConfiguration",
        "m365CollaborationInbound",
        "m365CollaborationOutbound",
        "appServiceConnectInbound",
        "blockServiceProviderOutboundAccess",
        "isServiceDefault",
    }
)
SYNC_SETTINGS = frozenset(
    {"userSyncInbound", "groupSyncInbound", "externalCloudAuthorizedApplicationId"}
)
AUTHORIZATION_SETTINGS = frozenset(
    {
        "allowInvitesFrom",
        "guestUserRoleId",
        "defaultUserRolePermissions",
        "blockMsolPowerShell",
        "allowEmailVerifiedUsersToJoinOrganization",
        "allowedToSignUpEmailBasedSubscriptions",
        "allowedToUseSSPR",
        "allowUserConsentForRiskyApps",
        "enabledPreviewFeatures",
        "permissionGrantPolicyIdsAssignedToDefaultUserRole",
    }
)
EXTERNAL_IDENTITIES_SETTINGS = frozenset(
    {"allowExternalIdentitiesToLeave", "allowDeletedIdentitiesDataRemoval"}
)
EMAIL_SETTINGS = frozenset({"allowExternalIdToUseEmailOtp"})
#: Shape hints of the MTO objects [S90][S92][S93][S94]: a template has
#: templateApplicationLevel, a member a role or addedByTenantId next to its tenantId, and the
#: MTO itself (an example body without @odata.context [S90]) a state among these only.
MTO_TEMPLATE_LEVEL = "templateApplicationLevel"
MTO_MEMBER_SETTINGS = frozenset({"role", "addedByTenantId", "joinedDateTime", "addedDateTime"})
MTO_SETTINGS = frozenset({"id", "createdDateTime", "displayName", "description", "state"})

#: Default/partner properties whose null (or all-null object) means "not set, inherit"; import
#: leaves such values out [S2][S17]. The last two are undocumented but in real responses [S39].
NULLABLE_SETTINGS = XTAP_SETTINGS | frozenset(
    {"isServiceProvider", "crossCloudMeetingConfiguration", "protectedContentSharing"}
)
