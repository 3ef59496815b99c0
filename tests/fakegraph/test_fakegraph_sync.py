"""identitySynchronization: PUT creates, 409 on a second PUT, 404s, and the deletion order."""

from __future__ import annotations

from fakegraph_support import PARTNER, PARTNERS, Api, error_of

SYNC = f"{PARTNERS}/{PARTNER}/identitySynchronization"
BODY = {"displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": True}}


def test_put_creates_with_204_and_get_returns_it(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    response = api.put(SYNC, BODY)
    assert response.status_code == 204
    assert response.content == b""
    got = api.get(SYNC).json()
    assert got["@odata.context"] == (
        "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners"
        f"('{PARTNER}')/identitySynchronization/$entity"
    )
    assert {k: got[k] for k in ("tenantId", "displayName", "userSyncInbound")} == {
        "tenantId": PARTNER,
        **BODY,
    }
    assert "groupSyncInbound" not in got  # beta only


def test_second_put_is_409(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    api.put(SYNC, BODY)
    response = api.put(SYNC, BODY)
    status, code, message = error_of(response)
    assert (status, code) == (409, "Request_MultipleObjectsWithSameKeyValue")
    assert message.startswith("A conflicting object with one or more of the specified property")
    assert response.json()["error"]["details"][0]["code"] == "ConflictingObjects"


def test_patch_of_a_missing_sync_policy_is_directory_object_not_found(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    assert error_of(api.patch(SYNC, {"userSyncInbound": {"isSyncAllowed": False}})) == (
        404,
        "Directory_ObjectNotFound",
        "Unable to read the company information from the directory.",
    )
    assert error_of(api.get(SYNC))[:2] == (404, "Directory_ObjectNotFound")
    assert error_of(api.delete(SYNC))[:2] == (404, "Directory_ObjectNotFound")


def test_sync_of_a_missing_partner_is_404(api: Api) -> None:
    assert error_of(api.put(SYNC, BODY))[:2] == (404, "Request_ResourceNotFound")
    assert error_of(api.get(SYNC))[:2] == (404, "Request_ResourceNotFound")


def test_patch_merges(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    api.put(SYNC, BODY)
    assert api.patch(SYNC, {"userSyncInbound": {"isSyncAllowed": False}}).status_code == 204
    got = api.get(SYNC).json()
    assert (got["displayName"], got["userSyncInbound"]) == ("Fabrikam", {"isSyncAllowed": False})


def test_tenant_id_is_read_only_when_strict(strict: Api) -> None:
    strict.post(PARTNERS, {"tenantId": PARTNER})
    body = {"tenantId": PARTNER, **BODY}
    assert error_of(strict.put(SYNC, body))[:2] == (400, "Request_BadRequest")


def test_group_sync_is_beta_only(api: Api, beta: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    body = {**BODY, "groupSyncInbound": {"isSyncAllowed": True}}
    assert error_of(api.put(SYNC, body))[2] == "Invalid property 'groupSyncInbound'."
    assert beta.put(SYNC, body).status_code == 204
    assert beta.get(SYNC).json()["groupSyncInbound"] == {"isSyncAllowed": True}


def test_partner_with_sync_cannot_be_deleted_until_sync_is(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    api.put(SYNC, BODY)
    status, code, message = error_of(api.delete(f"{PARTNERS}/{PARTNER}"))
    assert (status, code) == (400, "Request_BadRequest")
    assert "identitySynchronization" in message
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 200
    assert api.delete(SYNC).status_code == 204
    assert api.delete(f"{PARTNERS}/{PARTNER}").status_code == 204
    assert [(e["method"], e["status"]) for e in api.fake.writes()][-3:] == [
        ("DELETE", 400),
        ("DELETE", 204),
        ("DELETE", 204),
    ]


def test_sync_select(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    api.put(SYNC, BODY)
    got = api.get(SYNC, params={"$select": "userSyncInbound"}).json()
    assert [k for k in got if not k.startswith("@")] == ["userSyncInbound"]
