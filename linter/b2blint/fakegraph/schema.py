"""The Graph types the emulator accepts in request bodies, and the checks Graph's reader makes.

The emulator keeps its own table instead of reading ``schemas/graph``: it is a second,
independent reading of Microsoft's docs that b2blint's client is tested against.
``tests/fakegraph`` cross-checks the two so a disagreement is seen. Sources are keys of
docs/sources.md: types [S1]-[S15], [S20]-[S25]; nullability from
the v1.0 OpenAPI mirror [S43]; undocumented partner members seen in real responses
(crossCloudMeetingConfiguration, protectedContentSharing, displayName,
invitationRedemptionIdentityProviderConfiguration) [S39][S19].

Property names are matched exactly: Graph rejects a miscased name such as
``b2BCollaborationInbound`` with 400 ``Request_BadRequest`` "Invalid property '...'."
(Microsoft365DSC#6065, #7272; msgraph-sdk-powershell#3320) [S44].
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from .errors import GraphError

V1 = "v1.0"
BETA = "beta"

STRING = "string"
BOOL = "bool"
ENUM = "enum"
OBJECT = "object"
STRINGS = "strings"
ENUMS = "enums"
OBJECTS = "objects"

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


@dataclasses.dataclass(frozen=True)
class Prop:
    """One property of a Graph type: its shape and whether a client may send it."""

    kind: str
    ref: str = ""  # complex type (OBJECT, OBJECTS) or enum type (ENUM, ENUMS)
    nullable: bool = True
    read_only: bool = False
    beta_only: bool = False
    #: Set on create, never updated (the update page leaves it out [S18]).
    create_only: bool = False
    #: In the v1.0 metadata only (refused by /beta, left out of its responses) [S60][S61].
    v1_only: bool = False
    #: In neither metadata: returned in some responses, never accepted in a write [S60][S61].
    undocumented: bool = False


def _p(kind: str, ref: str = "", **flags: bool) -> Prop:
    return Prop(kind, ref, **flags)


ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "multiTenantOrganizationMemberRole": ("owner", "member"),  # [S92]
    # [S7]; unknownFutureValue is an evolvable-enum sentinel a client never sends.
    "crossTenantAccessPolicyTargetConfigurationAccessType": ("allowed", "blocked"),
    "crossTenantAccessPolicyTargetType": ("user", "group", "application"),  # [S8]
    "devicesFilterMode": ("allowed", "blocked"),  # [S11b]
    # One enum type for both members of the redemption configuration [S14c].
    "b2bIdentityProvidersType": (
        "azureActiveDirectory",
        "externalFederation",
        "socialIdentityProviders",
        "emailOneTimePasscode",
        "microsoftAccount",
        "defaultConfiguredIdp",
    ),
    "allowInvitesFrom": (  # [S20]
        "none",
        "adminsAndGuestInviters",
        "adminsGuestInvitersAndAllMembers",
        "everyone",
    ),
    "authenticationMethodState": ("enabled", "disabled"),  # [S23]
    "externalEmailOtpState": ("default", "enabled", "disabled"),  # [S23]
    "authenticationMethodTargetType": ("user", "group"),  # [S23]
}

_TARGET_CONFIG = "crossTenantAccessPolicyTargetConfiguration"
_IN_OUT = "inboundOutboundPolicyConfiguration"
_B2B = "crossTenantAccessPolicyB2BSetting"
_MTO_TRANSITION = "multiTenantOrganizationMemberTransitionDetails"

#: Complex types and entities, by Graph type name (without ``microsoft.graph.``).
TYPES: dict[str, dict[str, Prop]] = {
    "crossTenantAccessPolicyTarget": {  # [S8]
        "target": _p(STRING),
        "targetType": _p(ENUM, "crossTenantAccessPolicyTargetType"),
    },
    _TARGET_CONFIG: {  # [S7]
        "accessType": _p(ENUM, "crossTenantAccessPolicyTargetConfigurationAccessType"),
        "targets": _p(OBJECTS, "crossTenantAccessPolicyTarget"),
    },
    _B2B: {  # [S12]
        "usersAndGroups": _p(OBJECT, _TARGET_CONFIG),
        "applications": _p(OBJECT, _TARGET_CONFIG),
    },
    "devicesFilter": {"mode": _p(ENUM, "devicesFilterMode"), "rule": _p(STRING)},  # [S11b]
    "crossTenantAccessPolicyTenantRestrictions": {  # [S11]
        "usersAndGroups": _p(OBJECT, _TARGET_CONFIG),
        "applications": _p(OBJECT, _TARGET_CONFIG),
        "devices": _p(OBJECT, "devicesFilter"),
    },
    "crossTenantAccessPolicyInboundTrust": {  # [S9]
        "isMfaAccepted": _p(BOOL),
        "isCompliantDeviceAccepted": _p(BOOL),
        "isHybridAzureADJoinedDeviceAccepted": _p(BOOL),
    },
    _IN_OUT: {"inboundAllowed": _p(BOOL), "outboundAllowed": _p(BOOL)},  # [S10]
    "crossTenantAccessPolicyM365CollaborationInboundSetting": {"users": _p(OBJECT, _TARGET_CONFIG)},
    "crossTenantAccessPolicyM365CollaborationOutboundSetting": {
        "usersAndGroups": _p(OBJECT, _TARGET_CONFIG)
    },
    "crossTenantAccessPolicyAppServiceConnectSetting": {
        "applications": _p(OBJECT, _TARGET_CONFIG)
    },  # [S15]
    "invitationRedemptionIdentityProviderConfiguration": {  # [S14]
        "primaryIdentityProviderPrecedenceOrder": _p(ENUMS, "b2bIdentityProvidersType"),
        "fallbackIdentityProvider": _p(ENUM, "b2bIdentityProvidersType"),
    },
    # The default's derived type adds nothing to its base [S14].
    "defaultInvitationRedemptionIdentityProviderConfiguration": {
        "primaryIdentityProviderPrecedenceOrder": _p(ENUMS, "b2bIdentityProvidersType"),
        "fallbackIdentityProvider": _p(ENUM, "b2bIdentityProvidersType"),
    },
    "crossTenantUserSyncInbound": {"isSyncAllowed": _p(BOOL)},  # [S13]
    "crossTenantGroupSyncInbound": {"isSyncAllowed": _p(BOOL)},  # [S13] beta
    "defaultUserRolePermissions": {  # [S21][S43]
        "allowedToCreateApps": _p(BOOL, nullable=False),
        "allowedToCreateSecurityGroups": _p(BOOL, nullable=False),
        "allowedToReadOtherUsers": _p(BOOL, nullable=False),
        "allowedToCreateTenants": _p(BOOL),
        "allowedToReadBitlockerKeysForOwnedDevice": _p(BOOL),
        # v1.0 only: the beta type has no such member (beta has the top-level
        # permissionGrantPolicyIdsAssignedToDefaultUserRole instead) [S60][S61].
        "permissionGrantPoliciesAssigned": _p(STRINGS, v1_only=True),
    },
    "authenticationMethodTarget": {  # [S23]
        "id": _p(STRING),
        "isRegistrationRequired": _p(BOOL, nullable=False),
        "targetType": _p(ENUM, "authenticationMethodTargetType"),
    },
    "excludeTarget": {"id": _p(STRING), "targetType": _p(ENUM, "authenticationMethodTargetType")},
    # ---- entities ----
    "crossTenantAccessPolicy": {  # [S1][S14b][S16]
        "id": _p(STRING, read_only=True),
        "displayName": _p(STRING),
        "description": _p(STRING, read_only=True),  # only displayName, allowedCloudEndpoints [S16]
        # Beta only (tenantRelationshipAccessPolicyBase); deprecated, "Do not use" [S14b][S61].
        "definition": _p(STRINGS, read_only=True, beta_only=True),
        "allowedCloudEndpoints": _p(STRINGS, nullable=False),
        "deletedDateTime": _p(STRING, read_only=True),
    },
    "crossTenantAccessPolicyConfigurationDefault": {  # [S3][S6]
        "id": _p(STRING, read_only=True),
        "isServiceDefault": _p(BOOL, read_only=True),
        # "always false and can't be updated in the default configuration" [S3]
        "automaticUserConsentSettings": _p(OBJECT, _IN_OUT, read_only=True),
        "b2bCollaborationInbound": _p(OBJECT, _B2B),
        "b2bCollaborationOutbound": _p(OBJECT, _B2B),
        "b2bDirectConnectInbound": _p(OBJECT, _B2B),
        "b2bDirectConnectOutbound": _p(OBJECT, _B2B),
        "inboundTrust": _p(OBJECT, "crossTenantAccessPolicyInboundTrust"),
        # Left out of the 2026 update table, but PATCHed by its examples 2-3 [S17][S18].
        "invitationRedemptionIdentityProviderConfiguration": _p(
            OBJECT, "defaultInvitationRedemptionIdentityProviderConfiguration"
        ),
        "tenantRestrictions": _p(OBJECT, "crossTenantAccessPolicyTenantRestrictions"),
        "m365CollaborationInbound": _p(
            OBJECT, "crossTenantAccessPolicyM365CollaborationInboundSetting"
        ),
        "m365CollaborationOutbound": _p(
            OBJECT, "crossTenantAccessPolicyM365CollaborationOutboundSetting"
        ),
        "appServiceConnectInbound": _p(OBJECT, "crossTenantAccessPolicyAppServiceConnectSetting"),
        "blockServiceProviderOutboundAccess": _p(BOOL, beta_only=True),  # [S6]
    },
    "crossTenantAccessPolicyConfigurationPartner": {  # [S4][S5][S39]
        "tenantId": _p(STRING, nullable=False),  # the key: create only (see api.py)
        "isServiceProvider": _p(BOOL, create_only=True),  # not in the update table [S18]
        "isInMultiTenantOrganization": _p(BOOL, read_only=True),  # service-managed [S4]
        "inboundTrust": _p(OBJECT, "crossTenantAccessPolicyInboundTrust"),
        "automaticUserConsentSettings": _p(OBJECT, _IN_OUT),
        "b2bCollaborationInbound": _p(OBJECT, _B2B),
        "b2bCollaborationOutbound": _p(OBJECT, _B2B),
        "b2bDirectConnectInbound": _p(OBJECT, _B2B),
        "b2bDirectConnectOutbound": _p(OBJECT, _B2B),
        "tenantRestrictions": _p(OBJECT, "crossTenantAccessPolicyTenantRestrictions"),
        # In neither metadata, seen in responses [S39][S19]: read, never written [S60][S61].
        "crossCloudMeetingConfiguration": _p(OBJECT, _IN_OUT, undocumented=True),
        "protectedContentSharing": _p(OBJECT, _IN_OUT, undocumented=True),
        "displayName": _p(STRING, undocumented=True),
        "invitationRedemptionIdentityProviderConfiguration": _p(
            OBJECT, "invitationRedemptionIdentityProviderConfiguration", undocumented=True
        ),
        "m365CollaborationInbound": _p(
            OBJECT, "crossTenantAccessPolicyM365CollaborationInboundSetting"
        ),
        "m365CollaborationOutbound": _p(
            OBJECT, "crossTenantAccessPolicyM365CollaborationOutboundSetting"
        ),
        "appServiceConnectInbound": _p(OBJECT, "crossTenantAccessPolicyAppServiceConnectSetting"),
        "blockServiceProviderOutboundAccess": _p(BOOL, beta_only=True),  # [S5]
        "deletedDateTime": _p(STRING, read_only=True, beta_only=True),  # policyDeletableItem [S5]
    },
    "crossTenantIdentitySyncPolicyPartner": {  # [S13]
        "tenantId": _p(STRING, nullable=False, read_only=True),
        "displayName": _p(STRING),
        "userSyncInbound": _p(OBJECT, "crossTenantUserSyncInbound"),
        "groupSyncInbound": _p(OBJECT, "crossTenantGroupSyncInbound", beta_only=True),
        "externalCloudAuthorizedApplicationId": _p(STRING, beta_only=True),
        "deletedDateTime": _p(STRING, read_only=True, beta_only=True),
    },
    "authorizationPolicy": {  # [S20][S43]
        "id": _p(STRING, read_only=True),
        "deletedDateTime": _p(STRING, read_only=True),
        "displayName": _p(STRING),
        "description": _p(STRING),
        "allowInvitesFrom": _p(ENUM, "allowInvitesFrom"),
        "allowEmailVerifiedUsersToJoinOrganization": _p(BOOL, nullable=False),
        "allowedToSignUpEmailBasedSubscriptions": _p(BOOL, nullable=False),
        "allowedToUseSSPR": _p(BOOL, nullable=False),
        "allowUserConsentForRiskyApps": _p(BOOL),
        "blockMsolPowerShell": _p(BOOL),
        "defaultUserRolePermissions": _p(OBJECT, "defaultUserRolePermissions", nullable=False),
        "guestUserRoleId": _p(STRING),
        "enabledPreviewFeatures": _p(STRINGS, beta_only=True),
        "permissionGrantPolicyIdsAssignedToDefaultUserRole": _p(STRINGS, beta_only=True),
    },
    "emailAuthenticationMethodConfiguration": {  # [S23]
        "id": _p(STRING, read_only=True),
        "state": _p(ENUM, "authenticationMethodState"),
        "allowExternalIdToUseEmailOtp": _p(ENUM, "externalEmailOtpState"),
        "includeTargets": _p(OBJECTS, "authenticationMethodTarget"),
        "excludeTargets": _p(OBJECTS, "excludeTarget"),
    },
    "externalIdentitiesPolicy": {  # [S22], beta only
        "id": _p(STRING, read_only=True),
        "deletedDateTime": _p(STRING, read_only=True),
        "displayName": _p(STRING),
        "description": _p(STRING),
        "allowExternalIdentitiesToLeave": _p(BOOL, nullable=False),
        "allowDeletedIdentitiesDataRemoval": _p(BOOL, nullable=False),
    },
    # The partner's serviceProviderConstraints navigation: an entity with only its id [S60][S61].
    "serviceProviderConstraints": {"id": _p(STRING, read_only=True)},
    "b2bManagementPolicy": {  # [S25], beta only
        "id": _p(STRING, read_only=True),
        "deletedDateTime": _p(STRING, read_only=True),
        "displayName": _p(STRING),
        "description": _p(STRING),
        "definition": _p(STRINGS),
        "isOrganizationDefault": _p(BOOL),
    },
    # The multitenant organization [S90][S91][S92] and its templates [S93][S94]: v1.0 and beta.
    # templateApplicationLevel is a flags enum serialized as a comma-joined string (checked by
    # `fakegraph.mto`); tenants is a relationship, never in a body.
    "multiTenantOrganization": {
        "id": _p(STRING, read_only=True),
        "createdDateTime": _p(STRING, read_only=True),
        "state": _p(STRING, read_only=True),
        "displayName": _p(STRING),
        "description": _p(STRING),
    },
    "multiTenantOrganizationMember": {
        "tenantId": _p(STRING, nullable=False),
        "displayName": _p(STRING),
        "role": _p(ENUM, "multiTenantOrganizationMemberRole"),
        "state": _p(STRING, read_only=True),
        "addedByTenantId": _p(STRING, read_only=True),
        "addedDateTime": _p(STRING, read_only=True),
        "joinedDateTime": _p(STRING, read_only=True),
        "transitionDetails": _p(OBJECT, _MTO_TRANSITION, read_only=True),
    },
    "multiTenantOrganizationMemberTransitionDetails": {
        "desiredRole": _p(STRING),
        "desiredState": _p(STRING),
        "details": _p(STRING),
        "status": _p(STRING),
    },
    "multiTenantOrganizationPartnerConfigurationTemplate": {
        "id": _p(STRING, read_only=True),
        "templateApplicationLevel": _p(STRING, nullable=False),
        "inboundTrust": _p(OBJECT, "crossTenantAccessPolicyInboundTrust"),
        "automaticUserConsentSettings": _p(OBJECT, _IN_OUT),
        "b2bCollaborationInbound": _p(OBJECT, _B2B),
        "b2bCollaborationOutbound": _p(OBJECT, _B2B),
        "b2bDirectConnectInbound": _p(OBJECT, _B2B),
        "b2bDirectConnectOutbound": _p(OBJECT, _B2B),
    },
    "multiTenantOrganizationIdentitySyncPolicyTemplate": {
        "id": _p(STRING, read_only=True),
        "templateApplicationLevel": _p(STRING, nullable=False),
        "userSyncInbound": _p(OBJECT, "crossTenantUserSyncInbound"),
    },
}

_EDM = {STRING: "Edm.String", BOOL: "Edm.Boolean"}


def qualified(type_name: str) -> str:
    """``microsoft.graph.<type>``, as Graph names a type in its messages."""
    return f"microsoft.graph.{type_name}"


def _in_version(prop: Prop, version: str) -> bool:
    return not (prop.v1_only if version == BETA else prop.beta_only)


def properties(type_name: str, version: str) -> dict[str, Prop]:
    """The properties of ``type_name`` that exist in API ``version``."""
    return {name: prop for name, prop in TYPES[type_name].items() if _in_version(prop, version)}


def writable(type_name: str, version: str) -> dict[str, Prop]:
    """The properties a write may name: those of ``version`` that the metadata has."""
    return {n: p for n, p in properties(type_name, version).items() if not p.undocumented}


def hidden_names(type_name: str, version: str) -> frozenset[str]:
    """Top-level properties of ``type_name`` that ``version`` does not have (left out of its
    responses): beta-only ones in v1.0, v1.0-only ones in beta."""
    return frozenset(n for n, p in TYPES[type_name].items() if not _in_version(p, version))


def beta_only_names(type_name: str) -> frozenset[str]:
    """Top-level properties of ``type_name`` that v1.0 does not have (left out of its responses)."""
    return hidden_names(type_name, V1)


def hide_nested(value: Any, type_name: str, version: str) -> Any:
    """``value`` (an object of ``type_name``) without the members ``version`` lacks, at any
    depth: a v1.0-only member of a complex value is not in a beta response [S61]."""
    if not isinstance(value, dict):
        return value
    known = TYPES[type_name]
    out: dict[str, Any] = {}
    for name, item in value.items():
        prop = known.get(name)
        if prop is not None and not _in_version(prop, version):
            continue
        nested = prop is not None and prop.kind == OBJECT and isinstance(item, dict)
        out[name] = hide_nested(item, prop.ref, version) if prop and nested else item
    return out


def bad_request(message: str) -> GraphError:
    """The 400 Graph's directory services send for a body they cannot accept."""
    return GraphError(400, "Request_BadRequest", message)


def is_annotation(name: str) -> bool:
    """``@odata.type``, ``prop@odata.type`` and other annotations, which are not properties."""
    return "@" in name


def check_body(
    body: Mapping[str, Any],
    type_name: str,
    version: str,
    *,
    forbidden: frozenset[str] = frozenset(),
    refuse_read_only: bool = False,
) -> dict[str, Any]:
    """Raise the 400 Graph gives for ``body`` as a write of ``type_name`` in API ``version``;
    return the part of ``body`` the write applies.

    Unknown or miscased names, names of another API version and names in neither metadata are
    "Invalid property". Top-level read-only names (plus ``forbidden``, writable only on create)
    are ignored, as OData v4.01 Part 1 §11.4.3 says a service MUST do ("If the request contains
    a value for one of these properties, the service MUST ignore that value"); with
    ``refuse_read_only`` (the emulator's stricter option) they are a 400 instead. What Graph
    does is undocumented.
    """
    known = writable(type_name, version)
    applied: dict[str, Any] = {}
    for name, value in body.items():
        if is_annotation(name):
            applied[name] = value
            continue
        if name not in known:
            raise bad_request(f"Invalid property '{name}'.")
        if known[name].read_only or name in forbidden:
            if refuse_read_only:
                # Wording unverified: no public sample of this 400 body (apply-guarantees §6).
                raise bad_request(
                    f"Property '{name}' is read-only and cannot be set on '{qualified(type_name)}'."
                )
            continue
        applied[name] = value
    _check_object(body, type_name, version, "")
    return applied


def _check_object(value: Mapping[str, Any], type_name: str, version: str, where: str) -> None:
    odata_type = value.get("@odata.type")
    if odata_type is not None and odata_type != "#" + qualified(type_name):
        raise bad_request(
            f"A type named '{str(odata_type).lstrip('#')}' could not be resolved by the model "
            f"where '{qualified(type_name)}' is expected."
        )
    known = writable(type_name, version)
    for name, item in value.items():
        if is_annotation(name):
            continue
        prop = known.get(name)
        if prop is None:
            raise bad_request(f"Invalid property '{name}'.")
        _check_value(item, prop, version, f"{where}{name}")


def _edm(prop: Prop) -> str:
    if prop.kind in (OBJECT, OBJECTS):
        return qualified(prop.ref)
    if prop.kind in (ENUM, ENUMS):
        return qualified(prop.ref)
    return _EDM.get(prop.kind, "Edm.String")


def _check_value(item: Any, prop: Prop, version: str, name: str) -> None:
    leaf = name.rsplit(".", 1)[-1]
    if item is None:
        # OData collections are arrays, never null (OData JSON Format 4.0, 7.3).
        if not prop.nullable or prop.kind in (STRINGS, ENUMS, OBJECTS):
            kind = _edm(prop)
            if prop.kind in (STRINGS, ENUMS, OBJECTS):
                kind = f"Collection({kind})"
            raise bad_request(
                f"A null value was found for the property named '{leaf}', which has the expected "
                f"type '{kind}[Nullable=False]'. The expected type '{kind}[Nullable=False]' does "
                "not allow null values."
            )
        return
    if prop.kind == OBJECT:
        if not isinstance(item, dict):
            raise _node_error(item, "StartObject")
        _check_object(item, prop.ref, version, name + ".")
    elif prop.kind in (STRINGS, ENUMS, OBJECTS):
        if not isinstance(item, list):
            raise _node_error(item, "StartArray")
        element = Prop(
            {STRINGS: STRING, ENUMS: ENUM, OBJECTS: OBJECT}[prop.kind], prop.ref, nullable=False
        )
        for entry in item:
            _check_value(entry, element, version, name)
    elif prop.kind == BOOL:
        if not isinstance(item, bool):
            raise _primitive_error(item, "Edm.Boolean")
    elif prop.kind == STRING:
        if not isinstance(item, str):
            raise _primitive_error(item, "Edm.String")
    # Enum members are case-sensitive names; the docs' " blocked" typo would fail here [S6].
    elif prop.kind == ENUM and (not isinstance(item, str) or item not in ENUM_VALUES[prop.ref]):
        raise bad_request(
            f"Cannot convert the literal '{item}' to the expected type '{qualified(prop.ref)}'."
        )


def _node_error(item: Any, expected: str) -> GraphError:
    found = "StartObject" if isinstance(item, dict) else "StartArray"
    if not isinstance(item, (dict, list)):
        found = "PrimitiveValue"
    return bad_request(
        f"An unexpected '{found}' node was found when reading from the JSON reader. "
        f"A '{expected}' node was expected."
    )


def _primitive_error(item: Any, edm: str) -> GraphError:
    if isinstance(item, (dict, list)):
        return _node_error(item, "PrimitiveValue")
    return bad_request(
        f"Cannot convert a primitive value to the expected type '{edm}'. "
        "See the inner exception for more details."
    )
