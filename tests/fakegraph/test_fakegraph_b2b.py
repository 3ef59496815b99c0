"""External collaboration settings: authorizationPolicy, email OTP, externalIdentitiesPolicy and
the beta b2bManagementPolicies."""

from __future__ import annotations

from typing import Any

import pytest
from fakegraph_support import Api, error_of

AUTHZ = "/policies/authorizationPolicy"
EMAIL = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email"
EMAIL_TYPE = "#microsoft.graph.emailAuthenticationMethodConfiguration"
EXTERNAL = "/policies/externalIdentitiesPolicy"
B2B = "/policies/b2bManagementPolicies"
ALLOW = (
    "{'B2BManagementPolicy':{'InvitationsAllowedAndBlockedDomainsPolicy':"
    "{'AllowedDomains':['contoso.com']}}}"
)


def test_authorization_policy_get_and_patch(api: Api) -> None:
    got = api.get(AUTHZ).json()
    assert got["@odata.context"].endswith("#policies/authorizationPolicy/$entity")
    assert (got["id"], got["allowInvitesFrom"]) == ("authorizationPolicy", "everyone")
    assert "enabledPreviewFeatures" not in got  # beta only
    body = {
        "allowInvitesFrom": "adminsAndGuestInviters",
        "guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b",
    }
    assert api.patch(AUTHZ, body).status_code == 204
    got = api.get(AUTHZ).json()
    assert (got["allowInvitesFrom"], got["guestUserRoleId"]) == tuple(body.values())
    assert got["allowedToUseSSPR"] is True  # untouched


@pytest.mark.parametrize(
    "body",
    [
        {"allowInvitesFrom": "anyone"},
        {"guestUserRoleId": "00000000-0000-0000-0000-000000000000"},
        {"allowEmailVerifiedUsersToJoinOrganization": None},
        {"defaultUserRolePermissions": {"allowedToReadOtherUsers": None}},
        {"guestUserRole": "x"},
        {"enabledPreviewFeatures": []},
    ],
)
def test_authorization_policy_refusals(api: Api, body: dict[str, Any]) -> None:
    assert error_of(api.patch(AUTHZ, body))[:2] == (400, "Request_BadRequest")


def test_beta_authorization_policy_paths(beta: Api) -> None:
    for path in (AUTHZ, AUTHZ + "/authorizationPolicy"):
        assert beta.get(path).json()["enabledPreviewFeatures"] == []
    assert (
        beta.patch(AUTHZ + "/authorizationPolicy", {"enabledPreviewFeatures": ["x"]}).status_code
        == 204
    )
    assert beta.get(AUTHZ).json()["enabledPreviewFeatures"] == ["x"]
    assert error_of(beta.as_version("v1.0").get(AUTHZ + "/authorizationPolicy"))[:2] == (
        400,
        "BadRequest",
    )


def test_email_otp_get(api: Api) -> None:
    got = api.get(EMAIL).json()
    assert got["@odata.type"] == EMAIL_TYPE
    assert got["@odata.context"].endswith("#authenticationMethodConfigurations/$entity")
    assert (got["id"], got["allowExternalIdToUseEmailOtp"]) == ("Email", "default")


def test_email_otp_patch_requires_odata_type(api: Api) -> None:
    status, code, _ = error_of(api.patch(EMAIL, {"allowExternalIdToUseEmailOtp": "disabled"}))
    assert (status, code) == (400, "BadRequest")
    assert api.get(EMAIL).json()["allowExternalIdToUseEmailOtp"] == "default"
    body = {"@odata.type": EMAIL_TYPE, "allowExternalIdToUseEmailOtp": "disabled"}
    assert api.patch(EMAIL, body).status_code == 204
    assert api.get(EMAIL).json()["allowExternalIdToUseEmailOtp"] == "disabled"
    assert error_of(api.patch(EMAIL, {"@odata.type": EMAIL_TYPE, "state": "on"}))[0] == 400


def test_external_identities_policy_is_beta_only(api: Api, beta: Api) -> None:
    assert error_of(api.get(EXTERNAL)) == (
        400,
        "BadRequest",
        "Resource not found for the segment 'externalIdentitiesPolicy'.",
    )
    got = beta.get(EXTERNAL).json()
    assert got["allowExternalIdentitiesToLeave"] is True
    assert beta.patch(EXTERNAL, {"allowExternalIdentitiesToLeave": False}).status_code == 204
    assert beta.get(EXTERNAL).json()["allowExternalIdentitiesToLeave"] is False
    assert error_of(beta.patch(EXTERNAL, {"allowExternalIdentitiesToLeave": "false"}))[0] == 400


def _create(beta: Api, **extra: Any) -> dict[str, Any]:
    body = {"displayName": "Policy1", "description": "B2B", "definition": [ALLOW], **extra}
    response = beta.post(B2B, body)
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created


def test_b2b_management_policy_lifecycle(beta: Api) -> None:
    created = _create(beta)
    assert created["@odata.type"] == "#microsoft.graph.b2bManagementPolicy"
    assert created["definition"] == [ALLOW]
    identifier = created["id"]
    listed = beta.get(B2B).json()
    assert [item["id"] for item in listed["value"]] == [identifier]
    assert beta.get(f"{B2B}/{identifier}").json()["displayName"] == "Policy1"
    patched = beta.patch(f"{B2B}/{identifier}", {"displayName": "Renamed"})
    assert patched.status_code == 200  # 200 + object, not 204 [S25]
    assert patched.json()["displayName"] == "Renamed"
    assert patched.json()["definition"] == [ALLOW]
    assert beta.delete(f"{B2B}/{identifier}").status_code == 204
    assert error_of(beta.get(f"{B2B}/{identifier}"))[:2] == (404, "Request_ResourceNotFound")


def test_b2b_management_policies_are_beta_only(api: Api) -> None:
    assert error_of(api.get(B2B))[:2] == (400, "BadRequest")


@pytest.mark.parametrize("missing", ["displayName", "description", "definition"])
def test_b2b_management_policy_required_fields(beta: Api, missing: str) -> None:
    body = {"displayName": "p", "description": "d", "definition": [ALLOW]}
    del body[missing]
    assert error_of(beta.post(B2B, body))[:2] == (400, "Request_BadRequest")


def test_b2b_allow_and_block_lists_together_are_refused(beta: Api) -> None:
    both = (
        '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":'
        '{"AllowedDomains":["a.com"],"BlockedDomains":["b.com"]}}}'
    )
    body = {"displayName": "p", "description": "d", "definition": [both]}
    assert error_of(beta.post(B2B, body))[:2] == (400, "Request_BadRequest")


def test_b2b_definition_size_limit(beta: Api) -> None:
    domains = ",".join(f"'d{i}.example.com'" for i in range(2000))
    big = (
        "{'B2BManagementPolicy':{'InvitationsAllowedAndBlockedDomainsPolicy':{'AllowedDomains':["
        + domains
        + "]}}}"
    )
    assert len(big) > 25000
    body = {"displayName": "p", "description": "d", "definition": [big]}
    assert error_of(beta.post(B2B, body)) == (
        400,
        "Request_BadRequest",
        "Failure to update policy due to object limit",
    )


def test_only_one_organization_default(beta: Api) -> None:
    _create(beta, isOrganizationDefault=True)
    body = {
        "displayName": "p2",
        "description": "d",
        "definition": [ALLOW],
        "isOrganizationDefault": True,
    }
    assert error_of(beta.post(B2B, body))[:2] == (400, "Request_BadRequest")
    second = _create(beta)
    assert error_of(beta.patch(f"{B2B}/{second['id']}", {"isOrganizationDefault": True}))[0] == 400
    # The doc example's string "true" is not a Boolean.
    assert (
        error_of(beta.patch(f"{B2B}/{second['id']}", {"isOrganizationDefault": "true"}))[0] == 400
    )
