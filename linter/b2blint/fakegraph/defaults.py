"""What a fresh tenant holds: the service defaults and the shape of newly created objects.

Values come from the docs' GET examples: the cross-tenant default [S17][S17c] (fixtures in
``tests/fixtures/graph-docs``), the partner create response in the cross-tenant sync how-to [S39],
authorizationPolicy [S20], email OTP [S23] and externalIdentitiesPolicy [S22]. Properties the docs
show without a value (the 2026 m365*/appServiceConnect settings) start as null.
"""

from __future__ import annotations

import copy
from typing import Any

GUEST_USER_ROLE = "10dae51f-b6af-4016-8d66-8c2a99b929b3"  # "Guest User (limited)" [S20][S38]
#: The only role template ids guestUserRoleId takes [S20][S38].
GUEST_ROLE_IDS = frozenset(
    {
        "a0b1b346-4d3e-4e8b-98f8-753987be4970",
        GUEST_USER_ROLE,
        "2af84b1e-32c8-42b7-82bc-daa82404023b",
    }
)


def _targets(access: str, users: str, apps: str) -> dict[str, Any]:
    return {
        "usersAndGroups": {
            "accessType": access,
            "targets": [{"target": users, "targetType": "user"}],
        },
        "applications": {
            "accessType": access,
            "targets": [{"target": apps, "targetType": "application"}],
        },
    }


_SERVICE_DEFAULT: dict[str, Any] = {
    "isServiceDefault": True,
    "inboundTrust": {
        "isMfaAccepted": False,
        "isCompliantDeviceAccepted": False,
        "isHybridAzureADJoinedDeviceAccepted": False,
    },
    "automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False},
    "b2bCollaborationOutbound": _targets("allowed", "AllUsers", "AllApplications"),
    "b2bCollaborationInbound": _targets("allowed", "AllUsers", "AllApplications"),
    "b2bDirectConnectOutbound": _targets("blocked", "AllUsers", "AllApplications"),
    "b2bDirectConnectInbound": _targets("blocked", "AllUsers", "AllApplications"),
    "tenantRestrictions": _targets("blocked", "AllUsers", "AllApplications"),
    "invitationRedemptionIdentityProviderConfiguration": {
        "primaryIdentityProviderPrecedenceOrder": [
            "externalFederation",
            "azureActiveDirectory",
            "socialIdentityProviders",
        ],
        "fallbackIdentityProvider": "defaultConfiguredIdp",
    },
    "m365CollaborationInbound": None,
    "m365CollaborationOutbound": None,
    "appServiceConnectInbound": None,
    "blockServiceProviderOutboundAccess": False,  # beta; "Default false" [S6]
}


def service_default() -> dict[str, Any]:
    """The default configuration as an untouched tenant returns it (``isServiceDefault: true``)."""
    return copy.deepcopy(_SERVICE_DEFAULT)


def cross_tenant_access_policy() -> dict[str, Any]:
    """The base policy singleton [S1] (``definition`` is deprecated but still returned [S14b])."""
    return {"displayName": "CrossTenantAccessPolicy", "definition": [], "allowedCloudEndpoints": []}


def _in_out() -> dict[str, Any]:
    return {"inboundAllowed": None, "outboundAllowed": None}


def new_partner(tenant_id: str) -> dict[str, Any]:
    """A partner just created with only its ``tenantId`` (the 201 body in [S39], plus [S4])."""
    return {
        "tenantId": tenant_id,
        "isServiceProvider": None,
        "isInMultiTenantOrganization": False,
        "inboundTrust": None,
        "b2bCollaborationOutbound": None,
        "b2bCollaborationInbound": None,
        "b2bDirectConnectOutbound": None,
        "b2bDirectConnectInbound": None,
        "tenantRestrictions": None,
        "crossCloudMeetingConfiguration": _in_out(),
        "protectedContentSharing": _in_out(),
        "automaticUserConsentSettings": _in_out(),
        "m365CollaborationInbound": None,
        "m365CollaborationOutbound": None,
        "appServiceConnectInbound": None,
        "blockServiceProviderOutboundAccess": None,
        "deletedDateTime": None,
    }


#: Partner settings that Graph returns as an all-null object, never as null [S39].
ALWAYS_OBJECT = frozenset(
    {"crossCloudMeetingConfiguration", "protectedContentSharing", "automaticUserConsentSettings"}
)


def new_sync(tenant_id: str) -> dict[str, Any]:
    """An identitySynchronization object before its PUT body is applied [S13]."""
    return {
        "tenantId": tenant_id,
        "displayName": None,
        "userSyncInbound": None,
        "groupSyncInbound": None,
        "externalCloudAuthorizedApplicationId": None,
        "deletedDateTime": None,
    }


def authorization_policy() -> dict[str, Any]:
    """authorizationPolicy of a new commercial tenant [S20][S21]."""
    return {
        "id": "authorizationPolicy",
        "allowInvitesFrom": "everyone",
        "allowedToSignUpEmailBasedSubscriptions": True,
        "allowedToUseSSPR": True,
        "allowEmailVerifiedUsersToJoinOrganization": True,
        "allowUserConsentForRiskyApps": False,
        "blockMsolPowerShell": None,
        "displayName": "Authorization Policy",
        "description": "Used to manage authorization related settings across the company.",
        "guestUserRoleId": GUEST_USER_ROLE,
        "defaultUserRolePermissions": {
            "allowedToCreateApps": True,
            "allowedToCreateSecurityGroups": True,
            "allowedToCreateTenants": True,
            "allowedToReadBitlockerKeysForOwnedDevice": True,
            "allowedToReadOtherUsers": True,
            "permissionGrantPoliciesAssigned": [
                "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
            ],
        },
        "enabledPreviewFeatures": [],
        "permissionGrantPolicyIdsAssignedToDefaultUserRole": [
            "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
        ],
    }


def email_configuration() -> dict[str, Any]:
    """The email OTP authentication method configuration [S23]."""
    return {
        "id": "Email",
        "state": "enabled",
        "allowExternalIdToUseEmailOtp": "default",
        "includeTargets": [
            {"targetType": "group", "id": "all_users", "isRegistrationRequired": False}
        ],
        "excludeTargets": [],
    }


def external_identities_policy() -> dict[str, Any]:
    """The beta externalIdentitiesPolicy singleton [S22]."""
    return {
        "id": "externalIdentityPolicy",
        "deletedDateTime": None,
        "displayName": "External Identities Policy",
        "allowExternalIdentitiesToLeave": True,
        "allowDeletedIdentitiesDataRemoval": False,
    }


# ---- the multitenant organization [S90][S92][S93][S94] --------------------------------------

#: The ids of the two templates: a GUID each in the docs' examples, fixed here (guessed).
MTO_PARTNER_TEMPLATE_ID = "75b1889b-6f42-4cc5-8e62-e774b8db243c"
MTO_SYNC_TEMPLATE_ID = "0e7aad84-cb46-4b8e-a881-522ef25939f1"


def mto_inactive() -> dict[str, Any]:
    """GET multiTenantOrganization of a tenant in none: the docs' second example [S90]."""
    return {"createdDateTime": None, "displayName": None, "description": None, "state": "inactive"}


def mto_member(tenant_id: str) -> dict[str, Any]:
    """A tenant as the list returns it, before the state file's own values [S92]."""
    return {
        "tenantId": tenant_id,
        "displayName": None,
        "addedDateTime": None,
        "joinedDateTime": None,
        "addedByTenantId": None,
        "role": "member",  # the default role [S92]
        "state": "active",
        "transitionDetails": None,
    }


def mto_partner_template() -> dict[str, Any]:
    """The unconfigured (or reset) partner-configuration template: the docs' example [S93]."""
    return {
        "id": MTO_PARTNER_TEMPLATE_ID,
        "templateApplicationLevel": "newPartners,existingPartners",
        "inboundTrust": None,
        "b2bCollaborationOutbound": None,
        "b2bCollaborationInbound": None,
        "b2bDirectConnectOutbound": None,
        "b2bDirectConnectInbound": None,
        "automaticUserConsentSettings": {"inboundAllowed": None, "outboundAllowed": None},
    }


def mto_sync_template() -> dict[str, Any]:
    """The unconfigured (or reset) identity-sync template: the docs' example [S94]."""
    return {
        "id": MTO_SYNC_TEMPLATE_ID,
        "templateApplicationLevel": "newPartners,existingPartners",
        "userSyncInbound": {"isSyncAllowed": None},
    }
