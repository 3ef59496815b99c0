"""``GET /tenantRelationships/findTenantInformationByTenantId(tenantId='...')`` [S70][S71].

The emulator answers from the state's ``tenantInformation`` directory (other tenants' public
information), with the one permission the docs list, over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fakegraph_support import PARTNER, PARTNER_2, TENANT, Api, error_of

from b2blint.fakegraph import tokens
from b2blint.fakegraph.server import RunningFake, start

FIND = "/tenantRelationships/findTenantInformationByTenantId(tenantId='{}')"
CONTOSO = {
    "tenantId": PARTNER,
    "displayName": "Contoso, Ltd",
    "defaultDomainName": "CONTOSO18839.onmicrosoft.com",
    "federationBrandName": None,
    "notAProperty": "kept out",
}


@pytest.fixture
def directory(http: httpx.Client) -> Iterator[Api]:
    with start(tenant_id=TENANT, state={"tenantInformation": [CONTOSO]}) as running:
        yield Api(running, client=http)


def test_lookup_returns_the_documented_properties(directory: Api) -> None:
    response = directory.get(FIND.format(PARTNER.upper()))
    assert response.status_code == 200
    assert response.json() == {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.tenantInformation",
        "tenantId": PARTNER,
        "federationBrandName": None,
        "displayName": "Contoso, Ltd",
        "defaultDomainName": "CONTOSO18839.onmicrosoft.com",
    }
    assert directory.as_version("beta").get(FIND.format(PARTNER)).status_code == 200


def test_unknown_tenant_is_404(directory: Api) -> None:
    status, code, _ = error_of(directory.get(FIND.format(PARTNER_2)))
    assert (status, code) == (404, "Request_ResourceNotFound")


def test_needs_cross_tenant_information_permission(directory: Api) -> None:
    policy_reader = directory.with_token(directory.fake.token(roles=tokens.READ_ONLY_ROLES))
    assert error_of(policy_reader.get(FIND.format(PARTNER)))[:2] == (
        403,
        "Authorization_RequestDenied",
    )
    reader = directory.with_token(directory.fake.token(roles=[tokens.TENANT_INFO_READ]))
    assert reader.get(FIND.format(PARTNER)).json()["displayName"] == "Contoso, Ltd"
    delegated = directory.with_token(
        directory.fake.token(roles=None, scp=tokens.TENANT_INFO_READ)
    )
    assert delegated.get(FIND.format(PARTNER)).status_code == 200


def test_it_is_a_function_not_writable(directory: Api) -> None:
    assert directory.patch(FIND.format(PARTNER), json={"displayName": "x"}).status_code == 405


def test_state_round_trips_and_refuses_bad_ids(fake: RunningFake, api: Api) -> None:
    fake.set_state({"tenantInformation": [CONTOSO]})
    assert fake.state()["tenantInformation"] == [CONTOSO]
    with pytest.raises(ValueError, match=r"tenantInformation tenantId '\.\./x' is not a GUID"):
        fake.set_state({"tenantInformation": [{"tenantId": "../x"}]})
