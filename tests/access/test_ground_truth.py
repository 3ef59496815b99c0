"""Ground truth: Microsoft's documented verdicts, one test per documented statement.

Sources (full list: ../shared/reference/graph-facts.md §7):

- OVERVIEW = Graph "Cross-tenant access settings API overview", table "Interpreting the API
  response" (microsoftgraph/microsoft-graph-docs-contrib,
  api-reference/v1.0/resources/crosstenantaccesspolicy-overview.md @09455a65;
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview) [S2]. In
  the table, "b2bSetting is used as a placeholder for any B2B inbound ... or outbound ... or
  tenant restrictions configuration", so each row is checked on several settings.
- The other sections of graph-facts §5 that change a verdict, each cited in its test.

Every test states the documented sentence it checks.
"""

from __future__ import annotations

import pytest

from b2blint.access.simulate import AccessKind, Direction
from b2blint.policy.model import Policy
from b2blint.policy.targets import Subject
from tests.access.helpers import (
    A1,
    A2,
    G1,
    MEMBER,
    NON_MEMBER,
    PARTNER,
    TENANT,
    U1,
    ask,
    invite,
    partner_with,
    policy,
    target_config,
)

ALL_USERS = [("AllUsers", "user")]
ALL_APPS = [("AllApplications", "application")]
GROUP = [(G1, "group")]
APP = [(A1, "application")]

#: (setting, kind, direction, the error a block gives): the table's placeholder "b2bSetting".
PLACEMENTS = [
    ("b2bCollaborationInbound", AccessKind.B2B_COLLABORATION, Direction.INBOUND, "AADSTS500213"),
    ("b2bCollaborationOutbound", AccessKind.B2B_COLLABORATION, Direction.OUTBOUND, "AADSTS500212"),
    ("b2bDirectConnectInbound", AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, "AADSTS500213"),
    ("b2bDirectConnectOutbound", AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND, "AADSTS500212"),
    ("tenantRestrictions", AccessKind.TENANT_RESTRICTIONS, None, "AADSTS5000211"),
]


def _verdicts(
    users: tuple[str, list[tuple[str, str]]], apps: tuple[str, list[tuple[str, str]]]
) -> dict[str, dict[str, str]]:
    """Verdicts per placement for (member of g1 | not) x (a1 | another app)."""
    found: dict[str, dict[str, str]] = {}
    for setting, kind, direction, _ in PLACEMENTS:
        # MFA trust so that inbound direct connect is decided by the setting alone.
        p = partner_with(setting, target_config(*users), target_config(*apps), mfa_trust=True)
        found[setting] = {
            f"{who}/{app_name}": ask(p, kind, direction, subject, app).verdict
            for who, subject in (("member", MEMBER), ("other", NON_MEMBER))
            for app_name, app in (("a1", A1), ("a2", A2))
        }
    return found


def _all_placements(expected: dict[str, str], found: dict[str, dict[str, str]]) -> None:
    for setting, verdicts in found.items():
        assert {k: verdicts[k] for k in expected} == expected, setting


def test_row1_block_all_users_and_all_applications() -> None:
    """OVERVIEW row "Block all users and block all applications": nobody gets through."""
    found = _verdicts(("blocked", ALL_USERS), ("blocked", ALL_APPS))
    _all_placements(
        {k: "blocked" for k in ("member/a1", "member/a2", "other/a1", "other/a2")}, found
    )


def test_row2_allow_all_users_and_all_applications() -> None:
    """OVERVIEW row "Allow all users and allow all applications": everybody gets through."""
    found = _verdicts(("allowed", ALL_USERS), ("allowed", ALL_APPS))
    _all_placements(
        {k: "allowed" for k in ("member/a1", "member/a2", "other/a1", "other/a2")}, found
    )


def test_row3_allow_group_to_any_app() -> None:
    """OVERVIEW row "Allow users in group 'g1' to access any app": "Users in group 'g1' can
    access any app. All other users not in group 'g1' are blocked." """
    found = _verdicts(("allowed", GROUP), ("allowed", ALL_APPS))
    _all_placements(
        {
            "member/a1": "allowed",
            "member/a2": "allowed",
            "other/a1": "blocked",
            "other/a2": "blocked",
        },
        found,
    )


def test_row4_allow_only_application_a1() -> None:
    """OVERVIEW: "All users are only allowed to access application 'a1'"."""
    found = _verdicts(("allowed", ALL_USERS), ("allowed", APP))
    _all_placements(
        {
            "member/a1": "allowed",
            "member/a2": "blocked",
            "other/a1": "allowed",
            "other/a2": "blocked",
        },
        found,
    )


def test_row5_allow_group_block_application() -> None:
    """OVERVIEW: "All users in group 'g1' are allowed to access any application **except**
    application 'a1'."

    Users outside g1: blocked, because an allowed list means "only these" (graph-facts §5.2,
    rows 3 and 8 of the same table).
    """
    found = _verdicts(("allowed", GROUP), ("blocked", APP))
    _all_placements(
        {
            "member/a1": "blocked",
            "member/a2": "allowed",
            "other/a1": "blocked",
            "other/a2": "blocked",
        },
        found,
    )


def test_row6_block_group_from_any_application() -> None:
    """OVERVIEW: "Users in group 'g1' can't access any application. Other users not in group
    'g1' have access to all applications."

    (The doc's JSON spells the users' accessType " blocked", with a space: a typo that Graph
    would reject; the sentence is what is tested.)
    """
    found = _verdicts(("blocked", GROUP), ("blocked", ALL_APPS))
    _all_placements(
        {
            "member/a1": "blocked",
            "member/a2": "blocked",
            "other/a1": "allowed",
            "other/a2": "allowed",
        },
        found,
    )


def test_row7_block_group_allow_only_application() -> None:
    """OVERVIEW: "Users in group 'g1' can't access any application. Any user not in group 'g1'
    can only access application 'a1'." """
    found = _verdicts(("blocked", GROUP), ("allowed", APP))
    _all_placements(
        {
            "member/a1": "blocked",
            "member/a2": "blocked",
            "other/a1": "allowed",
            "other/a2": "blocked",
        },
        found,
    )


def test_row8_allow_group_to_only_application() -> None:
    """OVERVIEW: "Users in group 'g1' are only allowed to access application 'a1'. All users,
    including users in group 'g1', are blocked from accessing any other application." """
    found = _verdicts(("allowed", GROUP), ("allowed", APP))
    _all_placements(
        {
            "member/a1": "allowed",
            "member/a2": "blocked",
            "other/a1": "blocked",
            "other/a2": "blocked",
        },
        found,
    )


def test_row9_block_group_from_application() -> None:
    """OVERVIEW: "Users in group 'g1' are blocked from accessing application 'a1' only. All
    users, including users in group 'g1' are able to access any other application." """
    found = _verdicts(("blocked", GROUP), ("blocked", APP))
    _all_placements(
        {
            "member/a1": "blocked",
            "member/a2": "allowed",
            "other/a1": "allowed",
            "other/a2": "allowed",
        },
        found,
    )


@pytest.mark.parametrize(
    ("setting", "kind", "direction", "error"), PLACEMENTS, ids=[p[0] for p in PLACEMENTS]
)
def test_blocked_sign_in_names_the_documented_error(
    setting: str, kind: AccessKind, direction: Direction | None, error: str
) -> None:
    """Error reference [S42]: AADSTS500212 NotAllowedByOutboundPolicyTenant (the home tenant's
    outbound policy), AADSTS500213 NotAllowedByInboundPolicyTenant (the resource tenant's
    inbound policy); tenant restrictions v2 [S35]: AADSTS5000211."""
    p = partner_with(
        setting,
        target_config("blocked", ALL_USERS),
        target_config("blocked", ALL_APPS),
        mfa_trust=True,
    )
    verdict = ask(p, kind, direction, MEMBER, A1)
    assert (verdict.verdict, verdict.error) == ("blocked", error)
    assert [d.to_json()["path"] for d in verdict.decided_by] == [
        f"$.partners[0].settings.{setting}.usersAndGroups.targets[0]",
        f"$.partners[0].settings.{setting}.applications.targets[0]",
    ]


# --- §5.1 and the service defaults --------------------------------------------------------

NO_SETTINGS = f"""\
b2blint: 1
tenant: {{id: {TENANT}, name: Contoso}}
partners:
  - tenantId: {PARTNER}
    name: Fabrikam
"""


def test_service_defaults() -> None:
    """Graph overview [S2]: "In Microsoft Entra B2B collaboration, both inbound and outbound
    access settings are enabled by default"; "In Microsoft Entra B2B direct connect, both
    inbound and outbound access settings are disabled by default"; "In Tenant Restrictions,
    all access settings are disabled by default"."""
    p = policy(NO_SETTINGS)
    got = {
        (kind, direction): ask(p, kind, direction, MEMBER, A1).verdict
        for kind, direction in [
            (AccessKind.B2B_COLLABORATION, Direction.INBOUND),
            (AccessKind.B2B_COLLABORATION, Direction.OUTBOUND),
            (AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND),
            (AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND),
            (AccessKind.TENANT_RESTRICTIONS, None),
        ]
    }
    assert list(got.values()) == ["allowed", "allowed", "blocked", "blocked", "blocked"]
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, A1)
    assert [d.to_json() for d in verdict.decided_by] == [
        {
            "file": None,
            "line": None,
            "path": "service default: b2bDirectConnectInbound.usersAndGroups",
        },
        {
            "file": None,
            "line": None,
            "path": "service default: b2bDirectConnectInbound.applications",
        },
    ]


DEFAULT_BLOCKS_COLLABORATION = """\
b2blint: 1
default:
  b2bCollaborationInbound:
    usersAndGroups:
      accessType: blocked
      targets: [{target: AllUsers, targetType: user}]
    applications:
      accessType: blocked
      targets: [{target: AllApplications, targetType: application}]
"""


def test_partner_without_the_setting_inherits_the_default() -> None:
    """Overview [S2]: "if you configure only b2bCollaborationInbound for a partner ..., the
    partner configuration inherits the other settings from the default"; a property that is
    null inherits [S4]."""
    p = policy(NO_SETTINGS, DEFAULT_BLOCKS_COLLABORATION)
    verdict = ask(p, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1)
    assert (verdict.verdict, verdict.error) == ("blocked", "AADSTS500213")
    assert {d.to_json()["file"] for d in verdict.decided_by} == {"p1.yaml"}
    assert "inherited from the default" in verdict.reason


def test_null_partner_property_inherits_the_default() -> None:
    """Partner resource [S4]: "Any properties ... that are null inherit settings from the
    default configuration" (the docs reset with "inboundTrust": null [S39])."""
    p = policy(
        NO_SETTINGS + "    settings:\n      b2bCollaborationInbound: null\n",
        DEFAULT_BLOCKS_COLLABORATION,
    )
    assert ask(p, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1).verdict == "blocked"


def test_partner_setting_overrides_the_default() -> None:
    """Overview [S2]: partner settings "take precedence over the default settings"."""
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", ALL_APPS),
        DEFAULT_BLOCKS_COLLABORATION,
    )
    assert ask(p, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1).verdict == "allowed"


def test_a_missing_half_inherits_on_its_own() -> None:
    """POST partner example [S17] sends b2bDirectConnectInbound with only applications: the
    other half comes from the default (b2blint's per-half reading, b2blint.policy.effective)."""
    p = policy(
        NO_SETTINGS
        + "    settings:\n      inboundTrust: {isMfaAccepted: true}\n"
        + "      b2bDirectConnectInbound:\n"
        + "        applications:\n"
        + "          accessType: allowed\n"
        + "          targets: [{target: Office365, targetType: application}]\n",
        """\
        b2blint: 1
        default:
          b2bDirectConnectInbound:
            usersAndGroups:
              accessType: allowed
              targets: [{target: AllUsers, targetType: user}]
            applications:
              accessType: blocked
              targets: [{target: AllApplications, targetType: application}]
        """,
    )
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365")
    assert verdict.verdict == "allowed"
    assert [d.to_json()["file"] for d in verdict.decided_by] == ["p1.yaml", "p0.yaml"]


# --- §5.7 MFA trust for B2B direct connect ------------------------------------------------


def _direct_connect(mfa_trust: bool | None, *more: str) -> Policy:
    return partner_with(
        "b2bDirectConnectInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [("Office365", "application")]),
        *more,
        mfa_trust=mfa_trust,
    )


def test_direct_connect_without_mfa_trust_is_aadsts90071() -> None:
    """[S26][S30]: with Conditional Access requiring MFA you "must configure your inbound trust
    settings to accept MFA claims"; troubleshooting [S31]: "AADSTS90071: An admin from
    <organization> must update their access settings to accept inbound multifactor
    authentication"."""
    p = _direct_connect(None)
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365")
    assert (verdict.verdict, verdict.error) == ("blocked", "AADSTS90071")
    assert verdict.decided_by[0].to_json()["path"] == "service default: inboundTrust.isMfaAccepted"


def test_direct_connect_with_mfa_trust_in_the_default() -> None:
    """[S26]: trust is set "for that partner or in the default"; the partner inherits it."""
    default_trust = "b2blint: 1\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n"
    p = _direct_connect(None, default_trust)
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365")
    assert verdict.verdict == "allowed"


def test_mfa_trust_false_on_the_partner_beats_the_default() -> None:
    """[S2]: the partner's own inboundTrust takes precedence over the default's."""
    default_trust = "b2blint: 1\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n"
    p = _direct_connect(False, default_trust)
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365")
    assert (verdict.verdict, verdict.error) == ("blocked", "AADSTS90071")
    assert verdict.decided_by[0].to_json() == {
        "file": "p0.yaml",
        "line": 8,
        "path": "$.partners[0].settings.inboundTrust.isMfaAccepted",
    }


def test_mfa_trust_does_not_matter_without_an_mfa_requirement() -> None:
    """[S30]: trust is needed when "your Conditional Access policies require MFA"."""
    p = _direct_connect(None)
    verdict = ask(
        p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365", mfa_required=False
    )
    assert verdict.verdict == "allowed"


def test_b2b_collaboration_does_not_need_mfa_trust() -> None:
    """[S36]: without trust, B2B collaboration users "would just be challenged" for MFA in the
    resource tenant; only direct-connect users are blocked."""
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", ALL_APPS),
        mfa_trust=False,
    )
    assert ask(p, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1).verdict == "allowed"


# --- §5.8 the Rights Management app ------------------------------------------------------

RMS = "00000012-0000-0000-c000-000000000000"


def test_only_the_rights_management_app_allowed_blocks_every_other_app() -> None:
    """Troubleshooting [S31]: allow outbound app 00000012-0000-0000-c000-000000000000; "If this
    is the only application you allow, access to all other apps will be blocked by default"."""
    p = partner_with(
        "b2bCollaborationOutbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [(RMS, "application")]),
    )
    assert (
        ask(p, AccessKind.B2B_COLLABORATION, Direction.OUTBOUND, MEMBER, RMS).verdict == "allowed"
    )
    other = ask(p, AccessKind.B2B_COLLABORATION, Direction.OUTBOUND, MEMBER, A1)
    assert (other.verdict, other.error) == ("blocked", "AADSTS500212")


# --- §5.10 Microsoft cloud settings -------------------------------------------------------

ALLOW_USGOV = "b2blint: 1\ncrossTenantAccessPolicy: {allowedCloudEndpoints: [microsoftonline.us]}\n"


def _cross_cloud(setting: str, *more: str, cloud: str = "usgov") -> Policy:
    return partner_with(
        setting,
        target_config("allowed", ALL_USERS),
        target_config("allowed", ALL_APPS),
        *more,
        cloud=cloud,
        mfa_trust=True,
    )


def test_partner_in_another_cloud_needs_its_endpoint() -> None:
    """Cross-cloud settings [S29]: "Both organizations must enable collaboration with each
    other"; "Once you enable another Microsoft Azure cloud, all B2B collaboration is blocked by
    default for organizations in that cloud" until the tenant is added as a partner."""
    p = _cross_cloud("b2bCollaborationInbound")
    verdict = ask(p, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1)
    assert (verdict.verdict, verdict.error) == ("blocked", None)
    assert "microsoftonline.us" in verdict.reason
    enabled = _cross_cloud("b2bCollaborationInbound", ALLOW_USGOV)
    assert (
        ask(enabled, AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER, A1).verdict
        == "allowed"
    )


def test_direct_connect_is_not_supported_across_clouds() -> None:
    """Cross-cloud settings [S29]: "B2B direct connect is not supported for collaboration with
    Microsoft Entra tenants in a different Microsoft cloud" (even with the cloud enabled)."""
    p = _cross_cloud("b2bDirectConnectInbound", ALLOW_USGOV)
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365")
    assert verdict.verdict == "blocked"
    assert verdict.decided_by[0].to_json()["path"] == "$.partners[0].cloud"


def test_government_and_21vianet_cannot_collaborate() -> None:
    """Overview [S2]: B2B collaboration is supported between "commercial and ... Government"
    and "commercial and ... China" only."""
    p = policy(
        f"""\
        b2blint: 1
        tenant: {{id: {TENANT}, name: Contoso, cloud: usgov}}
        crossTenantAccessPolicy: {{allowedCloudEndpoints: [partner.microsoftonline.cn]}}
        partners:
          - {{tenantId: {PARTNER}, name: Fabrikam, cloud: china}}
        """
    )
    verdict = ask(p, AccessKind.B2B_COLLABORATION, Direction.OUTBOUND, MEMBER, A1)
    assert verdict.verdict == "blocked" and "not supported" in verdict.reason


# --- §5.11 invitations ---------------------------------------------------------------------

INVITE_TENANT = f"""\
b2blint: 1
tenant: {{id: {TENANT}, name: Contoso}}
partners:
  - tenantId: {PARTNER}
    name: Fabrikam
    domains: [fabrikam.com]
    settings:
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: blocked
          targets: [{{target: AllUsers, targetType: user}}]
        applications:
          accessType: blocked
          targets: [{{target: AllApplications, targetType: application}}]
"""


def test_allow_listed_domain_is_still_blocked_by_cross_tenant_access() -> None:
    """B2B collaboration how-to [S27]: "If a user's domain is on the allowlist, they can be
    invited, unless the domain is explicitly blocked in the cross-tenant access settings";
    troubleshooting [S31]: "This invitation is blocked by cross-tenant access settings"."""
    p = policy(INVITE_TENANT, "b2blint: 1\ninvitationDomains: {allowedDomains: [fabrikam.com]}\n")
    verdict = invite(p, "ann@fabrikam.com")
    assert (verdict.verdict, verdict.error) == (
        "blocked",
        "This invitation is blocked by cross-tenant access settings",
    )


def test_block_listed_domain_is_blocked_whatever_cross_tenant_access_says() -> None:
    """[S27]: "If a user's domain is on the blocklist, they can't be invited regardless of the
    cross-tenant access settings"."""
    p = policy(NO_SETTINGS, "b2blint: 1\ninvitationDomains: {blockedDomains: [Fabrikam.com]}\n")
    verdict = invite(p, "ann@fabrikam.com", partner="Fabrikam")
    assert verdict.verdict == "blocked"
    assert verdict.error == "The domain of the user is currently blocked by your invitation policy"
    assert [d.to_json()["path"] for d in verdict.decided_by] == [
        "$.invitationDomains.blockedDomains[0]"
    ]


def test_domain_on_neither_list_falls_to_cross_tenant_access() -> None:
    """[S27]: "If a user isn't on either list, we check the cross-tenant access settings"."""
    p = policy(INVITE_TENANT, "b2blint: 1\ninvitationDomains: {blockedDomains: [gmail.com]}\n")
    assert (
        invite(p, "ann@fabrikam.com").error
        == "This invitation is blocked by cross-tenant access settings"
    )
    assert invite(p, "bob@northwind.com").verdict == "allowed"  # no entry: service default allows


def test_allow_list_blocks_every_other_domain() -> None:
    """Allow/block list [S33]: "By default, whatever domains aren't in the allowlist are on the
    blocklist"; "invitations to domains not in the allowlist fail"."""
    p = policy(NO_SETTINGS, "b2blint: 1\ninvitationDomains: {allowedDomains: [fabrikam.com]}\n")
    assert invite(p, "bob@northwind.com").verdict == "blocked"
    assert invite(p, "ann@FABRIKAM.com").verdict == "allowed"


def test_nobody_may_invite() -> None:
    """authorizationPolicy [S20][S34]: allowInvitesFrom none = "No one in the organization can
    invite guest users including admins"."""
    p = policy(NO_SETTINGS, "b2blint: 1\nauthorizationPolicy: {allowInvitesFrom: none}\n")
    verdict = invite(p, "ann@fabrikam.com")
    assert verdict.verdict == "blocked"
    assert [d.to_json()["path"] for d in verdict.decided_by] == [
        "$.authorizationPolicy.allowInvitesFrom"
    ]


# --- §5.14 tenant restrictions, §5a keywords --------------------------------------------


def test_tenant_restrictions_are_independent_of_inbound_and_outbound() -> None:
    """Tenant restrictions v2 [S35]: "Your inbound and outbound settings for B2B collaboration
    and B2B direct connect don't affect (and are unaffected by) your tenant restrictions
    settings"."""
    p = partner_with(
        "tenantRestrictions", target_config("allowed", ALL_USERS), target_config("allowed", APP)
    )
    assert ask(p, AccessKind.TENANT_RESTRICTIONS, None, MEMBER, A1).verdict == "allowed"
    assert (
        ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND, MEMBER, A1).verdict == "blocked"
    )


def test_all_microsoft_apps_means_all_applications() -> None:
    """crossTenantAccessPolicyTarget [S8]: AllMicrosoftApps is documented with the meaning of
    AllApplications."""
    p = partner_with(
        "b2bCollaborationOutbound",
        target_config("blocked", ALL_USERS),
        target_config("blocked", [("AllMicrosoftApps", "application")]),
    )
    assert (
        ask(p, AccessKind.B2B_COLLABORATION, Direction.OUTBOUND, Subject(U1), A1).verdict
        == "blocked"
    )
