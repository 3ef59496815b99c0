"""Meta tests for the JSON Schemas in ``schemas/``.

The schemas are data that other code (lint, import, the compiled fast validator) depends on, so
these tests pin their conventions: draft 2020-12 metaschema validity, resolvable relative
``$ref``s, draft-07-compatible keywords only (fastjsonschema must reach the same verdicts as
jsonschema), strict objects, and the annotations the linter reads. Sample documents check that
the schemas accept a valid partner and reject the usual mistakes. The Graph documentation
examples in ``tests/fixtures/graph-docs`` are checked too: their known value errors must be
reported, everything else must validate.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import fastjsonschema
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "tests" / "fixtures" / "graph-docs"
BASE_URI = "https://b2blint.dev/schemas/"
DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema"
GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
POLICY_ID = f"{BASE_URI}b2blint-policy.json"

# Keywords that draft-07 also has with the same meaning (the fast validator is draft-07).
ASSERTIONS = {
    "type",
    "properties",
    "additionalProperties",
    "required",
    "enum",
    "const",
    "pattern",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "$ref",
}
ANNOTATIONS = {
    "$schema",
    "$id",
    "title",
    "description",
    "readOnly",
    "deprecated",
    "examples",
    "x-b2blint-beta-only",
    "x-b2blint-undocumented",
    "x-b2blint-v1-only",
    "x-b2blint-create-only",
    "x-b2blint-context",
}
# Keywords whose value is a map of names to subschemas (the names are not keywords).
SCHEMA_MAPS = {"properties"}
SCHEMA_LISTS = {"anyOf", "oneOf", "allOf"}
SCHEMA_SINGLE = {"items", "additionalProperties", "not"}

REQUIRED_TYPES = [
    "crossTenantAccessPolicy",
    "crossTenantAccessPolicyConfigurationDefault",
    "crossTenantAccessPolicyConfigurationPartner",
    "crossTenantAccessPolicyB2BSetting",
    "crossTenantAccessPolicyTenantRestrictions",
    "devicesFilter",
    "crossTenantAccessPolicyTargetConfiguration",
    "crossTenantAccessPolicyTarget",
    "crossTenantAccessPolicyInboundTrust",
    "inboundOutboundPolicyConfiguration",
    "invitationRedemptionIdentityProviderConfiguration",
    "defaultInvitationRedemptionIdentityProviderConfiguration",
    "crossTenantAccessPolicyM365CollaborationInboundSetting",
    "crossTenantAccessPolicyM365CollaborationOutboundSetting",
    "crossTenantAccessPolicyAppServiceConnectSetting",
    "crossTenantIdentitySyncPolicyPartner",
    "crossTenantUserSyncInbound",
    "crossTenantGroupSyncInbound",
    "authorizationPolicy",
    "defaultUserRolePermissions",
    "emailAuthenticationMethodConfiguration",
    "externalIdentitiesPolicy",
    "b2bManagementPolicy",
]


def _schema_files() -> list[Path]:
    return sorted(SCHEMAS.rglob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


DOCS: dict[str, dict[str, Any]] = {_load(p)["$id"]: _load(p) for p in _schema_files()}
REGISTRY: Registry = Registry().with_resources(
    (uri, Resource.from_contents(doc)) for uri, doc in DOCS.items()
)


def _graph_id(name: str) -> str:
    return f"{BASE_URI}graph/{name}.json"


def _validator(uri: str) -> Draft202012Validator:
    return Draft202012Validator(DOCS[uri], registry=REGISTRY)


def _errors(uri: str, instance: Any) -> list[ValidationError]:
    return list(_validator(uri).iter_errors(instance))


def _walk(schema: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every subschema with its JSON pointer, descending only through schema positions."""
    if not isinstance(schema, dict):
        return []
    found = [(path, schema)]
    for key, value in schema.items():
        if key in SCHEMA_MAPS:
            for name, sub in value.items():
                found += _walk(sub, f"{path}/{key}/{name}")
        elif key in SCHEMA_LISTS:
            for index, sub in enumerate(value):
                found += _walk(sub, f"{path}/{key}/{index}")
        elif key in SCHEMA_SINGLE and isinstance(value, dict):
            found += _walk(value, f"{path}/{key}")
    return found


def _bundle(uri: str) -> dict[str, Any]:
    """Inline every relative ``$ref`` so fastjsonschema gets one self-contained draft-07 dict."""

    def resolve(ref: str, base: str) -> tuple[Any, str]:
        absolute = urljoin(base, ref)
        doc_uri, fragment = urldefrag(absolute)
        target: Any = DOCS[doc_uri]
        for part in [p for p in fragment.split("/") if p]:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target, doc_uri

    def inline(node: Any, base: str) -> Any:
        if isinstance(node, list):
            return [inline(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target, target_base = resolve(node["$ref"], base)
            return inline(target, target_base)
        return {
            key: inline(value, base) for key, value in node.items() if key not in {"$schema", "$id"}
        }

    bundled: dict[str, Any] = inline(copy.deepcopy(DOCS[uri]), uri)
    bundled["$schema"] = "http://json-schema.org/draft-07/schema#"
    return bundled


FAST: dict[str, Any] = {}


def _fast(uri: str) -> Any:
    if uri not in FAST:
        FAST[uri] = fastjsonschema.compile(_bundle(uri))
    return FAST[uri]


def _fast_ok(uri: str, instance: Any) -> bool:
    try:
        _fast(uri)(instance)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def _both(uri: str, instance: Any) -> bool:
    """Validate with both engines; they must agree. Returns the verdict."""
    slow_ok = not _errors(uri, instance)
    assert _fast_ok(uri, instance) is slow_ok, (
        f"jsonschema and fastjsonschema disagree on {instance!r}"
    )
    return slow_ok


# ---------------------------------------------------------------------------------------------
# Files, metaschema, references
# ---------------------------------------------------------------------------------------------


def test_every_required_graph_type_has_a_file() -> None:
    missing = [t for t in REQUIRED_TYPES if not (SCHEMAS / "graph" / f"{t}.json").is_file()]
    assert missing == []
    assert (SCHEMAS / "b2blint-policy.json").is_file()


@pytest.mark.parametrize("path", _schema_files(), ids=lambda p: p.name)
def test_file_is_json_with_schema_and_id(path: Path) -> None:
    data = _load(path)
    assert data["$schema"] == DRAFT_2020
    expected = BASE_URI + path.relative_to(SCHEMAS).as_posix()
    assert data["$id"] == expected
    if path.parent.name == "graph":
        assert data["title"] == path.stem
    assert path.read_text(encoding="utf-8").endswith("\n")


@pytest.mark.parametrize("path", _schema_files(), ids=lambda p: p.name)
def test_file_checks_against_metaschema(path: Path) -> None:
    Draft202012Validator.check_schema(_load(path))


@pytest.mark.parametrize("uri", sorted(DOCS), ids=lambda u: u.rsplit("/", 1)[-1])
def test_every_ref_resolves_and_is_relative(uri: str) -> None:
    resolver = REGISTRY.resolver(base_uri=uri)
    for pointer, sub in _walk(DOCS[uri]):
        if "$ref" not in sub:
            continue
        ref = sub["$ref"]
        # Whole files only, by the conventions other code relies on (no fragments, no URLs).
        expected = r"[A-Za-z0-9]+\.json" if "/graph/" in uri else r"graph/[A-Za-z0-9]+\.json"
        assert re.fullmatch(expected, ref), f"{pointer}: unexpected $ref {ref}"
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:
            pytest.fail(f"{uri}{pointer}: {ref} does not resolve ({exc})")


@pytest.mark.parametrize("uri", sorted(DOCS), ids=lambda u: u.rsplit("/", 1)[-1])
def test_only_draft07_compatible_keywords(uri: str) -> None:
    for pointer, sub in _walk(DOCS[uri]):
        unknown = set(sub) - ASSERTIONS - ANNOTATIONS
        assert unknown == set(), f"{pointer}: {sorted(unknown)}"
        if "$ref" in sub:
            siblings = set(sub) - {"$ref"} - ANNOTATIONS
            assert siblings == set(), f"{pointer}: $ref with assertions {sorted(siblings)}"
        if "items" in sub:
            assert isinstance(sub["items"], dict), f"{pointer}: items must be one schema"


@pytest.mark.parametrize("uri", sorted(DOCS), ids=lambda u: u.rsplit("/", 1)[-1])
def test_objects_are_strict_and_properties_described(uri: str) -> None:
    for pointer, sub in _walk(DOCS[uri]):
        if "properties" in sub:
            # Context types (Conditional Access, never written) keep what b2blint doesn't own.
            context = bool(DOCS[uri].get("x-b2blint-context"))
            assert sub.get("additionalProperties") is context, pointer
            assert sub.get("type") == "object", pointer
            for name, prop in sub["properties"].items():
                description = prop.get("description", "")
                assert description and "\n" not in description, f"{pointer}/{name}"


@pytest.mark.parametrize("uri", sorted(DOCS), ids=lambda u: u.rsplit("/", 1)[-1])
def test_graph_properties_cite_a_source_and_enums_exclude_sentinel(uri: str) -> None:
    for pointer, sub in _walk(DOCS[uri]):
        assert "unknownFutureValue" not in sub.get("enum", []), pointer
        if "/graph/" in uri and "properties" in sub:
            for name, prop in sub["properties"].items():
                assert re.search(r"\[[^\]]+\]", prop["description"]), f"{pointer}/{name}: no source"


def test_guid_patterns_are_the_documented_one() -> None:
    patterns = {
        sub["pattern"] for doc in DOCS.values() for _, sub in _walk(doc) if "pattern" in sub
    }
    assert patterns == {GUID_PATTERN}


@pytest.mark.parametrize("uri", sorted(DOCS), ids=lambda u: u.rsplit("/", 1)[-1])
def test_fastjsonschema_compiles_the_bundle(uri: str) -> None:
    assert callable(_fast(uri))


# ---------------------------------------------------------------------------------------------
# Annotations the linter reads
# ---------------------------------------------------------------------------------------------


def _props(name: str) -> dict[str, dict[str, Any]]:
    props: dict[str, dict[str, Any]] = DOCS[_graph_id(name)]["properties"]
    return props


@pytest.mark.parametrize(
    ("type_name", "prop"),
    [
        ("crossTenantAccessPolicy", "id"),
        ("crossTenantAccessPolicy", "definition"),
        ("crossTenantAccessPolicy", "deletedDateTime"),
        ("crossTenantAccessPolicyConfigurationDefault", "isServiceDefault"),
        ("crossTenantAccessPolicyConfigurationDefault", "automaticUserConsentSettings"),
        ("crossTenantAccessPolicyConfigurationDefault", "id"),
        ("crossTenantAccessPolicyConfigurationPartner", "tenantId"),
        ("crossTenantAccessPolicyConfigurationPartner", "isInMultiTenantOrganization"),
        ("crossTenantAccessPolicyConfigurationPartner", "deletedDateTime"),
        ("crossTenantIdentitySyncPolicyPartner", "tenantId"),
        ("crossTenantIdentitySyncPolicyPartner", "deletedDateTime"),
        ("authorizationPolicy", "id"),
        ("emailAuthenticationMethodConfiguration", "id"),
        ("externalIdentitiesPolicy", "id"),
        ("b2bManagementPolicy", "id"),
    ],
)
def test_read_only_properties(type_name: str, prop: str) -> None:
    assert _props(type_name)[prop].get("readOnly") is True


def test_writable_properties_are_not_read_only() -> None:
    assert (
        "readOnly"
        not in _props("crossTenantAccessPolicyConfigurationPartner")["automaticUserConsentSettings"]
    )
    for prop in ("displayName", "allowedCloudEndpoints"):
        assert "readOnly" not in _props("crossTenantAccessPolicy")[prop]
    assert _props("crossTenantAccessPolicy")["definition"].get("deprecated") is True


@pytest.mark.parametrize(
    ("type_name", "prop"),
    [
        ("crossTenantAccessPolicyConfigurationDefault", "blockServiceProviderOutboundAccess"),
        ("crossTenantAccessPolicyConfigurationPartner", "blockServiceProviderOutboundAccess"),
        ("crossTenantAccessPolicyConfigurationPartner", "deletedDateTime"),
        ("crossTenantIdentitySyncPolicyPartner", "groupSyncInbound"),
        ("crossTenantIdentitySyncPolicyPartner", "externalCloudAuthorizedApplicationId"),
        ("crossTenantIdentitySyncPolicyPartner", "deletedDateTime"),
        ("crossTenantAccessPolicy", "definition"),
        ("authorizationPolicy", "enabledPreviewFeatures"),
        ("authorizationPolicy", "permissionGrantPolicyIdsAssignedToDefaultUserRole"),
    ],
)
def test_beta_only_properties(type_name: str, prop: str) -> None:
    assert _props(type_name)[prop].get("x-b2blint-beta-only") is True


def test_beta_only_types_and_v1_properties() -> None:
    for name in ("externalIdentitiesPolicy", "b2bManagementPolicy", "crossTenantGroupSyncInbound"):
        assert DOCS[_graph_id(name)].get("x-b2blint-beta-only") is True
    v1 = _props("crossTenantAccessPolicyConfigurationPartner")
    for prop in ("m365CollaborationInbound", "tenantRestrictions", "isServiceProvider"):
        assert "x-b2blint-beta-only" not in v1[prop]


def test_metadata_marks_of_issue_11() -> None:
    """Graph v1.0 metadata [S60]: ``<ComplexType Name="defaultUserRolePermissions">`` has
    ``permissionGrantPoliciesAssigned``; the beta type mappings [S61] list the type without it.
    crossTenantAccessPolicy has ``BaseType="graph.policyBase"`` in v1.0 (no ``definition``);
    beta has tenantRelationshipAccessPolicyBase ``properties: ["definition"]``. The partner
    create page takes isServiceProvider, the update page's table leaves it out [S17][S18]."""
    assert _props("defaultUserRolePermissions")["permissionGrantPoliciesAssigned"].get(
        "x-b2blint-v1-only"
    )
    partner = _props("crossTenantAccessPolicyConfigurationPartner")
    assert partner["isServiceProvider"].get("x-b2blint-create-only") is True
    marked = {
        (type_name, name)
        for type_name in (
            "defaultUserRolePermissions",
            "crossTenantAccessPolicyConfigurationPartner",
            "authorizationPolicy",
        )
        for name, prop in _props(type_name).items()
        if prop.get("x-b2blint-v1-only") or prop.get("x-b2blint-create-only")
    }
    assert marked == {
        ("defaultUserRolePermissions", "permissionGrantPoliciesAssigned"),
        ("crossTenantAccessPolicyConfigurationPartner", "isServiceProvider"),
    }
    assert _props("serviceProviderConstraints") == {
        "id": {
            "description": "Identifier of the entity (microsoft.graph.entity). Read-only. [S60]",
            "type": "string",
            "readOnly": True,
        }
    }


def test_undocumented_partner_members_are_marked() -> None:
    props = _props("crossTenantAccessPolicyConfigurationPartner")
    marked = {name for name, prop in props.items() if prop.get("x-b2blint-undocumented")}
    assert marked == {
        "crossCloudMeetingConfiguration",
        "protectedContentSharing",
        "displayName",
        "invitationRedemptionIdentityProviderConfiguration",
    }


# ---------------------------------------------------------------------------------------------
# Sample documents (both engines must agree on every verdict)
# ---------------------------------------------------------------------------------------------

PARTNER_ID = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"


def _valid_policy() -> dict[str, Any]:
    return {
        "b2blint": 1,
        "tenant": {
            "id": "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
            "name": "Contoso",
            "cloud": "global",
        },
        "crossTenantAccessPolicy": {
            "displayName": "CrossTenantAccessPolicy",
            "allowedCloudEndpoints": ["microsoftonline.us"],
        },
        "default": {
            "inboundTrust": {"isMfaAccepted": True},
            "b2bCollaborationOutbound": {
                "usersAndGroups": {
                    "accessType": "allowed",
                    "targets": [{"target": "AllUsers", "targetType": "user"}],
                },
                "applications": {
                    "accessType": "blocked",
                    "targets": [
                        {
                            "target": "00000012-0000-0000-c000-000000000000",
                            "targetType": "application",
                        }
                    ],
                },
            },
            "invitationRedemptionIdentityProviderConfiguration": {
                "primaryIdentityProviderPrecedenceOrder": [
                    "azureActiveDirectory",
                    "externalFederation",
                    "socialIdentityProviders",
                ],
                "fallbackIdentityProvider": "defaultConfiguredIdp",
            },
            "tenantRestrictions": None,
        },
        "partners": [
            {
                "tenantId": PARTNER_ID,
                "name": "Fabrikam",
                "cloud": "usgov",
                "domains": ["fabrikam.com"],
                "settings": {
                    "inboundTrust": {"isMfaAccepted": True},
                    "b2bDirectConnectInbound": {
                        "usersAndGroups": {
                            "accessType": "allowed",
                            "targets": [{"target": "AllUsers", "targetType": "user"}],
                        },
                        "applications": {
                            "accessType": "allowed",
                            "targets": [{"target": "Office365", "targetType": "application"}],
                        },
                    },
                    "b2bCollaborationInbound": None,
                    "automaticUserConsentSettings": {
                        "inboundAllowed": True,
                        "outboundAllowed": None,
                    },
                    "tenantRestrictions": {"devices": {"mode": "blocked", "rule": None}},
                },
                "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": True}},
            },
            {"tenantId": "123f4846-ba00-4fd7-ba43-dac1f8f63013", "identitySynchronization": None},
        ],
        "authorizationPolicy": {
            "allowInvitesFrom": "adminsAndGuestInviters",
            "guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b",
            "blockMsolPowerShell": None,
        },
        "invitationDomains": {"allowedDomains": ["fabrikam.com"]},
        "emailOtp": {"state": "enabled", "allowExternalIdToUseEmailOtp": "enabled"},
        "externalIdentitiesPolicy": {"allowExternalIdentitiesToLeave": True},
    }


def _partner(policy: dict[str, Any]) -> dict[str, Any]:
    partner: dict[str, Any] = policy["partners"][0]
    return partner


def test_valid_policy_validates() -> None:
    assert _both(POLICY_ID, _valid_policy())


def test_valid_partner_body_validates_against_graph_type() -> None:
    settings = dict(_partner(_valid_policy())["settings"], tenantId=PARTNER_ID)
    assert _both(_graph_id("crossTenantAccessPolicyConfigurationPartner"), settings)


def _set(doc: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


SETTINGS = ["partners", 0, "settings"]
DC_USERS = [*SETTINGS, "b2bDirectConnectInbound", "usersAndGroups"]

INVALID: dict[str, tuple[list[Any], Any]] = {
    "wrong enum (case)": ([*DC_USERS, "accessType"], "Allowed"),
    "wrong enum (leading space)": ([*DC_USERS, "accessType"], " blocked"),
    "unknownFutureValue sentinel": ([*DC_USERS, "accessType"], "unknownFutureValue"),
    "wrong targetType": ([*DC_USERS, "targets", 0, "targetType"], "users"),
    "keyword miscased": ([*DC_USERS, "targets", 0, "target"], "allusers"),
    "target neither GUID nor keyword": ([*DC_USERS, "targets", 0, "target"], "g1"),
    "target GUID with trailing newline": ([*DC_USERS, "targets", 0, "target"], PARTNER_ID + "\n"),
    "bad partner GUID": (["partners", 0, "tenantId"], PARTNER_ID[:-1]),
    "bad tenant GUID": (["tenant", "id"], "contoso.onmicrosoft.com"),
    "bad guestUserRoleId": (["authorizationPolicy", "guestUserRoleId"], "Guest User"),
    "miscased property": ([*SETTINGS, "b2BCollaborationInbound"], None),
    "unknown property in settings": ([*SETTINGS, "inboundTrusts"], {}),
    "unknown property in target": ([*DC_USERS, "targets", 0, "targetId"], "x"),
    "unknown top-level key": (["partner"], []),
    "unknown partner metadata": (["partners", 0, "Name"], "Fabrikam"),
    "null where Graph forbids it": (["authorizationPolicy", "allowedToUseSSPR"], None),
    "null target item": ([*DC_USERS, "targets", 0], None),
    "string boolean": ([*SETTINGS, "inboundTrust", "isMfaAccepted"], "true"),
    "bad cloud": (["partners", 0, "cloud"], "gcc"),
    "bad cloud endpoint": (
        ["crossTenantAccessPolicy", "allowedCloudEndpoints", 0],
        "login.microsoftonline.us",
    ),
    "bad fallback IdP": (
        [
            "default",
            "invitationRedemptionIdentityProviderConfiguration",
            "fallbackIdentityProvider",
        ],
        "azureActiveDirectory",
    ),
    "fallback in primary order": (
        [
            "default",
            "invitationRedemptionIdentityProviderConfiguration",
            "primaryIdentityProviderPrecedenceOrder",
            0,
        ],
        "microsoftAccount",
    ),
    "empty domain": (["invitationDomains", "allowedDomains", 0], ""),
    "email OTP sentinel": (["emailOtp", "allowExternalIdToUseEmailOtp"], "unknownFutureValue"),
    "email OTP id is not writable subset": (["emailOtp", "id"], "Email"),
    "email state enum": (["emailOtp", "state"], "default"),
    "format version 2": (["b2blint"], 2),
    "format version true": (["b2blint"], True),
    "format version string": (["b2blint"], "1"),
    "settings null": ([*SETTINGS], None),
    "identitySynchronization miscased member": (
        ["partners", 0, "identitySynchronization"],
        {"UserSyncInbound": {"isSyncAllowed": True}},
    ),
    "external identities null": (
        ["externalIdentitiesPolicy", "allowExternalIdentitiesToLeave"],
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_sample_fails(case: str) -> None:
    path, value = INVALID[case]
    assert not _both(POLICY_ID, _set(_valid_policy(), path, value))


VALID: dict[str, tuple[list[Any], Any]] = {
    "AllMicrosoftApps (reserved keyword)": (
        [*DC_USERS, "targets", 0, "target"],
        "AllMicrosoftApps",
    ),
    "upper-case GUID": ([*DC_USERS, "targets", 0, "target"], PARTNER_ID.upper()),
    "null target": ([*DC_USERS, "targets", 0, "target"], None),
    "keyword with other targetType (lint rule, not schema)": (
        [*DC_USERS, "targets", 0, "targetType"],
        "group",
    ),
    "both domain lists (lint rule, not schema)": (
        ["invitationDomains", "blockedDomains"],
        ["evil.example"],
    ),
    "read-only tenantId in settings (lint rule, not schema)": ([*SETTINGS, "tenantId"], PARTNER_ID),
    "beta-only property (lint rule, not schema)": (
        [*SETTINGS, "blockServiceProviderOutboundAccess"],
        False,
    ),
    "undocumented member": ([*SETTINGS, "protectedContentSharing"], {"inboundAllowed": None}),
    "null users and groups": ([*DC_USERS], None),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_variant_passes(case: str) -> None:
    path, value = VALID[case]
    assert _both(POLICY_ID, _set(_valid_policy(), path, value))


def test_missing_required_keys_fail() -> None:
    policy = _valid_policy()
    del policy["b2blint"]
    assert not _both(POLICY_ID, policy)
    policy = _valid_policy()
    del _partner(policy)["tenantId"]
    assert not _both(POLICY_ID, policy)
    policy = _valid_policy()
    del policy["tenant"]["id"]
    assert not _both(POLICY_ID, policy)


def test_minimal_file_validates() -> None:
    assert _both(POLICY_ID, {"b2blint": 1})
    assert _both(POLICY_ID, {"b2blint": 1, "partners": [{"tenantId": PARTNER_ID}]})


def test_error_points_at_the_offending_property() -> None:
    policy = _set(_valid_policy(), [*SETTINGS, "b2BCollaborationInbound"], None)
    errors = _errors(POLICY_ID, policy)
    assert [list(e.absolute_path) for e in errors] == [["partners", 0, "settings"]]
    assert "b2BCollaborationInbound" in errors[0].message


def test_best_match_reaches_errors_inside_nullable_objects() -> None:
    # Nullable objects are anyOf [null, $ref]; the precise error sits in the anyOf context.
    policy = _set(_valid_policy(), [*DC_USERS, "accessType"], "Allowed")
    error = best_match(_errors(POLICY_ID, policy))
    assert error is not None
    assert list(error.absolute_path) == [*DC_USERS, "accessType"]
    assert error.validator == "enum"


# ---------------------------------------------------------------------------------------------
# Graph documentation examples
# ---------------------------------------------------------------------------------------------

XTAP = "crossTenantAccessPolicy"
FIXTURE_TYPES = {
    "crosstenantaccesspolicy-get": XTAP,
    "crosstenantaccesspolicyconfigurationdefault-get": f"{XTAP}ConfigurationDefault",
    "crosstenantaccesspolicyconfigurationpartner-get": f"{XTAP}ConfigurationPartner",
    "crosstenantaccesspolicy-list-partners": f"{XTAP}ConfigurationPartner",
    "crosstenantaccesspolicy-post-partners": f"{XTAP}ConfigurationPartner",
    "crosstenantidentitysyncpolicypartner-get": "crossTenantIdentitySyncPolicyPartner",
    "authorizationpolicy-get": "authorizationPolicy",
    "policyroot-list-b2bmanagementpolicies": "b2bManagementPolicy",
    "b2bmanagementpolicy-get": "b2bManagementPolicy",
    "emailauthenticationmethodconfiguration-get": "emailAuthenticationMethodConfiguration",
    "externalidentitiespolicy-get": "externalIdentitiesPolicy",
    "conditionalaccessroot-list-policies": "conditionalAccessPolicy",
    "conditionalaccesspolicy-get": "conditionalAccessPolicy",
}
EXPAND_SUFFIX = "-expand-identitysynchronization"

# Value errors the documentation examples really contain (the importer must report them).
KNOWN_DOC_ERRORS: dict[str, list[tuple[str, ...]]] = {
    "v1.0-crosstenantaccesspolicy-get.json": [("definition",)],
    "beta-crosstenantaccesspolicy-get.json": [(), ("definition",)],
    "beta-authorizationpolicy-get.json": [("blockMsolPowerShell",)],
    "beta-b2bmanagementpolicy-get.json": [("isOrganizationDefault",)],
    "beta-policyroot-list-b2bmanagementpolicies.json": [("isOrganizationDefault",)],
}


def _strip_odata(node: Any) -> Any:
    """OData control annotations (@odata.context, @odata.type) are not properties."""
    if isinstance(node, dict):
        return {k: _strip_odata(v) for k, v in node.items() if not k.startswith("@odata.")}
    if isinstance(node, list):
        return [_strip_odata(v) for v in node]
    return node


def _entities(path: Path) -> tuple[str, list[Any]]:
    body = _strip_odata(json.loads(path.read_text(encoding="utf-8")))
    stem = path.stem.split("-", 1)[1]
    if stem.endswith(EXPAND_SUFFIX):
        return "crossTenantIdentitySyncPolicyPartner", [
            v["identitySynchronization"] for v in body["value"]
        ]
    inner = body.get("value", body)  # collections, and singletons the docs wrap in "value"
    return FIXTURE_TYPES[stem], inner if isinstance(inner, list) else [inner]


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def test_fixture_set_is_complete_and_listed_in_sources() -> None:
    names = {p.name for p in _fixture_files()}
    for stem in FIXTURE_TYPES:
        versions = (
            {"beta"}
            if "b2bmanagement" in stem or "externalidentities" in stem
            else {"v1.0"}  # context, read from v1.0 only
            if "conditionalaccess" in stem
            else {"v1.0", "beta"}
        )
        for version in versions:
            assert f"{version}-{stem}.json" in names
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}`" in sources, f"{name} is not listed in SOURCES.md"


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_doc_example_verdicts(path: Path) -> None:
    type_name, entities = _entities(path)
    uri = _graph_id(type_name)
    found = sorted(
        tuple(str(p) for p in e.absolute_path) for entity in entities for e in _errors(uri, entity)
    )
    assert found == sorted(KNOWN_DOC_ERRORS.get(path.name, []))
    for entity in entities:
        _both(uri, entity)
