"""The YAML <-> Graph mapping: recognition, request bodies, round trip, size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2blint.graph import mapping
from b2blint.graph.b2bdefinition import parse_definition
from b2blint.graph.fromgraph import PARTNER_FIELDS_MOVED
from b2blint.graph.kinds import BETA_ONLY, NOT_IMPORTED
from b2blint.graph.mapping import (
    GraphMappingError,
    GraphRequest,
    ResourceKind,
    UnrecognizedBody,
    b2b_update_request,
    build_policy,
    policy_from_graph,
    policy_size,
    recognize,
    resources_from_policy,
    serialized_policy_bytes,
    without_unset,
)

ROOT = Path(__file__).resolve().parents[2]
TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
RMS_APP = "00000012-0000-0000-c000-000000000000"
ALL_USERS = {"target": "AllUsers", "targetType": "user"}


def _b2b(access: str, *apps: str) -> dict[str, Any]:
    return {
        "usersAndGroups": {"accessType": access, "targets": [ALL_USERS]},
        "applications": {
            "accessType": access,
            "targets": [{"target": app, "targetType": "application"} for app in apps],
        },
    }


POLICY: dict[str, Any] = {
    "b2blint": 1,
    "tenant": {"id": TENANT, "name": "Contoso", "cloud": "global", "domains": ["contoso.com"]},
    "crossTenantAccessPolicy": {"allowedCloudEndpoints": ["microsoftonline.us"]},
    "default": {"b2bCollaborationOutbound": _b2b("allowed", "Office365", RMS_APP)},
    "partners": [
        {
            "tenantId": FABRIKAM,
            "name": "Fabrikam",
            "cloud": "usgov",
            "domains": ["fabrikam.com"],
            "settings": {"inboundTrust": {"isMfaAccepted": True}},
            "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": True}},
        }
    ],
    "authorizationPolicy": {"allowInvitesFrom": "adminsAndGuestInviters"},
    "invitationDomains": {"allowedDomains": ["fabrikam.com"]},
    "emailOtp": {"state": "enabled", "allowExternalIdToUseEmailOtp": "enabled"},
    "externalIdentitiesPolicy": {"allowExternalIdentitiesToLeave": True},
}


# --------------------------------------------------------------------------- policy -> Graph


def test_resources_from_policy_gives_exact_requests() -> None:
    resources = resources_from_policy(POLICY)
    assert list(resources) == [
        "crossTenantAccessPolicy",
        "default",
        f"partner:{FABRIKAM}",
        f"identitySynchronization:{FABRIKAM}",
        "authorizationPolicy",
        "b2bManagementPolicy",
        "emailOtp",
        "externalIdentitiesPolicy",
    ]
    updates = {key: resource.update_request() for key, resource in resources.items()}
    base = "/policies/crossTenantAccessPolicy"
    assert updates["crossTenantAccessPolicy"] == GraphRequest(
        "PATCH", base, "v1.0", {"allowedCloudEndpoints": ["microsoftonline.us"]}
    )
    assert updates["default"].path == base + "/default"
    assert updates[f"partner:{FABRIKAM}"] == GraphRequest(
        "PATCH", f"{base}/partners/{FABRIKAM}", "v1.0", {"inboundTrust": {"isMfaAccepted": True}}
    )
    assert updates["authorizationPolicy"] == GraphRequest(
        "PATCH",
        "/policies/authorizationPolicy",
        "v1.0",
        {"allowInvitesFrom": "adminsAndGuestInviters"},
    )
    assert updates["emailOtp"] == GraphRequest(
        "PATCH",
        "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email",
        "v1.0",
        {
            "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
            "state": "enabled",
            "allowExternalIdToUseEmailOtp": "enabled",
        },
    )
    assert updates["externalIdentitiesPolicy"] == GraphRequest(
        "PATCH",
        "/policies/externalIdentitiesPolicy",
        "beta",
        {"allowExternalIdentitiesToLeave": True},
    )
    assert updates["b2bManagementPolicy"].body == {
        "definition": [
            '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":'
            '{"AllowedDomains":["fabrikam.com"]}}}'
        ]
    }


def test_creation_requests() -> None:
    resources = resources_from_policy(POLICY)
    partner = resources[f"partner:{FABRIKAM}"].create
    assert partner == GraphRequest(
        "POST",
        "/policies/crossTenantAccessPolicy/partners",
        "v1.0",
        {"tenantId": FABRIKAM, "inboundTrust": {"isMfaAccepted": True}},
    )
    sync = resources[f"identitySynchronization:{FABRIKAM}"].create
    assert sync == GraphRequest(
        "PUT",
        f"/policies/crossTenantAccessPolicy/partners/{FABRIKAM}/identitySynchronization",
        "v1.0",
        {"userSyncInbound": {"isSyncAllowed": True}},
    )
    b2b = resources["b2bManagementPolicy"].create
    assert b2b is not None
    assert (b2b.method, b2b.path, b2b.api_version) == (
        "POST",
        "/policies/b2bManagementPolicies",
        "beta",
    )
    assert b2b.body is not None
    assert {"displayName", "description", "definition"} <= b2b.body.keys()
    assert b2b.body["isOrganizationDefault"] is True
    assert resources["default"].create is None


def test_metadata_is_never_sent() -> None:
    text = json.dumps(
        [
            [resource.body, resource.create.body if resource.create else None]
            for resource in resources_from_policy(POLICY).values()
        ]
    )
    for value in ("Contoso", "Fabrikam", "usgov", "contoso.com", TENANT, '"b2blint"', '"domains"'):
        assert value not in text


def test_beta_only_property_moves_the_request_to_beta() -> None:
    policy = {
        "authorizationPolicy": {"enabledPreviewFeatures": []},
        "default": {"blockServiceProviderOutboundAccess": True},
        "partners": [
            {
                "tenantId": FABRIKAM,
                "identitySynchronization": {"groupSyncInbound": {"isSyncAllowed": True}},
            }
        ],
    }
    resources = resources_from_policy(policy)
    assert (
        resources["authorizationPolicy"].api_version,
        resources["authorizationPolicy"].path,
    ) == (
        "beta",
        "/policies/authorizationPolicy/authorizationPolicy",
    )
    assert resources["default"].api_version == "beta"
    assert resources[f"partner:{FABRIKAM}"].api_version == "v1.0"
    assert resources[f"identitySynchronization:{FABRIKAM}"].api_version == "beta"


def test_property_names_are_sent_exactly_as_written() -> None:
    policy = {"partners": [{"tenantId": FABRIKAM, "settings": {"b2BCollaborationInbound": None}}]}
    body = resources_from_policy(policy)[f"partner:{FABRIKAM}"].body
    assert body == {"b2BCollaborationInbound": None}  # lint reports it; mapping never renames


def test_duplicate_partner_in_policy_is_refused() -> None:
    policy = {"partners": [{"tenantId": FABRIKAM}, {"tenantId": FABRIKAM.upper()}]}
    with pytest.raises(GraphMappingError, match="declared twice") as caught:
        resources_from_policy(policy)
    assert caught.value.path == ("partners", 1)


def test_b2b_update_keeps_the_other_definition_sections() -> None:
    resource = resources_from_policy({"invitationDomains": {"blockedDomains": ["spam.example"]}})[
        "b2bManagementPolicy"
    ]
    live = {
        "id": "f596ef0d-42f9-0359-1aaa-12d02b38802a",
        "definition": [
            "{'B2BManagementPolicy':{'Version':1,"
            "'InvitationsAllowedAndBlockedDomainsPolicy':{'AllowedDomains':['a.example']},"
            "'AutoRedeemPolicy':{'AdminConsentedForUsersIntoTenantIds':[]}}}"
        ],
    }
    request = b2b_update_request(resource, live)
    assert (request.method, request.path, request.api_version) == (
        "PATCH",
        "/policies/b2bManagementPolicies/f596ef0d-42f9-0359-1aaa-12d02b38802a",
        "beta",
    )
    assert request.body is not None
    assert parse_definition(request.body["definition"][0]) == {
        "B2BManagementPolicy": {
            "Version": 1,
            "InvitationsAllowedAndBlockedDomainsPolicy": {"BlockedDomains": ["spam.example"]},
            "AutoRedeemPolicy": {"AdminConsentedForUsersIntoTenantIds": []},
        }
    }


# --------------------------------------------------------------------------- recognition

CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#"


@pytest.mark.parametrize(
    ("context", "body", "kind"),
    [
        (
            "policies/crossTenantAccessPolicy/$entity",
            {"displayName": "X"},
            ResourceKind.CROSS_TENANT_ACCESS_POLICY,
        ),
        ("policies/crossTenantAccessPolicy/default/$entity", {}, ResourceKind.DEFAULT),
        (
            "policies/crossTenantAccessPolicy/partners/$entity",
            {"tenantId": FABRIKAM},
            ResourceKind.PARTNER,
        ),
        (
            "policies/authorizationPolicy/$entity",
            {"allowInvitesFrom": "none"},
            ResourceKind.AUTHORIZATION_POLICY,
        ),
        (
            "policies/b2bManagementPolicies/$entity",
            {"definition": []},
            ResourceKind.B2B_MANAGEMENT_POLICY,
        ),
        ("authenticationMethodConfigurations/$entity", {"id": "Email"}, ResourceKind.EMAIL_OTP),
        (
            "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
            {"state": "enabled"},
            ResourceKind.EMAIL_OTP,
        ),
        ("policies/externalIdentitiesPolicy/$entity", {}, ResourceKind.EXTERNAL_IDENTITIES_POLICY),
    ],
)
def test_recognized_by_context(context: str, body: dict[str, Any], kind: ResourceKind) -> None:
    found = recognize({"@odata.context": CONTEXT + context, **body})
    assert [(item.kind, item.path) for item in found] == [(kind, ())]


def test_partner_collection_with_select_and_expand() -> None:
    body = {
        "@odata.context": CONTEXT
        + "policies/crossTenantAccessPolicy/partners(tenantId,identitySynchronization())",
        "value": [{"tenantId": FABRIKAM, "identitySynchronization": None}, {"tenantId": TENANT}],
    }
    found = recognize(body)
    assert [(item.kind, item.path) for item in found] == [
        (ResourceKind.PARTNER, ("value", 0)),
        (ResourceKind.PARTNER, ("value", 1)),
    ]


def test_identity_sync_takes_the_tenant_from_the_context() -> None:
    body = {
        "@odata.context": CONTEXT
        + f"policies/crossTenantAccessPolicy/partners('{FABRIKAM}')"
        + "/identitySynchronization/$entity",
        "userSyncInbound": {"isSyncAllowed": False},
    }
    policy = policy_from_graph([body])
    assert policy == {
        "partners": [
            {
                "tenantId": FABRIKAM,
                "settings": {},
                "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": False}},
            }
        ]
    }


def test_beta_authorization_policy_list_and_wrapped_singleton() -> None:
    listed = {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#policies/authorizationPolicy",
        "value": [{"id": "authorizationPolicy", "allowInvitesFrom": "everyone"}],
    }
    assert [(i.kind, i.path) for i in recognize(listed)] == [
        (ResourceKind.AUTHORIZATION_POLICY, ("value", 0))
    ]
    wrapped = {"value": {"@odata.type": "#microsoft.graph.crossTenantAccessPolicy"}}
    assert [(i.kind, i.path) for i in recognize(wrapped)] == [
        (ResourceKind.CROSS_TENANT_ACCESS_POLICY, ("value",))
    ]


def test_policy_with_inline_default_and_partners_is_split() -> None:
    body = {
        "allowedCloudEndpoints": [],
        "default": {"isServiceDefault": True},
        "partners": [{"tenantId": FABRIKAM, "inboundTrust": None}],
    }
    assert [(i.kind, i.path) for i in recognize(body)] == [
        (ResourceKind.CROSS_TENANT_ACCESS_POLICY, ()),
        (ResourceKind.DEFAULT, ("default",)),
        (ResourceKind.PARTNER, ("partners", 0)),
    ]


@pytest.mark.parametrize(
    ("body", "message", "path"),
    [
        (
            {"@odata.context": CONTEXT + "users/$entity", "id": "x"},
            "is not a response b2blint imports",
            (),
        ),
        ({"displayName": "Alice"}, "this object is not a resource b2blint imports", ()),
        ({"value": [{"tenantId": FABRIKAM}, 3]}, "list item is a number", ("value", 1)),
        (
            {
                "@odata.context": CONTEXT + "authenticationMethodConfigurations/$entity",
                "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
                "id": "Fido2",
            },
            "only the email method",
            (),
        ),
        (
            {
                "@odata.context": CONTEXT + "policies/crossTenantAccessPolicy/partners",
                "value": [{"@odata.type": "#microsoft.graph.user", "tenantId": FABRIKAM}],
            },
            "does not match the partner response",
            ("value", 0),
        ),
        ([1], "list item is a number", (0,)),
        ("text", "not a string", ()),
    ],
)
def test_unrecognized(body: Any, message: str, path: tuple[Any, ...]) -> None:
    with pytest.raises(UnrecognizedBody) as caught:
        recognize(body)
    assert message in caught.value.message
    assert caught.value.path == path


# --------------------------------------------------------------------------- Graph -> policy


def test_graph_objects_to_policy() -> None:
    partner = {
        "@odata.context": CONTEXT + "policies/crossTenantAccessPolicy/partners/$entity",
        "tenantId": FABRIKAM,
        "displayName": "Fabrikam",
        "isInMultiTenantOrganization": False,
        "isServiceProvider": None,
        "inboundTrust": None,
        "automaticUserConsentSettings": {"inboundAllowed": None, "outboundAllowed": None},
        "b2BDirectConnectInbound": {"usersAndGroups@odata.context": "x", "usersAndGroups": None},
    }
    default = {
        "@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationDefault",
        "isServiceDefault": False,
        "automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False},
        "inboundTrust": {"isMfaAccepted": True},
    }
    imported = build_policy([partner, default])
    assert imported.policy == {
        "default": {"inboundTrust": {"isMfaAccepted": True}},
        "partners": [
            {
                "tenantId": FABRIKAM,
                "name": "Fabrikam",
                "settings": {
                    "isServiceProvider": None,
                    "inboundTrust": None,
                    "automaticUserConsentSettings": {
                        "inboundAllowed": None,
                        "outboundAllowed": None,
                    },
                    # miscased: carried over for lint (SCH002); the annotation is dropped
                    "b2BDirectConnectInbound": {"usersAndGroups": None},
                },
            }
        ],
    }
    assert imported.dropped == (
        "default.automaticUserConsentSettings",
        "default.isServiceDefault",
        "partner.isInMultiTenantOrganization",
    )
    assert without_unset(imported.policy)["partners"][0]["settings"] == {
        "b2BDirectConnectInbound": {"usersAndGroups": None}
    }


def test_b2b_definition_to_invitation_domains() -> None:
    policy = {
        "@odata.type": "#microsoft.graph.b2bManagementPolicy",
        "id": "f596ef0d-42f9-0359-1aaa-12d02b38802a",
        "definition": [
            "{'B2BManagementPolicy':{'InvitationsAllowedAndBlockedDomainsPolicy':"
            "{'BlockedDomains':['spam.example', \"it's.example\"]},"
            "'PreviewPolicy':{'Features':[]}}}"
        ],
        "isOrganizationDefault": True,
    }
    imported = build_policy([policy])
    assert imported.policy == {
        "invitationDomains": {"blockedDomains": ["spam.example", "it's.example"]}
    }
    assert imported.unmanaged["b2bManagementPolicy"]["id"] == "f596ef0d-42f9-0359-1aaa-12d02b38802a"
    no_list = {
        "@odata.type": "#microsoft.graph.b2bManagementPolicy",
        "definition": ["{'B2BManagementPolicy':{'Version':1}}"],
    }
    assert build_policy([no_list]).policy == {}


def test_bad_definition_is_reported_where_it_is() -> None:
    body = {
        "value": [{"@odata.type": "#microsoft.graph.b2bManagementPolicy", "definition": ["{oops"]}]
    }
    with pytest.raises(GraphMappingError) as caught:
        build_policy([body])
    assert caught.value.path == ("value", 0, "definition", 0)
    assert caught.value.message.startswith("b2bManagementPolicy definition is not JSON")


def test_partner_pieces_merge_but_duplicates_are_refused() -> None:
    listed = {"value": [{"tenantId": FABRIKAM, "inboundTrust": {"isMfaAccepted": True}}]}
    synced = {
        "value": [
            {
                "tenantId": FABRIKAM,
                "identitySynchronization": {
                    "tenantId": FABRIKAM,
                    "displayName": "Fabrikam",
                    "userSyncInbound": {"isSyncAllowed": True},
                },
            }
        ]
    }
    assert policy_from_graph([listed, synced])["partners"] == [
        {
            "tenantId": FABRIKAM,
            "name": "Fabrikam",
            "settings": {"inboundTrust": {"isMfaAccepted": True}},
            "identitySynchronization": {
                "displayName": "Fabrikam",
                "userSyncInbound": {"isSyncAllowed": True},
            },
        }
    ]
    with pytest.raises(GraphMappingError) as caught:
        build_policy([listed, {"tenantId": FABRIKAM.upper(), "inboundTrust": None}])
    assert caught.value.message == f"partner {FABRIKAM.upper()} appears twice"
    assert (caught.value.origin, caught.value.path) == (1, ("tenantId",))
    assert caught.value.first == (0, ("value", 0, "tenantId"))
    with pytest.raises(GraphMappingError, match=r"identitySynchronization of partner .* twice"):
        build_policy([synced, synced])


def test_a_second_singleton_is_refused() -> None:
    with pytest.raises(GraphMappingError) as caught:
        build_policy([{"allowInvitesFrom": "none"}, {"value": [{"id": "authorizationPolicy"}]}])
    assert caught.value.message == "a second authorizationPolicy body (a tenant has one)"
    assert caught.value.first == (0, ())
    assert (caught.value.origin, caught.value.path) == (1, ("value", 0))


# --------------------------------------------------------------------------- round trip

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text("abcXYZ.-_ é", max_size=6)
)
_NAMES = st.text("abcdeBDxyz", min_size=1, max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_NAMES, inner, max_size=3)
    ),
    max_leaves=8,
)
_TARGET = st.fixed_dictionaries(
    {
        "target": st.sampled_from(["AllUsers", "AllApplications", "Office365", RMS_APP, FABRIKAM]),
        "targetType": st.sampled_from(["user", "group", "application"]),
    }
)
_B2B = st.fixed_dictionaries(
    {},
    optional={
        "usersAndGroups": st.fixed_dictionaries(
            {
                "accessType": st.sampled_from(["allowed", "blocked"]),
                "targets": st.lists(_TARGET, max_size=3),
            }
        ),
        "applications": st.fixed_dictionaries(
            {
                "accessType": st.sampled_from(["allowed", "blocked"]),
                "targets": st.lists(_TARGET, max_size=3),
            }
        ),
    },
)
_XTAP = {
    "b2bCollaborationInbound": st.one_of(st.none(), _B2B),
    "b2bCollaborationOutbound": st.one_of(st.none(), _B2B),
    "b2bDirectConnectInbound": st.one_of(st.none(), _B2B),
    "b2bDirectConnectOutbound": st.one_of(st.none(), _B2B),
    "tenantRestrictions": st.one_of(st.none(), _B2B),
    "inboundTrust": st.one_of(
        st.none(), st.fixed_dictionaries({}, optional={"isMfaAccepted": st.booleans()})
    ),
    "blockServiceProviderOutboundAccess": st.booleans(),
}


def _settings(kind: ResourceKind, known: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Managed fields: known properties, plus unknown or miscased names (lint's business)."""
    excluded = NOT_IMPORTED[kind] | {"tenantId", "default", "partners"}
    if kind is ResourceKind.PARTNER:
        excluded |= PARTNER_FIELDS_MOVED
    extra = st.dictionaries(
        _NAMES.filter(lambda name: name not in excluded and name not in known), _JSON, max_size=2
    )
    fixed = st.fixed_dictionaries({}, optional=known)
    return st.tuples(fixed, extra).map(lambda parts: {**parts[0], **parts[1]})


_TENANT_IDS = st.uuids().map(str)
_PARTNER = st.fixed_dictionaries(
    {
        "tenantId": _TENANT_IDS,
        "settings": _settings(ResourceKind.PARTNER, {**_XTAP, "isServiceProvider": st.booleans()}),
    },
    optional={
        "identitySynchronization": _settings(
            ResourceKind.IDENTITY_SYNCHRONIZATION,
            {
                "displayName": st.text("Fabrikam ", min_size=1, max_size=9),
                "userSyncInbound": st.fixed_dictionaries({"isSyncAllowed": st.booleans()}),
            },
        )
    },
)
_DOMAINS = st.lists(st.sampled_from(["fabrikam.com", "contoso.com", "adatum.com"]), max_size=3)
POLICIES = st.fixed_dictionaries(
    {},
    optional={
        "crossTenantAccessPolicy": _settings(
            ResourceKind.CROSS_TENANT_ACCESS_POLICY,
            {
                "displayName": st.text(max_size=5),
                "allowedCloudEndpoints": st.lists(st.just("microsoftonline.us")),
            },
        ),
        "default": _settings(ResourceKind.DEFAULT, _XTAP),
        "partners": st.lists(_PARTNER, max_size=4, unique_by=lambda p: p["tenantId"]),
        "authorizationPolicy": _settings(
            ResourceKind.AUTHORIZATION_POLICY,
            {
                "allowInvitesFrom": st.sampled_from(["none", "everyone"]),
                "enabledPreviewFeatures": st.lists(st.text(max_size=3)),
            },
        ),
        "invitationDomains": st.one_of(
            st.fixed_dictionaries({"allowedDomains": _DOMAINS}),
            st.fixed_dictionaries({"blockedDomains": _DOMAINS}),
            st.fixed_dictionaries({"allowedDomains": _DOMAINS, "blockedDomains": _DOMAINS}),
        ),
        "emailOtp": _settings(
            ResourceKind.EMAIL_OTP, {"state": st.sampled_from(["enabled", "disabled"])}
        ),
        "externalIdentitiesPolicy": _settings(
            ResourceKind.EXTERNAL_IDENTITIES_POLICY,
            {"allowExternalIdentitiesToLeave": st.booleans()},
        ),
    },
)


def _managed(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy without metadata (b2blint, tenant, a partner's name/cloud/domains)."""
    out = {key: value for key, value in policy.items() if key not in {"b2blint", "tenant"}}
    if "partners" in out:
        out["partners"] = [
            {key: value for key, value in entry.items() if key not in {"name", "cloud", "domains"}}
            for entry in out["partners"]
        ]
    if not out.get("partners", True):
        del out["partners"]
    return out


@settings(max_examples=300, deadline=None)
@given(POLICIES)
def test_policy_to_graph_to_policy_is_identity(policy: dict[str, Any]) -> None:
    entities = [resource.entity for resource in resources_from_policy(policy).values()]
    # Through JSON text, as the objects travel over the wire.
    back = policy_from_graph(json.loads(json.dumps(entities)))
    assert _managed(back) == _managed(policy)


def test_bundled_policies_round_trip() -> None:
    from b2blint.files.document import read_document

    policy: dict[str, Any] = {"partners": []}
    for path in sorted((ROOT / "policies").rglob("*.yaml")):
        data = read_document(path).data
        if "b2blint-tests" in data:  # policies/tests/: policy tests, not policy
            continue
        policy["partners"].extend(data.pop("partners", []))
        policy.update(data)
    entities = [resource.entity for resource in resources_from_policy(policy).values()]
    # The Conditional Access context is read, never written: no Graph body carries it.
    assert not any("conditionalAccess" in json.dumps(entity) for entity in entities)
    context = policy.pop("conditionalAccessPolicies")
    assert len(context) == 3
    assert _managed(policy_from_graph(entities)) == _managed(policy)
    assert len(policy["partners"]) >= 4


# --------------------------------------------------------------------------- size


def test_serialized_size_counts_exactly_the_documented_json() -> None:
    policy = {
        "tenant": {"id": TENANT},
        "crossTenantAccessPolicy": {"allowedCloudEndpoints": ["microsoftonline.us"]},
        "partners": [
            {
                "tenantId": FABRIKAM,
                "name": "Fabrikam Ünited",  # metadata: not counted
                "settings": {
                    "inboundTrust": {"isMfaAccepted": True},
                    "b2bCollaborationInbound": None,
                },
                "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": True}},
            },
            {"tenantId": TENANT, "settings": {"tenantRestrictions": {"x": "é"}}},
        ],
    }
    expected = (
        '{"@odata.context":"https://graph.microsoft.com/beta/$metadata#policies/'
        'crossTenantAccessPolicy/$entity","allowedCloudEndpoints":["microsoftonline.us"],'
        '"default":{},"partners":[{"tenantId":"'
        + FABRIKAM
        + '","inboundTrust":{"isMfaAccepted":true}},'
        '{"tenantId":"' + TENANT + '","tenantRestrictions":{"x":"é"}}]}'
    )
    assert serialized_policy_bytes(policy) == len(expected.encode("utf-8")) == len(expected) + 1
    size = policy_size(policy)
    assert size.total == len(expected.encode("utf-8"))
    first = len(f'{{"tenantId":"{FABRIKAM}","inboundTrust":{{"isMfaAccepted":true}}}}')
    assert size.partners[0] == (FABRIKAM, first)
    assert size.partners[1][0] == TENANT
    assert size.default == 2
    assert size.envelope + size.default + sum(n for _, n in size.partners) == size.total


def test_policy_size_partner_bytes_are_each_partners_own_json() -> None:
    """Each partner's bytes are its object's compact UTF-8 JSON, whatever its shape.

    The size rule adds up the tenant's JSON and the settings' JSON instead of building each
    partner object (issue 9 item 10): a partner without settings, with only unset settings,
    with non-ASCII text, with a number, and one whose settings name a ``tenantId`` of their own
    (Graph's key wins in the merged object) all count exactly the bytes of their object.
    """
    partners: list[Any] = [
        {"tenantId": FABRIKAM},
        {"tenantId": TENANT, "settings": {"b2bCollaborationInbound": None}},
        {"tenantId": FABRIKAM, "settings": {"tenantRestrictions": {"x": "Ünited ☃", "n": 1.5}}},
        {"tenantId": TENANT, "settings": {"tenantId": "other", "inboundTrust": {}}},
        {"tenantId": FABRIKAM, "settings": "not a mapping"},
    ]
    objects = [
        '{"tenantId":"' + FABRIKAM + '"}',
        '{"tenantId":"' + TENANT + '"}',
        '{"tenantId":"' + FABRIKAM + '","tenantRestrictions":{"x":"Ünited ☃","n":1.5}}',
        '{"tenantId":"other","inboundTrust":{}}',
        '{"tenantId":"' + FABRIKAM + '"}',
    ]
    size = policy_size({"partners": partners})
    tenants = [FABRIKAM, TENANT, FABRIKAM, "other", FABRIKAM]
    expected = [len(text.encode("utf-8")) + (1 if i else 0) for i, text in enumerate(objects)]
    assert size.partners == tuple(zip(tenants, expected, strict=True))
    assert size.total == serialized_policy_bytes({"partners": partners})


def test_bundled_policy_size() -> None:
    from b2blint.files.document import read_document

    policy: dict[str, Any] = {"partners": []}
    for path in sorted((ROOT / "policies").rglob("*.yaml")):
        data = read_document(path).data
        if "b2blint-tests" in data:  # policies/tests/: policy tests, not policy
            continue
        policy["partners"].extend(data.pop("partners", []))
        policy.update(data)
    size = policy_size(policy)
    assert 2_000 < size.total < 25_600
    assert size.envelope + size.default + sum(n for _, n in size.partners) == size.total


# --------------------------------------------------------------------------- tables vs schemas

_SCHEMA = {
    ResourceKind.CROSS_TENANT_ACCESS_POLICY: "crossTenantAccessPolicy",
    ResourceKind.DEFAULT: "crossTenantAccessPolicyConfigurationDefault",
    ResourceKind.PARTNER: "crossTenantAccessPolicyConfigurationPartner",
    ResourceKind.IDENTITY_SYNCHRONIZATION: "crossTenantIdentitySyncPolicyPartner",
    ResourceKind.AUTHORIZATION_POLICY: "authorizationPolicy",
    ResourceKind.EMAIL_OTP: "emailAuthenticationMethodConfiguration",
    ResourceKind.EXTERNAL_IDENTITIES_POLICY: "externalIdentitiesPolicy",
}
_MOVED = {ResourceKind.PARTNER: {"tenantId"}, ResourceKind.IDENTITY_SYNCHRONIZATION: {"tenantId"}}


@pytest.mark.parametrize("kind", list(_SCHEMA))
def test_mapping_tables_agree_with_the_schemas(kind: ResourceKind) -> None:
    """Import leaves out what lint calls read-only; requests go to beta for what lint calls beta."""
    schema = json.loads((ROOT / "schemas" / "graph" / f"{_SCHEMA[kind]}.json").read_text("utf-8"))
    properties: dict[str, Any] = schema["properties"]
    read_only = {name for name, spec in properties.items() if spec.get("readOnly")}
    beta_only = {name for name, spec in properties.items() if spec.get("x-b2blint-beta-only")}
    assert read_only - _MOVED.get(kind, set()) <= NOT_IMPORTED[kind]
    assert BETA_ONLY.get(kind, frozenset()) == beta_only - read_only
    # What import keeps must be something the policy file accepts (else lint fails on import).
    policy_schema = json.loads((ROOT / "schemas" / "b2blint-policy.json").read_text("utf-8"))
    section = {
        ResourceKind.EMAIL_OTP: policy_schema["properties"]["emailOtp"],
    }.get(kind)
    if section is not None and "properties" in section:
        assert set(properties) - set(section["properties"]) <= NOT_IMPORTED[kind]


def test_resource_keys() -> None:
    assert mapping.partner_key(FABRIKAM) == f"partner:{FABRIKAM}"
    assert mapping.parse_resource_key(f"identitySynchronization:{FABRIKAM}") == (
        ResourceKind.IDENTITY_SYNCHRONIZATION,
        FABRIKAM,
    )
    assert mapping.parse_resource_key("emailOtp") == (ResourceKind.EMAIL_OTP, None)
