"""Property: every rule survives every schema-valid policy, and every fix it offers applies.

Hypothesis builds policies from the schema's own vocabulary (a default and partners with
random trust, B2B settings and targets, tenant restrictions, identity sync, domains, cloud
endpoints, the authorization policy and the guest settings), writes them as YAML in a random
layout (block or flow, indent 2 or 4, partners in the same file or another one) and lints
them with every rule. The generator is checked too: the schema pass must accept its output,
or the property would be testing the schema errors instead of the rules.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from b2blint.lint.config import Config
from b2blint.lint.engine import lint_sources
from b2blint.lint.fixer import apply_fixes

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
GUIDS = [
    "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11",
    "8cf70e0d-4dbc-480e-ac48-56bb7335817b",
    "35cece75-e359-418d-bf56-bb428e99a87d",
    "c23973f8-dcc3-4275-9070-7ad998fd1fb9",
    "9188040d-6c67-4c5b-b112-36a304b66dad",  # the Microsoft-accounts tenant (XTA015)
    TENANT,  # the tenant itself (XTA012)
]
OBJECTS = [
    "7ba67bdd-48a1-4827-b4ef-2486c01e13e2",
    "29cd0877-4104-4e16-87fe-382ae48ba5c6",
    "00000012-0000-0000-c000-000000000000",  # Rights Management (XTA002)
]
GUEST_ROLES = [
    "a0b1b346-4d3e-4e8b-98f8-753987be4970",  # member-like
    "10dae51f-b6af-4016-8d66-8c2a99b929b3",  # guest
    "2af84b1e-32c8-42b7-82bc-daa82404023b",  # restricted guest
]
DOMAINS = ["fabrikam.com", "northwind.example", "*.contoso.com", "bad..domain", "litware.org"]

maybe_bool = st.none() | st.booleans()


def _target(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    keywords = {"usersAndGroups": ["AllUsers"], "applications": ["AllApplications", "Office365"]}
    types = {"usersAndGroups": ["user", "group"], "applications": ["application"]}
    return st.fixed_dictionaries(
        {
            "target": st.sampled_from(keywords[kind] + OBJECTS),
            "targetType": st.sampled_from(types[kind] + ["user", "group", "application"]),
        }
    )


def _target_config(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"accessType": st.sampled_from(["allowed", "blocked"])},
        optional={"targets": st.lists(_target(kind), max_size=3)},
    )


b2b_setting = st.fixed_dictionaries(
    {},
    optional={
        "usersAndGroups": _target_config("usersAndGroups"),
        "applications": _target_config("applications"),
    },
)
inbound_trust = st.fixed_dictionaries(
    {},
    optional={
        "isMfaAccepted": maybe_bool,
        "isCompliantDeviceAccepted": maybe_bool,
        "isHybridAzureADJoinedDeviceAccepted": maybe_bool,
    },
)
redemption = st.fixed_dictionaries(
    {},
    optional={
        "primaryIdentityProviderPrecedenceOrder": st.lists(
            st.sampled_from(
                ["azureActiveDirectory", "externalFederation", "socialIdentityProviders"]
            ),
            unique=True,
        ),
        "fallbackIdentityProvider": st.sampled_from(
            ["defaultConfiguredIdp", "emailOneTimePasscode", "microsoftAccount"]
        ),
    },
)
B2B_NAMES = [
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "tenantRestrictions",
]
default_section = st.fixed_dictionaries(
    {},
    optional={
        "inboundTrust": inbound_trust,
        "invitationRedemptionIdentityProviderConfiguration": redemption,
        **dict.fromkeys(B2B_NAMES, b2b_setting),
    },
)
partner_settings = st.fixed_dictionaries(
    {},
    optional={
        "inboundTrust": st.none() | inbound_trust,
        "automaticUserConsentSettings": st.fixed_dictionaries(
            {}, optional={"inboundAllowed": maybe_bool, "outboundAllowed": maybe_bool}
        ),
        "isServiceProvider": maybe_bool,
        **dict.fromkeys(B2B_NAMES, st.none() | b2b_setting),
    },
)


@st.composite
def partners(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.sampled_from(GUIDS), unique=True, max_size=4))
    entries = []
    for tenant_id in ids:
        entry: dict[str, Any] = {"tenantId": tenant_id}
        entry.update(
            draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "name": st.sampled_from(["Fabrikam", "Northwind", "Litware"]),
                        "cloud": st.sampled_from(["global", "usgov", "china"]),
                        "domains": st.lists(st.sampled_from(DOMAINS), max_size=2),
                        "settings": partner_settings,
                        "identitySynchronization": st.none()
                        | st.fixed_dictionaries(
                            {
                                "userSyncInbound": st.fixed_dictionaries(
                                    {"isSyncAllowed": maybe_bool}
                                )
                            }
                        ),
                    },
                )
            )
        )
        entries.append(entry)
    return entries


tenant_sections = st.fixed_dictionaries(
    {
        "tenant": st.fixed_dictionaries(
            {"id": st.just(TENANT)},
            optional={
                "name": st.just("Contoso"),
                "cloud": st.sampled_from(["global", "usgov"]),
                "domains": st.lists(st.sampled_from(DOMAINS), max_size=2),
            },
        )
    },
    optional={
        "crossTenantAccessPolicy": st.fixed_dictionaries(
            {
                "allowedCloudEndpoints": st.lists(
                    st.sampled_from(
                        ["microsoftonline.com", "microsoftonline.us", "partner.microsoftonline.cn"]
                    ),
                    unique=True,
                )
            }
        ),
        "default": default_section,
        "authorizationPolicy": st.fixed_dictionaries(
            {},
            optional={
                "allowInvitesFrom": st.sampled_from(
                    [
                        "none",
                        "adminsAndGuestInviters",
                        "adminsGuestInvitersAndAllMembers",
                        "everyone",
                    ]
                ),
                "guestUserRoleId": st.sampled_from(GUEST_ROLES),
            },
        ),
        "invitationDomains": st.one_of(
            st.fixed_dictionaries(
                {"allowedDomains": st.lists(st.sampled_from(DOMAINS), max_size=3)}
            ),
            st.fixed_dictionaries(
                {"blockedDomains": st.lists(st.sampled_from(DOMAINS), max_size=3)}
            ),
            st.fixed_dictionaries(
                {
                    "allowedDomains": st.lists(st.sampled_from(DOMAINS), max_size=2),
                    "blockedDomains": st.lists(st.sampled_from(DOMAINS), max_size=2),
                }
            ),
        ),
        "emailOtp": st.fixed_dictionaries(
            {},
            optional={
                "state": st.sampled_from(["enabled", "disabled"]),
                "allowExternalIdToUseEmailOtp": st.sampled_from(["default", "enabled", "disabled"]),
            },
        ),
    },
)


def _dump(data: dict[str, Any], flow: bool, indent: int) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=flow, indent=indent, width=100)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sections=tenant_sections,
    entries=partners(),
    split=st.booleans(),
    flow=st.booleans(),
    indent=st.sampled_from([2, 4]),
)
def test_every_rule_survives_any_valid_policy(
    sections: dict[str, Any], entries: list[dict[str, Any]], split: bool, flow: bool, indent: int
) -> None:
    head = {"b2blint": 1, **sections}
    if split:
        sources = [
            ("tenant.yaml", _dump(head, flow, indent)),
            ("partners.yaml", _dump({"b2blint": 1, "partners": entries}, flow, indent)),
        ]
    else:
        sources = [("policy.yaml", _dump({**head, "partners": entries}, flow, indent))]
    result = lint_sources(sources, Config(api_version="beta"))
    schema = [d for d in result.diagnostics if d.rule_id.startswith(("SYN", "SCH00"))]
    assert schema == [], "the generator produced an invalid policy"
    lines = {name: text.count("\n") + 1 for name, text in sources}
    for diagnostic in result.diagnostics:
        assert 1 <= diagnostic.line <= lines[diagnostic.file]
        assert diagnostic.message
    event(f"fixes: {min(len(result.fixes), 3)}")
    event(f"findings: {min(len(result.diagnostics), 5)}")
    texts = dict(sources)
    for _, fix in result.fixes:
        new_text, applied, notes = apply_fixes(texts[fix.file], [fix])
        assert notes == [] and applied == [fix], f"fix did not apply: {fix}"
        assert new_text != texts[fix.file]
