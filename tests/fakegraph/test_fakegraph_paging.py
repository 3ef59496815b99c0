"""Collections: server-driven paging with @odata.nextLink, $top, $select and $expand."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fakegraph_support import PARTNERS, TENANT, Api, error_of

from b2blint.fakegraph.server import RunningFake, start

TENANTS = [f"00000000-0000-4000-8000-{i:012d}" for i in range(7)]
MAX_PAGES = 20


@pytest.fixture
def paged() -> Iterator[Api]:
    with start(tenant_id=TENANT, page_size=3) as fake:
        api = Api(fake)
        for tenant in TENANTS:
            assert api.post(PARTNERS, {"tenantId": tenant}).status_code == 201
        yield api
        api.client.close()


def _follow(api: Api, first: httpx.Response) -> list[httpx.Response]:
    pages = [first]
    for _ in range(MAX_PAGES):
        link = pages[-1].json().get("@odata.nextLink")
        if link is None:
            return pages
        pages.append(api.client.get(link, headers={"Authorization": f"Bearer {api.token}"}))
    raise AssertionError("paging did not end")


def test_pages_follow_next_link(paged: Api) -> None:
    pages = _follow(paged, paged.get(PARTNERS))
    assert [len(p.json()["value"]) for p in pages] == [3, 3, 1]
    assert [t["tenantId"] for p in pages for t in p.json()["value"]] == TENANTS
    first_link = pages[0].json()["@odata.nextLink"]
    assert first_link.startswith(
        paged.fake.url + "/v1.0/policies/crossTenantAccessPolicy/partners?"
    )
    assert "$skiptoken=" in first_link
    assert "@odata.nextLink" not in pages[-1].json()


def test_next_link_keeps_select_and_expand(paged: Api) -> None:
    first = paged.get(
        PARTNERS, params={"$select": "tenantId", "$expand": "identitySynchronization"}
    )
    pages = _follow(paged, first)
    for page in pages:
        for item in page.json()["value"]:
            assert set(item) == {"tenantId", "identitySynchronization"}
    assert len(pages) == 3


def test_top_shrinks_the_page(paged: Api) -> None:
    pages = _follow(paged, paged.get(PARTNERS, params={"$top": "2"}))
    assert [len(p.json()["value"]) for p in pages] == [2, 2, 2, 1]
    big = paged.get(PARTNERS, params={"$top": "999"})
    assert len(big.json()["value"]) == 3  # the server's page size still applies


def test_next_link_uses_the_clients_origin(paged: Api) -> None:
    port = paged.fake.url.rsplit(":", 1)[1]
    response = paged.client.get(
        f"http://localhost:{port}/v1.0{PARTNERS}",
        headers={"Authorization": f"Bearer {paged.token}"},
    )
    assert response.json()["@odata.nextLink"].startswith(f"http://localhost:{port}/v1.0/")


def test_bad_skiptoken(paged: Api) -> None:
    assert error_of(paged.get(PARTNERS, params={"$skiptoken": "garbage"}))[0] == 400


@pytest.mark.parametrize("option", ["$filter", "$orderby", "$count", "$skip", "$search"])
def test_unsupported_options_are_refused(api: Api, option: str) -> None:
    status, code, _ = error_of(api.get(PARTNERS, params={option: "1"}))
    assert (status, code) == (400, "Request_UnsupportedQuery")


def test_expand_identity_synchronization(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": TENANTS[0]})
    api.post(PARTNERS, {"tenantId": TENANTS[1]})
    api.put(
        f"{PARTNERS}/{TENANTS[1]}/identitySynchronization",
        {"userSyncInbound": {"isSyncAllowed": True}},
    )
    body = api.get(PARTNERS, params={"$expand": "identitySynchronization"}).json()
    synced = {item["tenantId"]: item["identitySynchronization"] for item in body["value"]}
    assert synced[TENANTS[0]] is None
    assert synced[TENANTS[1]]["userSyncInbound"] == {"isSyncAllowed": True}
    one = api.get(f"{PARTNERS}/{TENANTS[1]}", params={"$expand": "identitySynchronization"}).json()
    assert one["identitySynchronization"]["tenantId"] == TENANTS[1]
    plain = api.get(PARTNERS).json()["value"][0]
    assert "identitySynchronization" not in plain


def test_select_projects_and_names_the_context(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": TENANTS[0]})
    body = api.get(PARTNERS, params={"select": "tenantId,inboundTrust"}).json()  # "$" is optional
    assert body["value"] == [{"tenantId": TENANTS[0], "inboundTrust": None}]
    assert body["@odata.context"].endswith("partners(tenantId,inboundTrust)")


def test_unknown_select_or_expand_is_400(api: Api) -> None:
    status, code, message = error_of(api.get(PARTNERS, params={"$select": "tenantID2"}))
    assert (status, code) == (400, "BadRequest")
    assert "Could not find a property named 'tenantID2'" in message
    assert error_of(api.get(PARTNERS, params={"$expand": "default"}))[0] == 400
    assert (
        error_of(
            api.get("/policies/crossTenantAccessPolicy/default", params={"$expand": "partners"})
        )[0]
        == 400
    )


def test_empty_collection_has_no_next_link(api: Api) -> None:
    body = api.get(PARTNERS).json()
    assert body["value"] == []
    assert "@odata.nextLink" not in body


def test_page_size_can_change_at_run_time(fake: RunningFake, api: Api) -> None:
    for tenant in TENANTS[:3]:
        api.post(PARTNERS, {"tenantId": tenant})
    fake.configure(page_size=1)
    assert len(_follow(api, api.get(PARTNERS))) == 3
