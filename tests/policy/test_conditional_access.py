"""The one reading of the Conditional Access context (`b2blint.policy.conditional_access`).

Every expectation cites Microsoft's table it comes from:
[S130] authentication-conditional-access ("Conditional Access for external users" support table),
[S131] concept-conditional-access-users-groups ("Guest or external users"),
[S132] concept-authentication-strength-external-users (home-tenant / resource-tenant methods).
Policies are built from Microsoft's templates: "Require multifactor authentication for guest
access" (policy-old-require-mfa-guest) and "Require compliant or hybrid joined device".
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from b2blint.files.document import parse_text
from b2blint.files.yamlio import dump_yaml
from b2blint.policy import conditional_access as ca
from b2blint.policy.model import Policy, build_policy

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
NORTHWIND = "7943b7fe-1ea2-4257-8eba-362bc2348486"
ALL_TYPES = (
    "internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,"
    "otherExternalUser,serviceProvider"
)
#: Microsoft's "Require multifactor authentication for guest access" template, as Graph lists it.
GUEST_MFA: dict[str, Any] = {
    "id": "00000000-0000-0000-0000-000000000001",
    "displayName": "Require multifactor authentication for guest access",
    "state": "enabled",
    "conditions": {
        "clientAppTypes": ["all"],
        "platforms": None,
        "locations": None,
        "applications": {"includeApplications": ["All"], "excludeApplications": []},
        "users": {
            "includeUsers": [],
            "excludeUsers": ["0b4f6a3e-2d1c-4e5f-8a9b-7c6d5e4f3a21"],
            "includeGroups": [],
            "excludeGroups": [],
            "includeRoles": [],
            "excludeRoles": [],
            "excludeGuestsOrExternalUsers": None,
            "includeGuestsOrExternalUsers": {
                "guestOrExternalUserTypes": ALL_TYPES,
                "externalTenants": {
                    "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
                    "membershipKind": "all",
                },
            },
        },
    },
    "grantControls": {
        "operator": "OR",
        "builtInControls": ["mfa"],
        "customAuthenticationFactors": [],
        "termsOfUse": [],
        "authenticationStrength": None,
    },
    "sessionControls": None,
}
#: "Require compliant or hybrid joined device" for all users.
DEVICE: dict[str, Any] = {
    "displayName": "Require compliant or hybrid joined device",
    "state": "enabled",
    "conditions": {
        "clientAppTypes": ["all"],
        "applications": {"includeApplications": ["All"]},
        "users": {"includeUsers": ["All"]},
    },
    "grantControls": {
        "operator": "OR",
        "builtInControls": ["compliantDevice", "domainJoinedDevice"],
    },
}


def _policy(*cas: dict[str, Any], trust: dict[str, Any] | None = None) -> Policy:
    data: dict[str, Any] = {
        "b2blint": 1,
        "tenant": {"id": TENANT},
        "default": {"inboundTrust": trust or {"isMfaAccepted": False}},
        "partners": [
            {
                "tenantId": FABRIKAM,
                "name": "Fabrikam",
                "settings": {
                    "inboundTrust": {"isMfaAccepted": True, "isCompliantDeviceAccepted": True}
                },
            },
            {"tenantId": NORTHWIND, "name": "Northwind"},
        ],
        "conditionalAccessPolicies": list(cas),
    }
    return build_policy([parse_text(dump_yaml(data), "p.yaml")])


def _ask(
    policy: Policy, partner: str | None, user_type: str, app: str | None = "Office365"
) -> ca.Answer:
    found = policy.partner(partner) if partner else None
    answer = ca.evaluate(policy, found, user_type, app)
    assert answer is not None
    return answer


def _with(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def test_no_context_is_none_and_an_empty_context_allows() -> None:
    data = parse_text(f"b2blint: 1\ntenant: {{id: {TENANT}}}\n", "p.yaml")
    assert ca.evaluate(build_policy([data]), None, ca.GUEST, None) is None
    empty = _policy()
    answer = _ask(empty, None, ca.DIRECT_CONNECT)
    assert (answer.verdict, answer.reason) == (
        "allowed",
        "no enabled Conditional Access policy of the context applies",
    )


@pytest.mark.parametrize(
    ("partner", "user_type", "verdict", "error"),
    [
        # [S130] MFA: trusted -> home tenant; not trusted -> B2B collaboration does MFA here,
        # "Access is blocked for B2B direct connect users" (AADSTS90071).
        ("Fabrikam", "b2bDirectConnectUser", "allowed", None),
        ("Northwind", "b2bDirectConnectUser", "blocked", "AADSTS90071"),
        (None, "b2bDirectConnectUser", "blocked", "AADSTS90071"),
        ("Northwind", "b2bCollaborationGuest", "allowed", None),
        ("Northwind", "b2bCollaborationMember", "allowed", None),
        ("Northwind", "serviceProvider", "allowed", None),  # GDAP: MFA always trusted
        ("Northwind", "internalGuest", "allowed", None),
    ],
)
def test_guest_mfa_template_by_user_type(
    partner: str | None, user_type: str, verdict: str, error: str | None
) -> None:
    answer = _ask(_policy(GUEST_MFA), partner, user_type)
    assert (answer.verdict, answer.error) == (verdict, error)
    assert [e.ca.display_name for e in answer.effects] == [GUEST_MFA["displayName"]]
    assert (
        answer.effects[0].note == "except 1 excluded user account" or user_type == ca.DIRECT_CONNECT
    )


def test_untrusted_guest_mfa_is_done_in_this_tenant_and_says_so() -> None:
    answer = _ask(_policy(GUEST_MFA), "Northwind", ca.GUEST)
    assert answer.reason == (
        "'Require multifactor authentication for guest access' (p.yaml:12) requires MFA, which "
        "the user registers and does in this tenant"
    )


def test_report_only_never_blocks_but_is_listed() -> None:
    report = _with(GUEST_MFA, ("state",), "enabledForReportingButNotEnforced")
    answer = _ask(_policy(report), "Northwind", ca.DIRECT_CONNECT)
    assert answer.verdict == "allowed"
    assert [(e.report_only, e.requirement.verdict) for e in answer.report_only] == [
        (True, "blocked")
    ]
    assert (
        _ask(
            _policy(_with(GUEST_MFA, ("state",), "disabled")), "Northwind", ca.DIRECT_CONNECT
        ).report_only
        == ()
    )


def test_legacy_guests_or_external_users_value_and_exclusions() -> None:
    legacy = _with(GUEST_MFA, ("conditions", "users"), {"includeUsers": ["GuestsOrExternalUsers"]})
    assert _ask(_policy(legacy), "Northwind", ca.DIRECT_CONNECT).verdict == "blocked"
    # "The exclude action overrides the include action" [S131].
    excluded = _with(
        GUEST_MFA,
        ("conditions", "users"),
        {"includeUsers": ["All"], "excludeUsers": ["GuestsOrExternalUsers"]},
    )
    assert _ask(_policy(excluded), "Northwind", ca.DIRECT_CONNECT).effects == ()


def test_user_types_and_enumerated_tenants() -> None:
    only_guests = _with(
        GUEST_MFA,
        ("conditions", "users", "includeGuestsOrExternalUsers"),
        {
            "guestOrExternalUserTypes": "b2bCollaborationGuest",
            "externalTenants": {"membershipKind": "enumerated", "members": [NORTHWIND.upper()]},
        },
    )
    policy = _policy(only_guests)
    assert len(_ask(policy, "Northwind", ca.GUEST).effects) == 1
    assert _ask(policy, "Northwind", ca.DIRECT_CONNECT).effects == ()  # another type
    assert _ask(policy, "Fabrikam", ca.GUEST).effects == ()  # another tenant
    # An organization without a partner entry is none of the partners it names.
    assert _ask(policy, None, ca.GUEST).effects == ()
    stranger = _with(
        only_guests,
        ("conditions", "users", "includeGuestsOrExternalUsers", "externalTenants", "members"),
        ["11111111-2222-3333-4444-555555555555"],
    )
    [maybe] = _ask(_policy(stranger), None, ca.GUEST).effects
    assert (maybe.applies, maybe.condition) == (
        None,
        "externalTenants lists tenants, and the organization is not named",
    )


@pytest.mark.parametrize(
    ("path", "value", "condition"),
    [
        (
            ("conditions", "locations"),
            {"includeLocations": ["All"]},
            "locations (conditions.locations)",
        ),
        (
            ("conditions", "signInRiskLevels"),
            ["high"],
            "sign-in risk (conditions.signInRiskLevels)",
        ),
        (
            ("conditions", "devices"),
            {"deviceFilter": {"mode": "include", "rule": "x"}},
            "a device filter (conditions.devices)",
        ),
        (
            ("conditions", "clientAppTypes"),
            ["browser"],
            "the client app type (conditions.clientAppTypes: browser)",
        ),
        (
            ("conditions", "someFutureCondition"),
            {"x": 1},
            "an unknown condition (conditions.someFutureCondition)",
        ),
        (
            ("conditions", "users", "includeGroups"),
            ["5e3a1b2c-0000-0000-0000-000000000000"],
            "membership of an included group (users.includeGroups)",
        ),
    ],
)
def test_unmodelled_conditions_make_it_depend_and_are_named(
    path: tuple[str, ...], value: Any, condition: str
) -> None:
    changed = _with(GUEST_MFA, path, value)
    if path[-1] == "includeGroups":
        changed["conditions"]["users"]["includeGuestsOrExternalUsers"] = None
    answer = _ask(_policy(changed), "Northwind", ca.GUEST)
    assert answer.verdict == "allowed"  # MFA can be done here: whether it applies doesn't matter
    answer = _ask(_policy(changed), "Northwind", ca.DIRECT_CONNECT)
    if path[-1] == "includeGroups":  # direct connect users are in no group of this directory
        assert answer.effects == ()
        return
    assert (answer.verdict, answer.error) == ("depends", "AADSTS90071")
    assert answer.effects[0].condition == condition


def test_device_requirement_needs_the_device_trust_for_both_kinds() -> None:
    # [S130] "If device compliance is required but can't be evaluated, access is blocked for
    # both B2B collaboration and B2B direct connect users."
    policy = _policy(DEVICE)
    for user_type in (ca.GUEST, ca.DIRECT_CONNECT):
        answer = _ask(policy, "Northwind", user_type)
        assert (answer.verdict, answer.error) == ("blocked", None)
        assert "isCompliantDeviceAccepted is not true" in answer.reason
        assert _ask(policy, "Fabrikam", user_type).verdict == "allowed"  # compliant trusted


def test_operator_or_and_and() -> None:
    either = _with(DEVICE, ("grantControls", "builtInControls"), ["compliantDevice", "mfa"])
    assert _ask(_policy(either), "Northwind", ca.GUEST).verdict == "allowed"
    both = _with(either, ("grantControls", "operator"), "AND")
    assert _ask(_policy(both), "Northwind", ca.GUEST).verdict == "blocked"


def test_block_control_is_aadsts53003() -> None:
    block = _with(DEVICE, ("grantControls", "builtInControls"), ["block"])
    answer = _ask(_policy(block), "Fabrikam", ca.GUEST)
    assert (answer.verdict, answer.error) == ("blocked", "AADSTS53003")


@pytest.mark.parametrize(
    ("strength", "partner", "user_type", "verdict"),
    [
        # [S132]: without MFA trust a guest registers SMS/voice/push/OATH software here, which
        # meets only the Multifactor authentication strength.
        ("00000000-0000-0000-0000-000000000002", "Northwind", ca.GUEST, "allowed"),
        ("00000000-0000-0000-0000-000000000003", "Northwind", ca.GUEST, "blocked"),
        ("00000000-0000-0000-0000-000000000004", "Northwind", ca.GUEST, "blocked"),
        # With trust the home methods count: every MFA method meets the MFA strength; the
        # phishing-resistant one only with FIDO2/Windows Hello/certificates at home.
        ("00000000-0000-0000-0000-000000000002", "Fabrikam", ca.GUEST, "allowed"),
        ("00000000-0000-0000-0000-000000000004", "Fabrikam", ca.GUEST, "depends"),
        # "MFA trust ... is *required* for B2B direct connect".
        ("00000000-0000-0000-0000-000000000002", "Northwind", ca.DIRECT_CONNECT, "blocked"),
        ("00000000-0000-0000-0000-000000000002", "Fabrikam", ca.DIRECT_CONNECT, "allowed"),
    ],
)
def test_authentication_strengths_for_external_users(
    strength: str, partner: str, user_type: str, verdict: str
) -> None:
    policy = _with(
        GUEST_MFA,
        ("grantControls",),
        {"operator": "OR", "authenticationStrength": {"id": strength}},
    )
    assert _ask(_policy(policy), partner, user_type).verdict == verdict


def test_custom_strength_by_its_combinations_and_unknown_strength_depends() -> None:
    custom = _with(
        GUEST_MFA,
        ("grantControls",),
        {
            "authenticationStrength": {
                "id": "aaaa",
                "displayName": "Keys or SMS",
                "allowedCombinations": ["fido2", "password,sms"],
            }
        },
    )
    assert _ask(_policy(custom), "Northwind", ca.GUEST).verdict == "allowed"
    opaque = _with(GUEST_MFA, ("grantControls",), {"authenticationStrength": {"id": "bbbb"}})
    answer = _ask(_policy(opaque), "Northwind", ca.GUEST)
    assert answer.verdict == "depends"
    assert "allowedCombinations the context does not hold" in answer.reason


def test_custom_controls_and_terms_of_use() -> None:
    custom = _with(
        GUEST_MFA, ("grantControls",), {"customAuthenticationFactors": ["ContosoVerify"]}
    )
    answer = _ask(_policy(custom), "Fabrikam", ca.GUEST)
    assert answer.verdict == "depends"
    assert "not supported for cross-tenant trusts" in answer.reason
    terms = _with(GUEST_MFA, ("grantControls",), {"termsOfUse": ["tou-1"]})
    assert _ask(_policy(terms), "Fabrikam", ca.GUEST).verdict == "allowed"
    assert _ask(_policy(terms), "Fabrikam", ca.DIRECT_CONNECT).verdict == "depends"


@pytest.mark.parametrize(
    ("applications", "app", "applies"),
    [
        ({"includeApplications": ["Office365"]}, "Office365", True),
        (
            {"includeApplications": ["All"], "excludeApplications": ["Office365"]},
            "Office365",
            False,
        ),
        (
            {"includeApplications": ["00000003-0000-0ff1-ce00-000000000000"]},
            "00000003-0000-0ff1-ce00-000000000000",
            True,
        ),
        ({"includeApplications": ["00000003-0000-0ff1-ce00-000000000000"]}, "Office365", None),
        ({"includeApplications": ["Office365"]}, None, None),
        (
            {"includeApplications": [], "includeUserActions": ["urn:user:registersecurityinfo"]},
            "Office365",
            False,
        ),
    ],
)
def test_applications(applications: dict[str, Any], app: str | None, applies: bool | None) -> None:
    policy = _policy(_with(GUEST_MFA, ("conditions", "applications"), applications))
    effects = _ask(policy, "Northwind", ca.DIRECT_CONNECT, app).effects
    assert (effects[0].applies if effects else False) is applies
