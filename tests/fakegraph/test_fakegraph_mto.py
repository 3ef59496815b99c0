"""The emulated multitenant organization: the MTO, its tenants and its templates [S90]-[S100]."""

from __future__ import annotations

import pytest
from fakegraph_support import TENANT, Api, error_of

from b2blint.fakegraph import tokens

MTO = "/tenantRelationships/multiTenantOrganization"
TENANTS = MTO + "/tenants"
TEMPLATE = "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationPartnerConfiguration"
SYNC = "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
ADATUM = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"


def _member_of(api: Api, role: str = "owner") -> None:
    api.fake.set_state(
        {
            "tenantId": TENANT,
            "multiTenantOrganization": {
                "displayName": "Contoso group",
                "tenants": [
                    {"tenantId": TENANT, "role": role},
                    {"tenantId": FABRIKAM, "displayName": "Fabrikam"},
                ],
            },
        }
    )


def test_a_tenant_in_no_mto_reads_inactive(api: Api) -> None:
    got = api.get(MTO).json()
    assert got["state"] == "inactive"  # the docs' second example [S90]
    assert (got["displayName"], got["createdDateTime"]) == (None, None)
    assert api.get(TENANTS).json()["value"] == []
    assert error_of(api.patch(MTO, {"displayName": "x"}))[:2] == (404, "Request_ResourceNotFound")


def test_create_makes_the_caller_its_owner(api: Api) -> None:
    created = api.put(MTO, {"displayName": "Contoso group", "description": "d"})
    assert created.status_code == 201
    body = created.json()
    assert body["@odata.context"].endswith("#tenantRelationships/multiTenantOrganization/$entity")
    assert (body["state"], body["displayName"]) == ("active", "Contoso group")
    (own,) = api.get(TENANTS).json()["value"]
    assert (own["tenantId"], own["role"], own["state"]) == (TENANT, "owner", "active")
    again = api.put(MTO, {"displayName": "Second"})
    assert error_of(again)[:2] == (400, "Request_BadRequest")


def test_create_needs_a_display_name(api: Api) -> None:
    assert error_of(api.put(MTO, {"description": "d"}))[:2] == (400, "Request_BadRequest")
    assert api.get(MTO).json()["state"] == "inactive"  # a refused write changes nothing


def test_patch_writes_display_name_and_description_only(api: Api) -> None:
    _member_of(api)
    assert api.patch(MTO, {"description": "new"}).status_code == 204
    got = api.get(MTO).json()
    assert (got["displayName"], got["description"]) == ("Contoso group", "new")
    assert error_of(api.patch(MTO, {"tenants": []}))[:2] == (400, "Request_BadRequest")


def test_an_owner_adds_a_pending_tenant_once(api: Api) -> None:
    _member_of(api)
    added = api.post(TENANTS, {"tenantId": ADATUM, "displayName": "Adatum"})
    assert added.status_code == 201
    member = added.json()
    assert (member["state"], member["role"], member["addedByTenantId"]) == (
        "pending",
        "member",
        TENANT,
    )
    assert [t["tenantId"] for t in api.get(TENANTS).json()["value"]] == [TENANT, FABRIKAM, ADATUM]
    assert error_of(api.post(TENANTS, {"tenantId": ADATUM})) == (
        400,
        "Request_BadRequest",
        "Tenant is already being added in Multi-Tenant Organization.",
    )


def test_only_an_owner_adds_or_changes_a_role(api: Api) -> None:
    _member_of(api, role="member")
    assert error_of(api.post(TENANTS, {"tenantId": ADATUM}))[:2] == (
        403,
        "Authorization_RequestDenied",
    )
    assert error_of(api.patch(f"{TENANTS}/{FABRIKAM}", {"role": "owner"}))[0] == 403
    assert len(api.get(TENANTS).json()["value"]) == 2


def test_update_tenant_changes_the_role_only(api: Api) -> None:
    _member_of(api)
    assert api.patch(f"{TENANTS}/{FABRIKAM}", {"role": "owner"}).status_code == 204
    roles = {t["tenantId"]: t["role"] for t in api.get(TENANTS).json()["value"]}
    assert roles[FABRIKAM] == "owner"
    assert error_of(api.patch(f"{TENANTS}/{FABRIKAM}", {"displayName": "F"}))[0] == 400
    assert error_of(api.patch(f"{TENANTS}/{FABRIKAM}", {"role": "admin"}))[0] == 400
    assert error_of(api.patch(f"{TENANTS}/{ADATUM}", {"role": "owner"}))[0] == 404


@pytest.mark.parametrize("path", [TEMPLATE, SYNC])
def test_templates_start_unconfigured_and_merge(api: Api, path: str) -> None:
    got = api.get(path).json()
    assert got["templateApplicationLevel"] == "newPartners,existingPartners"  # [S93][S94]
    if path == TEMPLATE:
        unset = {"inboundAllowed": None, "outboundAllowed": None}
        assert got["automaticUserConsentSettings"] == unset
        change = {"inboundTrust": {"isMfaAccepted": True}}
    else:
        assert got["userSyncInbound"] == {"isSyncAllowed": None}
        change = {"userSyncInbound": {"isSyncAllowed": True}}
    assert api.patch(path, change).status_code == 204
    after = api.get(path).json()
    assert {k: after[k] for k in change} == change
    assert after["templateApplicationLevel"] == "newPartners,existingPartners"  # kept


@pytest.mark.parametrize(
    ("level", "status", "stored"),
    [
        ("existingPartners", 204, "existingPartners"),
        ("newPartners,existingPartners", 204, "newPartners,existingPartners"),
        ("", 204, "none"),  # the Entra how-to's way to disable [S99]
        ("everyone", 400, None),
        (None, 400, None),  # not nullable [S60]
    ],
)
def test_template_application_level(
    api: Api, level: str | None, status: int, stored: str | None
) -> None:
    response = api.patch(TEMPLATE, {"templateApplicationLevel": level})
    assert response.status_code == status
    if stored is not None:
        assert api.get(TEMPLATE).json()["templateApplicationLevel"] == stored


def test_permissions(api: Api) -> None:
    _member_of(api)
    reader = api.with_token(api.fake.token(roles=(tokens.READ_ALL,)))
    assert reader.get(TEMPLATE).status_code == 200
    assert error_of(reader.get(MTO))[:2] == (403, "Authorization_RequestDenied")
    mto_reader = api.with_token(api.fake.token(roles=(tokens.MTO_READ,)))
    assert mto_reader.get(TENANTS).status_code == 200
    assert error_of(mto_reader.post(TENANTS, {"tenantId": ADATUM}))[0] == 403
    assert error_of(mto_reader.patch(TEMPLATE, {"inboundTrust": None}))[0] == 403


def test_state_file_round_trip(api: Api) -> None:
    _member_of(api)
    state = api.fake.state()
    assert [t["tenantId"] for t in state["multiTenantOrganization"]["tenants"]] == [
        TENANT,
        FABRIKAM,
    ]
    api.fake.set_state(state)
    assert api.fake.state() == state
