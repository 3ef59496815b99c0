"""The cross-tenant access policy, its default and partners: status codes, merge, rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakegraph_support import PARTNER, PARTNER_2, PARTNERS, TENANT, XTAP, Api, error_of

from b2blint.fakegraph.defaults import service_default
from b2blint.fakegraph.server import start
from b2blint.fakegraph.state import SIZE_CONTEXT

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "graph-docs"


def _doc(name: str) -> Any:
    return json.loads((DOCS / name).read_text(encoding="utf-8"))


def _strip(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if not k.startswith("@odata.")}


# ---- base policy ----------------------------------------------------------------------------


def test_policy_get_has_graph_context(api: Api) -> None:
    response = api.get(XTAP)
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == (
        "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/$entity"
    )
    assert body["allowedCloudEndpoints"] == []


def test_policy_patch_writes_display_name_and_clouds(api: Api) -> None:
    body = {"displayName": "XTAP", "allowedCloudEndpoints": ["microsoftonline.us"]}
    response = api.patch(XTAP, body)
    assert response.status_code == 204
    assert response.content == b""
    got = api.get(XTAP).json()
    assert (got["displayName"], got["allowedCloudEndpoints"]) == ("XTAP", ["microsoftonline.us"])


@pytest.mark.parametrize("name", ["definition", "description", "id"])
def test_policy_patch_refuses_read_only_when_strict(strict: Api, name: str) -> None:
    """With ``read_only_writes="refuse"``; by default they are ignored (test_fakegraph_fidelity).
    definition exists only in beta [S61]."""
    api = strict.as_version("beta") if name == "definition" else strict
    status, code, message = error_of(
        api.patch(XTAP, {name: ["x"] if name == "definition" else "x"})
    )
    assert (status, code) == (400, "Request_BadRequest")
    assert f"'{name}'" in message and "read-only" in message


def test_policy_patch_refuses_unknown_cloud(api: Api) -> None:
    response = api.patch(XTAP, {"allowedCloudEndpoints": ["microsoftonline.de"]})
    assert error_of(response)[:2] == (400, "Request_BadRequest")
    assert api.get(XTAP).json()["allowedCloudEndpoints"] == []


# ---- default --------------------------------------------------------------------------------


def test_unmodified_default_is_the_service_default(api: Api, beta: Api) -> None:
    v1 = api.get(XTAP + "/default").json()
    assert v1["isServiceDefault"] is True
    documented = _doc("v1.0-crosstenantaccesspolicyconfigurationdefault-get.json")
    for name, value in documented.items():
        assert v1[name] == value, name
    assert "blockServiceProviderOutboundAccess" not in v1  # beta only
    beta_body = beta.get(XTAP + "/default").json()
    for name, value in _doc("beta-crosstenantaccesspolicyconfigurationdefault-get.json").items():
        assert beta_body[name] == value, name
    assert beta_body["blockServiceProviderOutboundAccess"] is False


def test_default_patch_merges_and_clears_is_service_default(api: Api) -> None:
    inbound = {
        "usersAndGroups": {
            "accessType": "blocked",
            "targets": [{"target": "AllUsers", "targetType": "user"}],
        },
        "applications": {
            "accessType": "blocked",
            "targets": [{"target": "AllApplications", "targetType": "application"}],
        },
    }
    assert api.patch(XTAP + "/default", {"b2bCollaborationInbound": inbound}).status_code == 204
    got = api.get(XTAP + "/default").json()
    assert got["isServiceDefault"] is False
    assert got["b2bCollaborationInbound"] == inbound
    assert got["b2bCollaborationOutbound"]["usersAndGroups"]["accessType"] == "allowed"  # kept


def test_default_refuses_automatic_user_consent_settings(strict: Api) -> None:
    body = {"automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False}}
    status, code, message = error_of(strict.patch(XTAP + "/default", body))
    assert (status, code) == (400, "Request_BadRequest")
    assert "automaticUserConsentSettings" in message


def test_default_refuses_is_service_default(strict: Api) -> None:
    assert error_of(strict.patch(XTAP + "/default", {"isServiceDefault": False}))[0] == 400


def test_reset_to_system_default(api: Api) -> None:
    api.patch(XTAP + "/default", {"inboundTrust": {"isMfaAccepted": True}})
    assert api.get(XTAP + "/default").json()["isServiceDefault"] is False
    response = api.post(XTAP + "/default/resetToSystemDefault")
    assert response.status_code == 204
    got = api.get(XTAP + "/default").json()
    assert got["isServiceDefault"] is True
    assert got["inboundTrust"]["isMfaAccepted"] is False


# ---- partners -------------------------------------------------------------------------------


def test_post_partner_returns_201_and_the_object(api: Api) -> None:
    response = api.post(PARTNERS, {"tenantId": PARTNER})
    assert response.status_code == 201
    body = response.json()
    assert body["@odata.context"].endswith("#policies/crossTenantAccessPolicy/partners/$entity")
    # The create response of the cross-tenant sync how-to [S39].
    assert body["tenantId"] == PARTNER
    assert body["isServiceProvider"] is None
    assert body["inboundTrust"] is None
    assert body["automaticUserConsentSettings"] == {"inboundAllowed": None, "outboundAllowed": None}
    assert body["crossCloudMeetingConfiguration"] == {
        "inboundAllowed": None,
        "outboundAllowed": None,
    }
    assert "blockServiceProviderOutboundAccess" not in body


def test_post_partner_accepts_the_docs_example(api: Api) -> None:
    example = _doc("v1.0-crosstenantaccesspolicy-post-partners.json")
    response = api.post(PARTNERS, example)
    assert response.status_code == 201
    body = response.json()
    for name, value in example.items():
        assert body[name] == value


def test_duplicate_partner_post(api: Api) -> None:
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    response = api.post(PARTNERS, {"tenantId": PARTNER.upper()})
    assert error_of(response) == (
        400,
        "Request_MultipleObjectsWithSameKeyValue",
        "Another object with the same value for property tenantId already exists.",
    )


def test_duplicate_partner_status_is_configurable() -> None:
    with start(tenant_id=TENANT, duplicate_partner_status=409) as fake:
        api = Api(fake)
        api.post(PARTNERS, {"tenantId": PARTNER})
        status, code, _ = error_of(api.post(PARTNERS, {"tenantId": PARTNER}))
        assert (status, code) == (409, "Request_MultipleObjectsWithSameKeyValue")
        api.client.close()


@pytest.mark.parametrize("body", [{}, {"tenantId": "contoso.com"}, {"tenantId": None}])
def test_post_partner_needs_a_tenant_guid(api: Api, body: dict[str, Any]) -> None:
    assert error_of(api.post(PARTNERS, body))[:2] == (400, "Request_BadRequest")


def test_post_partner_refuses_identity_synchronization_inline(api: Api) -> None:
    body = {
        "tenantId": PARTNER,
        "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": True}},
    }
    status, _, message = error_of(api.post(PARTNERS, body))
    assert status == 400 and message == "Invalid property 'identitySynchronization'."


def test_get_missing_partner_is_404(api: Api) -> None:
    status, code, _ = error_of(api.get(f"{PARTNERS}/{PARTNER}"))
    assert (status, code) == (404, "Request_ResourceNotFound")
    for method in ("PATCH", "DELETE"):
        response = api.request(method, f"{PARTNERS}/{PARTNER}", {} if method == "PATCH" else None)
        assert error_of(response)[:2] == (404, "Request_ResourceNotFound")


def test_partner_key_forms(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    assert api.get(f"{PARTNERS}/{PARTNER.upper()}").status_code == 200
    assert api.get(f"{PARTNERS}('{PARTNER}')").json()["tenantId"] == PARTNER
    assert api.get(f"/POLICIES/crosstenantaccesspolicy/PARTNERS/{PARTNER}").status_code == 200


def test_patch_is_a_top_level_merge(api: Api) -> None:
    """The default ``nested_patch="replace"``: a complex value is replaced whole (OData's merge
    is the ``"merge"`` option, see test_fakegraph_fidelity)."""
    _top_level_merge(api)


def _top_level_merge(api: Api) -> None:
    inbound = {
        "usersAndGroups": {
            "accessType": "allowed",
            "targets": [{"target": "AllUsers", "targetType": "user"}],
        },
        "applications": {
            "accessType": "allowed",
            "targets": [{"target": "Office365", "targetType": "application"}],
        },
    }
    api.post(
        PARTNERS,
        {
            "tenantId": PARTNER,
            "b2bCollaborationInbound": inbound,
            "inboundTrust": {"isMfaAccepted": True},
        },
    )
    # A sub-object is replaced whole: the new one has only usersAndGroups.
    users_only = {"usersAndGroups": inbound["usersAndGroups"]}
    assert (
        api.patch(f"{PARTNERS}/{PARTNER}", {"b2bCollaborationInbound": users_only}).status_code
        == 204
    )
    got = api.get(f"{PARTNERS}/{PARTNER}").json()
    assert got["b2bCollaborationInbound"] == users_only
    assert got["inboundTrust"] == {"isMfaAccepted": True}  # untouched
    # null resets a partner setting to "inherit".
    assert api.patch(f"{PARTNERS}/{PARTNER}", {"inboundTrust": None}).status_code == 204
    assert api.get(f"{PARTNERS}/{PARTNER}").json()["inboundTrust"] is None


def test_miscased_property_is_invalid(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    for name in ("B2BCollaborationInbound", "b2BDirectConnectInbound"):
        assert error_of(api.patch(f"{PARTNERS}/{PARTNER}", {name: None})) == (
            400,
            "Request_BadRequest",
            f"Invalid property '{name}'.",
        )


def test_nested_unknown_property_is_invalid(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    body = {"inboundTrust": {"isMFAAccepted": True}}
    assert (
        error_of(api.patch(f"{PARTNERS}/{PARTNER}", body))[2] == "Invalid property 'isMFAAccepted'."
    )


@pytest.mark.parametrize("name", ["tenantId", "isServiceProvider", "isInMultiTenantOrganization"])
def test_patch_refuses_create_only_and_read_only_when_strict(strict: Api, name: str) -> None:
    strict.post(PARTNERS, {"tenantId": PARTNER})
    value: Any = PARTNER if name == "tenantId" else True
    status, code, message = error_of(strict.patch(f"{PARTNERS}/{PARTNER}", {name: value}))
    assert (status, code) == (400, "Request_BadRequest")
    assert "read-only" in message


def test_annotations_are_not_properties(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    body = {
        "@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        "inboundTrust": {"isMfaAccepted": True},
    }
    assert api.patch(f"{PARTNERS}/{PARTNER}", body).status_code == 204
    wrong = {"@odata.type": "#microsoft.graph.user"}
    assert error_of(api.patch(f"{PARTNERS}/{PARTNER}", wrong))[0] == 400


def test_beta_only_property_needs_beta(api: Api, beta: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    body = {"blockServiceProviderOutboundAccess": True}
    assert error_of(api.patch(f"{PARTNERS}/{PARTNER}", body))[2] == (
        "Invalid property 'blockServiceProviderOutboundAccess'."
    )
    assert beta.patch(f"{PARTNERS}/{PARTNER}", body).status_code == 204
    assert beta.get(f"{PARTNERS}/{PARTNER}").json()["blockServiceProviderOutboundAccess"] is True
    assert "blockServiceProviderOutboundAccess" not in api.get(f"{PARTNERS}/{PARTNER}").json()


@pytest.mark.parametrize(
    ("setting", "message_part"),
    [
        ({"inboundTrust": {"isMfaAccepted": "yes"}}, "Edm.Boolean"),
        ({"inboundTrust": ["x"]}, "StartObject"),
        ({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": "Blocked"}}}, "'Blocked'"),
        ({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": " blocked"}}}, "' blocked'"),
        ({"b2bCollaborationInbound": {"usersAndGroups": {"targets": None}}}, "Nullable=False"),
        (
            {
                "tenantRestrictions": {
                    "usersAndGroups": {"targets": [{"target": "x", "targetType": "device"}]}
                }
            },
            "crossTenantAccessPolicyTargetType",
        ),
    ],
)
def test_values_of_the_wrong_type_are_refused(
    api: Api, setting: dict[str, Any], message_part: str
) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    status, code, message = error_of(api.patch(f"{PARTNERS}/{PARTNER}", setting))
    assert (status, code) == (400, "Request_BadRequest")
    assert message_part in message


def _setting(users: tuple[str, str], apps: tuple[str, str]) -> dict[str, Any]:
    return {
        "usersAndGroups": {
            "accessType": users[0],
            "targets": [{"target": users[1], "targetType": "user"}],
        },
        "applications": {
            "accessType": apps[0],
            "targets": [{"target": apps[1], "targetType": "application"}],
        },
    }


@pytest.mark.parametrize(
    ("users", "apps"),
    [
        (
            ("blocked", "AllUsers"),
            ("allowed", "AllApplications"),
        ),  # all users blocked, apps allowed
        (("allowed", "AllUsers"), ("blocked", "AllApplications")),  # users allowed, no app allowed
        (("allowed", "6f546279-4da5-4b53-a095-09ea0cef9971"), ("blocked", "AllApplications")),
    ],
)
@pytest.mark.parametrize(
    "name", ["b2bCollaborationInbound", "b2bDirectConnectOutbound", "tenantRestrictions"]
)
def test_users_and_applications_must_not_conflict(
    api: Api, users: tuple[str, str], apps: tuple[str, str], name: str
) -> None:
    body = {"tenantId": PARTNER, name: _setting(users, apps)}
    status, code, message = error_of(api.post(PARTNERS, body))
    assert (status, code) == (400, "Request_BadRequest")
    assert name in message
    assert api.get(PARTNERS).json()["value"] == []
    assert error_of(api.patch(XTAP + "/default", {name: _setting(users, apps)}))[0] == 400


@pytest.mark.parametrize(
    ("users", "apps"),
    [
        (("blocked", "AllUsers"), ("blocked", "AllApplications")),
        (("allowed", "AllUsers"), ("allowed", "Office365")),
        (("blocked", "6f546279-4da5-4b53-a095-09ea0cef9971"), ("allowed", "AllApplications")),
    ],
)
def test_consistent_users_and_applications_are_accepted(
    api: Api, users: tuple[str, str], apps: tuple[str, str]
) -> None:
    assert (
        api.post(
            PARTNERS, {"tenantId": PARTNER, "b2bDirectConnectInbound": _setting(users, apps)}
        ).status_code
        == 201
    )


def test_target_must_be_a_guid_or_keyword(api: Api) -> None:
    body = {
        "tenantId": PARTNER,
        "b2bCollaborationOutbound": _setting(
            ("allowed", "Everyone"), ("allowed", "AllApplications")
        ),
    }
    status, _, message = error_of(api.post(PARTNERS, body))
    assert status == 400 and "'Everyone'" in message


def test_delete_partner(api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    response = api.delete(f"{PARTNERS}/{PARTNER}")
    assert response.status_code == 204
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 404


def test_service_provider_partner_cannot_be_deleted(api: Api) -> None:
    assert api.post(PARTNERS, {"tenantId": PARTNER, "isServiceProvider": True}).status_code == 201
    status, code, message = error_of(api.delete(f"{PARTNERS}/{PARTNER}"))
    assert (status, code) == (400, "Request_BadRequest")
    assert "isServiceProvider" in message
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 200


def test_size_limit_refuses_the_write_that_exceeds_it() -> None:
    with start(tenant_id=TENANT) as fake:
        api = Api(fake)
        assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
        limit = fake.emulator.state_size() + 100  # room for less than one more partner
        fake.configure(size_limit=limit)
        before = fake.state()
        status, code, message = error_of(api.post(PARTNERS, {"tenantId": PARTNER_2}))
        assert (status, code, message) == (
            400,
            "Request_BadRequest",
            "Failure to update policy due to object limit",
        )
        assert fake.state() == before
        assert fake.emulator.state_size() <= limit
        assert fake.log()[-1]["committed"] is False
        # Making room (a delete) is always allowed, and then the write fits.
        assert api.delete(f"{PARTNERS}/{PARTNER}").status_code == 204
        assert api.post(PARTNERS, {"tenantId": PARTNER_2}).status_code == 201
        api.client.close()


def test_size_is_measured_on_compact_utf8_json(api: Api) -> None:
    size = api.fake.emulator.state_size()
    api.patch(XTAP, {"displayName": "é" * 10})
    # "CrossTenantAccessPolicy" (23 chars) -> 10 two-byte characters.
    assert api.fake.emulator.state_size() == size - 23 + 20


def _full_size(state: dict[str, Any]) -> int:
    """The documented measure, as one dump of the whole document (docs/fakegraph.md)."""
    document: dict[str, Any] = {"@odata.context": SIZE_CONTEXT, **state["crossTenantAccessPolicy"]}
    document["default"] = state["default"] or service_default()
    document["partners"] = [
        {k: v for k, v in p.items() if k != "identitySynchronization"} for p in state["partners"]
    ]
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8"))


def test_size_stays_exact_through_writes(api: Api) -> None:
    fake = api.fake
    assert fake.emulator.state_size() == _full_size(fake.state())  # no partner: "partners":[]
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    assert api.post(PARTNERS, {"tenantId": PARTNER_2}).status_code == 201
    assert fake.emulator.state_size() == _full_size(fake.state())
    steps = [
        ("PATCH", f"{PARTNERS}/{PARTNER}", {"inboundTrust": {"isMfaAccepted": True}}),
        ("PUT", f"{PARTNERS}/{PARTNER}/identitySynchronization", {"displayName": "Fäbrikam"}),
        ("PATCH", f"{PARTNERS}/{PARTNER_2}", {"inboundTrust": {"isMfaAccepted": False}}),
        ("PATCH", f"{PARTNERS}/{PARTNER}", {"inboundTrust": None}),
        ("PATCH", f"{XTAP}/default", {"inboundTrust": {"isMfaAccepted": True}}),
        ("PATCH", XTAP, {"displayName": "Çontoso ✓"}),
        ("DELETE", f"{PARTNERS}/{PARTNER_2}", None),
        ("POST", f"{XTAP}/default/resetToSystemDefault", None),
    ]
    for method, path, body in steps:
        response = api.request(method, path, body)
        assert response.status_code in (201, 204), (method, path, response.text)
        assert fake.emulator.state_size() == _full_size(fake.state()), (method, path)


def test_size_limit_is_exact_to_the_byte() -> None:
    trust = f"{PARTNERS}/{PARTNER}"
    state = {"partners": [{"tenantId": PARTNER, "inboundTrust": {"isMfaAccepted": False}}]}
    with start(tenant_id=TENANT, size_limit=0, state=state) as fake:
        api = Api(fake)
        size = fake.emulator.state_size()
        fake.configure(size_limit=size - 1)
        # false -> true is one byte less: exactly at the limit, allowed.
        assert api.patch(trust, {"inboundTrust": {"isMfaAccepted": True}}).status_code == 204
        assert fake.emulator.state_size() == size - 1
        # One byte over: refused, and the partner keeps its value.
        status, _, message = error_of(api.patch(trust, {"inboundTrust": {"isMfaAccepted": False}}))
        assert (status, message) == (400, "Failure to update policy due to object limit")
        assert api.get(trust).json()["inboundTrust"] == {"isMfaAccepted": True}
        assert fake.emulator.state_size() == size - 1
        fake.configure(size_limit=size)
        assert api.patch(trust, {"inboundTrust": {"isMfaAccepted": False}}).status_code == 204
        assert fake.emulator.state_size() == size
        api.client.close()


def test_wrong_method_is_405(api: Api) -> None:
    assert error_of(api.delete(XTAP)) == (
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
    assert error_of(api.put(PARTNERS, {}))[0] == 405


def test_unknown_segment_is_400(api: Api) -> None:
    assert error_of(api.get(XTAP + "/partnerz")) == (
        400,
        "BadRequest",
        "Resource not found for the segment 'partnerz'.",
    )
    response = api.client.get(
        api.fake.url + "/v2/policies/crossTenantAccessPolicy",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert error_of(response)[:2] == (400, "BadRequest")


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"displayName": "x"}', "text/plain"),
    ],
)
def test_unreadable_bodies(api: Api, raw: bytes, content_type: str) -> None:
    response = api.request("PATCH", XTAP, content=raw, headers={"Content-Type": content_type})
    assert error_of(response)[:2] == (400, "BadRequest")
