"""Issue 11 items 10-16: the emulator claims nothing Graph's metadata, docs or OData don't say.

Each test quotes its source. [S60] is the v1.0 metadata (clean_v10_metadata/cleanMetadata.xml),
[S61] the beta type mappings, [S62] OData v4.01 Part 1 §11.4.3 "Update an Entity".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakegraph_support import PARTNER, PARTNERS, TENANT, XTAP, Api, error_of

from b2blint.fakegraph.server import start

AUTHZ = "/policies/authorizationPolicy"
GROUP = "0be493dc-cb56-4a53-936f-9cf64410b8b0"
USERS_ALL = {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}
APPS_O365 = {
    "accessType": "allowed",
    "targets": [{"target": "Office365", "targetType": "application"}],
}


def test_read_only_property_in_a_write_is_ignored(api: Api) -> None:
    """OData §11.4.3 [S62]: "If the request contains a value for one of these properties, the
    service MUST ignore that value when applying the update." Graph's own answer is
    undocumented, so 400 is only the ``read_only_writes="refuse"`` option."""
    api.post(PARTNERS, {"tenantId": PARTNER})
    body = {"isInMultiTenantOrganization": True, "inboundTrust": {"isMfaAccepted": True}}
    assert api.patch(f"{PARTNERS}/{PARTNER}", body).status_code == 204
    got = api.get(f"{PARTNERS}/{PARTNER}").json()
    assert (got["isInMultiTenantOrganization"], got["inboundTrust"]) == (
        False,
        {"isMfaAccepted": True},
    )
    assert api.patch(XTAP + "/default", {"isServiceDefault": False}).status_code == 204
    assert api.get(XTAP + "/default").json()["isServiceDefault"] is True  # nothing changed
    assert api.patch(AUTHZ, {"id": "other"}).status_code == 204
    assert api.get(AUTHZ).json()["id"] == "authorizationPolicy"


def test_is_service_provider_is_create_only(api: Api, strict: Api) -> None:
    """Item 12: the create page takes isServiceProvider, the update page's table leaves it out
    [S17][S18]. A PATCH of it changes nothing (ignored [S62]; 400 when strict)."""
    body = {"tenantId": PARTNER, "isServiceProvider": True}
    assert api.post(PARTNERS, body).status_code == 201
    assert api.patch(f"{PARTNERS}/{PARTNER}", {"isServiceProvider": False}).status_code == 204
    assert api.get(f"{PARTNERS}/{PARTNER}").json()["isServiceProvider"] is True
    strict.post(PARTNERS, body)
    status, _, message = error_of(
        strict.patch(f"{PARTNERS}/{PARTNER}", {"isServiceProvider": False})
    )
    assert (status, "'isServiceProvider'" in message) == (400, True)


@pytest.fixture
def merging(http: httpx.Client) -> Iterator[Api]:
    with start(tenant_id=TENANT, nested_patch="merge") as running:
        yield Api(running, client=http)


def test_patch_of_half_a_setting_keeps_the_other_half(merging: Api) -> None:
    """Item 15, OData §11.4.3 [S62]: "Missing properties of the containing entity or complex
    property ... MUST NOT be directly altered". What Graph does is undocumented (unverified),
    so this is the ``nested_patch="merge"`` option; the default replaces the value whole."""
    api = merging
    inbound = {"usersAndGroups": USERS_ALL, "applications": APPS_O365}
    api.post(PARTNERS, {"tenantId": PARTNER, "b2bCollaborationInbound": inbound})
    blocked = {"accessType": "blocked", "targets": [{"target": GROUP, "targetType": "group"}]}
    patch = {"b2bCollaborationInbound": {"usersAndGroups": blocked}}
    assert api.patch(f"{PARTNERS}/{PARTNER}", patch).status_code == 204
    got = api.get(f"{PARTNERS}/{PARTNER}").json()["b2bCollaborationInbound"]
    assert got == {"usersAndGroups": blocked, "applications": APPS_O365}


def test_nested_merge_is_checked_as_merged(merging: Api) -> None:
    """The pairing rule [S26] applies to the setting the PATCH leaves behind: blocking AllUsers
    while the kept half still allows Office365 is a conflict."""
    api = merging
    inbound = {"usersAndGroups": USERS_ALL, "applications": APPS_O365}
    api.post(PARTNERS, {"tenantId": PARTNER, "b2bCollaborationInbound": inbound})
    all_blocked = {
        "accessType": "blocked",
        "targets": [{"target": "AllUsers", "targetType": "user"}],
    }
    patch = {"b2bCollaborationInbound": {"usersAndGroups": all_blocked}}
    assert error_of(api.patch(f"{PARTNERS}/{PARTNER}", patch))[:2] == (400, "Request_BadRequest")
    assert api.get(f"{PARTNERS}/{PARTNER}").json()["b2bCollaborationInbound"] == inbound


@pytest.mark.parametrize("name", ["b2bCollaborationOutbound", "b2bDirectConnectInbound"])
def test_blocked_group_and_all_applications_blocked_is_accepted(api: Api, name: str) -> None:
    """Item 14. Graph's overview documents "Users in group 'g1' can't access any application"
    for usersAndGroups blocked{g1} + applications blocked{AllApplications} [S2], and the v1.0
    default update page's Example 1 sends exactly that body [S18]."""
    setting = {
        "usersAndGroups": {
            "accessType": "blocked",
            "targets": [{"target": GROUP, "targetType": "group"}],
        },
        "applications": {
            "accessType": "blocked",
            "targets": [{"target": "AllApplications", "targetType": "application"}],
        },
    }
    assert api.patch(XTAP + "/default", {name: setting}).status_code == 204
    assert api.get(XTAP + "/default").json()[name] == setting
    assert api.post(PARTNERS, {"tenantId": PARTNER, name: setting}).status_code == 201


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("crossCloudMeetingConfiguration", {"inboundAllowed": True, "outboundAllowed": True}),
        ("protectedContentSharing", {"inboundAllowed": True, "outboundAllowed": None}),
        ("displayName", "Contoso"),
        (
            "invitationRedemptionIdentityProviderConfiguration",
            {"fallbackIdentityProvider": "emailOneTimePasscode"},
        ),
    ],
)
@pytest.mark.parametrize("version", ["v1.0", "beta"])
def test_members_in_neither_metadata_are_refused_in_writes(
    api: Api, name: str, value: Any, version: str
) -> None:
    """Item 11: crossCloudMeetingConfiguration, protectedContentSharing, displayName and
    invitationRedemptionIdentityProviderConfiguration are not in the partner's
    ``<EntityType Name="crossTenantAccessPolicyConfigurationPartner">`` [S60] nor in its beta
    ``properties`` list [S61]. A new partner still shows the first two, as the cross-tenant
    synchronization how-to's responses do [S39]."""
    caller = api.as_version(version)
    assert caller.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    expected = (400, "Request_BadRequest", f"Invalid property '{name}'.")
    assert error_of(caller.patch(f"{PARTNERS}/{PARTNER}", {name: value})) == expected
    other = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551"
    assert error_of(caller.post(PARTNERS, {"tenantId": other, name: value})) == expected
    got = caller.get(f"{PARTNERS}/{PARTNER}").json()
    assert got["crossCloudMeetingConfiguration"] == {
        "inboundAllowed": None,
        "outboundAllowed": None,
    }


def test_permission_grant_policies_assigned_is_v1_only(api: Api, beta: Api) -> None:
    """Item 10: v1.0 ``<ComplexType Name="defaultUserRolePermissions">`` has
    ``<Property Name="permissionGrantPoliciesAssigned" Type="Collection(Edm.String)" />`` [S60];
    the beta defaultUserRolePermissions lists five properties without it [S61]."""
    body = {"defaultUserRolePermissions": {"permissionGrantPoliciesAssigned": []}}
    assert error_of(beta.patch(AUTHZ, body)) == (
        400,
        "Request_BadRequest",
        "Invalid property 'permissionGrantPoliciesAssigned'.",
    )
    assert api.patch(AUTHZ, body).status_code == 204
    v1 = api.get(AUTHZ).json()["defaultUserRolePermissions"]
    assert v1["permissionGrantPoliciesAssigned"] == []
    assert (
        "permissionGrantPoliciesAssigned"
        not in beta.get(AUTHZ).json()["defaultUserRolePermissions"]
    )


def test_policy_definition_is_beta_only(api: Api, beta: Api) -> None:
    """Item 12: v1.0 crossTenantAccessPolicy derives from policyBase [S60]
    (``<EntityType Name="crossTenantAccessPolicy" BaseType="graph.policyBase">``); only beta's
    tenantRelationshipAccessPolicyBase has ``definition`` [S61]."""
    assert "definition" not in api.get(XTAP).json()
    assert beta.get(XTAP).json()["definition"] == []
    assert error_of(api.patch(XTAP, {"definition": ["x"]}))[2] == "Invalid property 'definition'."
    assert beta.patch(XTAP, {"definition": ["x"]}).status_code == 204  # read-only: ignored
    assert beta.get(XTAP).json()["definition"] == []


def test_service_provider_constraints_navigation(api: Api) -> None:
    """Item 13: ``<NavigationProperty Name="serviceProviderConstraints"
    Type="graph.serviceProviderConstraints" ContainsTarget="true" />`` on the partner [S60]. No
    API page documents its content, so the emulator expands it to null (a guess)."""
    api.post(PARTNERS, {"tenantId": PARTNER})
    got = api.get(PARTNERS, params={"$expand": "serviceProviderConstraints"}).json()
    assert got["value"][0]["serviceProviderConstraints"] is None
    assert got["@odata.context"].endswith("partners(serviceProviderConstraints())")


def test_options_are_validated(http: httpx.Client) -> None:
    with pytest.raises(ValueError, match="read_only_writes must be 'ignore' or 'refuse'"):
        start(tenant_id=TENANT, read_only_writes="error")
    with start(tenant_id=TENANT) as fake:
        config = http.get(fake.url + "/_fake/config").json()
        assert (config["readOnlyWrites"], config["nestedPatch"]) == ("ignore", "replace")
