"""No verdict that Microsoft's documentation contradicts (issue 11 "Fidelity", items 1-4, keywords).

Each test quotes the sentence that settles it, with its page. Pages:

- XC = Entra "Configure cross-tenant access settings for B2B collaboration"
  (MicrosoftDocs/entra-docs docs/external-id/cross-tenant-access-settings-b2b-collaboration.yml;
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration)
- XD = Entra "Configure cross-tenant access settings for B2B direct connect"
  (docs/external-id/cross-tenant-access-settings-b2b-direct-connect.md)
- XO = Entra "Cross-tenant access overview" (docs/external-id/cross-tenant-access-overview.md)
- OV = Graph "Cross-tenant access settings API overview" (microsoft-graph-docs-contrib
  api-reference/v1.0/resources/crosstenantaccesspolicy-overview.md)
- CP = Graph "Create crossTenantAccessPolicyConfigurationPartner"
  (api-reference/v1.0/api/crosstenantaccesspolicy-post-partners.md)
- TG = Graph "crossTenantAccessPolicyTarget resource type" (api-reference/v1.0 and
  beta/resources/crosstenantaccesspolicytarget.md)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2blint.access.simulate import AccessKind, Direction, Question, simulate
from b2blint.policy.targets import Subject
from tests.access.helpers import (
    A1,
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
from tests.conftest import POLICIES, run_cli

ALL_USERS = [("AllUsers", "user")]
APP = [(A1, "application")]
RMS = "00000012-0000-0000-c000-000000000000"

#: The setting for each (kind, direction) the simulator answers.
PLACEMENTS = [
    ("b2bCollaborationInbound", AccessKind.B2B_COLLABORATION, Direction.INBOUND),
    ("b2bCollaborationOutbound", AccessKind.B2B_COLLABORATION, Direction.OUTBOUND),
    ("b2bDirectConnectInbound", AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND),
    ("b2bDirectConnectOutbound", AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND),
    ("tenantRestrictions", AccessKind.TENANT_RESTRICTIONS, None),
]


# -- item 1: all users blocked ----------------------------------------------------------------


@pytest.mark.parametrize(("setting", "kind", "direction"), PLACEMENTS)
def test_all_users_blocked_blocks_every_other_application(
    setting: str, kind: AccessKind, direction: Direction | None
) -> None:
    """XC (outbound, "Block access"): "If you block access for all users and groups, this also
    blocks all external applications from being accessed via B2B collaboration." XD (inbound):
    "Blocking access for all external users and groups also blocks all your internal
    applications from being shared via B2B direct connect." OV's blocked/blocked row ("Users in
    group 'g1' are blocked from accessing application 'a1' only") has no AllUsers example; the
    Entra sentence is the one about AllUsers, so every app is blocked, never allowed."""
    p = partner_with(
        setting, target_config("blocked", ALL_USERS), target_config("blocked", APP), mfa_trust=True
    )
    for subject in (MEMBER, NON_MEMBER):
        verdict = ask(p, kind, direction, subject, "Office365", mfa_required=True)
        assert verdict.verdict == "blocked"
        assert verdict.reason.endswith(
            'usersAndGroups blocks AllUsers, which blocks every application (Entra: "If you '
            "block access for all users and groups, this also blocks all external "
            "applications\"; Graph's table has no row for AllUsers blocked with specific "
            "applications blocked)"
        )
        assert [d.to_json()["path"] for d in verdict.decided_by] == [
            f"$.partners[0].settings.{setting}.usersAndGroups.targets[0]"
        ]


def test_invite_cli_says_blocked_when_all_users_are_blocked(tmp_path: Path) -> None:
    """XC (inbound "External users and groups"): "Block access: Blocks the users and groups
    specified under Applies to from being invited to B2B collaboration." Before the fix,
    `--invite` answered ALLOWED because the invitee could still "reach" another app."""
    (tmp_path / "p.yaml").write_text(
        f"""\
b2blint: 1
tenant: {{id: {TENANT}, name: Contoso}}
partners:
  - tenantId: {PARTNER}
    name: Fabrikam
    domains: [fabrikam.com]
    settings:
      b2bCollaborationInbound:
        usersAndGroups: {target_config("blocked", ALL_USERS)}
        applications: {target_config("blocked", APP)}
""",
        "utf-8",
    )
    result = run_cli(
        ["simulate", "p.yaml", "--invite", "ann@fabrikam.com", "--format", "json"], tmp_path
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["verdict"], data["error"]) == (
        "blocked",
        "This invitation is blocked by cross-tenant access settings",
    )
    assert data["reason"] == (
        "b2bCollaborationInbound.usersAndGroups (Fabrikam's entry: none) blocks any user from "
        "being invited "
        '("Block access: Blocks the users and groups specified under Applies to from being '
        'invited to B2B collaboration")'
    )
    assert data["decidedBy"] == [
        {
            "file": "p.yaml",
            "line": 9,
            "path": "$.partners[0].settings.b2bCollaborationInbound.usersAndGroups.targets[0]",
        }
    ]


_ids = st.sampled_from([G1, U1, A1, RMS, "Office365", "AllApplications", "AllMicrosoftApps"])
_target = st.fixed_dictionaries(
    {"target": _ids, "targetType": st.sampled_from(["user", "group", "application"])}
)
_apps = st.fixed_dictionaries(
    {
        "accessType": st.sampled_from(["allowed", "blocked"]),
        "targets": st.lists(_target, max_size=3),
    }
)
_users_extra = st.lists(_target, max_size=2)
_subjects = st.sampled_from([MEMBER, NON_MEMBER, Subject(), Subject(groups=frozenset({G1}))])
_app_requests = st.sampled_from([None, A1, RMS, "Office365", "AllApplications"])


@settings(max_examples=150, deadline=None)
@given(
    placement=st.sampled_from(PLACEMENTS),
    apps=_apps,
    extra=_users_extra,
    subject=_subjects,
    app=_app_requests,
    mfa=st.sampled_from([None, True, False]),
    trust=st.sampled_from([None, True, False]),
)
def test_property_all_users_blocked_is_never_allowed(  # noqa: PLR0917 (hypothesis arguments)
    placement: tuple[str, AccessKind, Direction | None],
    apps: dict[str, Any],
    extra: list[dict[str, Any]],
    subject: Subject,
    app: str | None,
    mfa: bool | None,
    trust: bool | None,
) -> None:
    """XC: "If you block access for all users and groups, this also blocks all external
    applications"; XD: "Blocking access for all external users and groups also blocks all your
    internal applications". Whatever the applications half, the other user targets, the user,
    the app, Conditional Access and MFA trust: usersAndGroups blocked for AllUsers is never
    allowed, and invitations are never allowed either."""
    setting, kind, direction = placement
    users = {
        "accessType": "blocked",
        "targets": [{"target": "AllUsers", "targetType": "user"}, *extra],
    }
    p = partner_with(setting, json.dumps(users), json.dumps(apps), mfa_trust=trust)
    verdict = simulate(p, Question("Fabrikam", kind, direction, subject, app, mfa))
    assert verdict.verdict == "blocked", verdict.reason
    if setting == "b2bCollaborationInbound":
        assert invite(p, "ann@fabrikam.com", subject, "Fabrikam").verdict == "blocked"


# -- item 2: invitations are decided by the users half ----------------------------------------


def test_invitation_is_decided_by_users_not_applications() -> None:
    """XC: "Allow access: Allows the users and groups specified under Applies to to be invited
    for B2B collaboration", and on the Applications tab "Allow access: Allows the applications
    specified under Applies to to be accessed by B2B collaboration users". Users allowed for g1
    and applications blocked for AllApplications: a g1 member can be invited (the application
    half says what guests may use), a non-member cannot. The old reading ("can the invitee
    reach any application?") blocked both."""
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", [(G1, "group")]),
        target_config("blocked", [("AllApplications", "application")]),
    )
    member = invite(p, "ann@fabrikam.com", MEMBER, "Fabrikam")
    outsider = invite(p, "bob@fabrikam.com", NON_MEMBER, "Fabrikam")
    assert member.verdict == "allowed"
    assert [d.to_json()["path"] for d in member.decided_by] == [
        "$.partners[0].settings.b2bCollaborationInbound.usersAndGroups.targets[0]"
    ]
    assert (outsider.verdict, outsider.error) == (
        "blocked",
        "This invitation is blocked by cross-tenant access settings",
    )
    assert outsider.reason == (
        "b2bCollaborationInbound.usersAndGroups (Fabrikam's entry: only group fe222329…) blocks "
        f"user {NON_MEMBER.user} from "
        'being invited ("Block access: Blocks the users and groups specified under Applies to '
        'from being invited to B2B collaboration")'
    )


def test_invitation_block_list_still_wins_over_users_allowed() -> None:
    """XC prerequisites: "If a user's domain is on the blocklist, they can't be invited
    regardless of the cross-tenant access settings." """
    p = policy(
        f"""\
        b2blint: 1
        tenant: {{id: {TENANT}, name: Contoso}}
        invitationDomains: {{blockedDomains: [fabrikam.com]}}
        partners:
          - tenantId: {PARTNER}
            name: Fabrikam
            domains: [fabrikam.com]
        """
    )
    verdict = invite(p, "ann@fabrikam.com")
    assert (verdict.verdict, verdict.error) == (
        "blocked",
        "The domain of the user is currently blocked by your invitation policy",
    )


# -- item 3: AADSTS90071 depends on Conditional Access -------------------------------------------


def test_direct_connect_without_mfa_trust_depends_on_conditional_access() -> None:
    """XO: "If you want to allow B2B direct connect with an external organization and your
    Conditional Access policies require MFA, you must configure your trust settings to accept
    MFA claims from the external organization." Without MFA required by Conditional Access
    nothing blocks them, so without knowing Conditional Access the answer is depends (with
    AADSTS90071 as what they meet if it does); told either way, it is exact."""
    p = partner_with(
        "b2bDirectConnectInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [("Office365", "application")]),
        mfa_trust=False,
    )
    unknown = ask(
        p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365", mfa_required=None
    )
    assert (unknown.verdict, unknown.error) == ("depends", "AADSTS90071")
    assert (
        "depends on whether your Conditional Access requires MFA for these users" in unknown.reason
    )
    assert "--mfa-required or --no-mfa-required" in unknown.reason
    assert (
        unknown.decided_by[0].to_json()["path"]
        == "$.partners[0].settings.inboundTrust.isMfaAccepted"
    )
    required = ask(
        p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365", mfa_required=True
    )
    assert (required.verdict, required.error) == ("blocked", "AADSTS90071")
    relaxed = ask(
        p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365", mfa_required=False
    )
    assert (relaxed.verdict, relaxed.error) == ("allowed", None)


def test_policy_test_without_mfa_required_expects_depends(tmp_path: Path) -> None:
    """The same sentence (XO) through `b2blint test`: a policy test that leaves mfaRequired out
    asks about an unknown Conditional Access, so `expect: blocked` fails with depends."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    trust = tmp_path / "policies" / "partners" / "northwind-traders.yaml"
    trust.write_text(
        trust.read_text("utf-8").replace("isMfaAccepted: true", "isMfaAccepted: false")
    )
    (tmp_path / "policies" / "tests" / "mfa.yaml").write_text(
        """\
b2blint-tests: 1
tests:
  - name: Northwind users reach Teams shared channels
    partner: Northwind Traders
    kind: b2b-direct-connect
    direction: inbound
    app: Office365
    expect: blocked
""",
        "utf-8",
    )
    result = run_cli(
        ["test", "policies/tests/mfa.yaml", "policies/tenant.yaml", "policies/partners"], tmp_path
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "FAIL  policies/tests/mfa.yaml:8  Northwind users reach Teams shared channels"
    )
    assert lines[1].startswith("      failed: expected blocked, got depends (AADSTS90071): ")


# -- item 4: a setting with one half --------------------------------------------------------------

CREATE_PARTNER_EXAMPLE = f"""\
b2blint: 1
tenant: {{id: {TENANT}, name: Contoso}}
partners:
  - tenantId: 3d0f5dec-5d3d-455c-8016-e2af1ae4d31a
    name: Example
    settings:
      inboundTrust: {{isMfaAccepted: true}}
      b2bDirectConnectOutbound:
        usersAndGroups:
          accessType: blocked
          targets: [{{target: 6f546279-4da5-4b53-a095-09ea0cef9971, targetType: group}}]
      b2bDirectConnectInbound:
        applications:
          accessType: allowed
          targets: [{{target: Office365, targetType: application}}]
"""


def test_one_half_setting_from_microsofts_example_is_depends_not_blocked() -> None:
    """CP's request creates a partner with "b2bDirectConnectInbound": {"applications":
    {"accessType": "allowed", "targets": [{"target": "Office365" ...}]}} and no usersAndGroups;
    its 201 response ("might be shortened for readability") shows the same single half. OV
    only says "any property on the partner object that is null inherits settings from the
    default policy", about whole properties. Filled from the service default (users blocked)
    it is blocked; left unrestricted it is allowed: nothing settles it, so depends."""
    p = policy(CREATE_PARTNER_EXAMPLE)
    verdict = ask(
        p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, MEMBER, "Office365", partner="Example"
    )
    assert (verdict.verdict, verdict.error) == ("depends", "AADSTS500213")
    assert verdict.reason.endswith(
        "the verdict depends on what Graph does with the usersAndGroups this setting leaves "
        "out, which Microsoft does not document: filled from the default (service default, as "
        "b2blint assumes) it is blocked; left unrestricted it is allowed. Set "
        "b2bDirectConnectInbound.usersAndGroups explicitly"
    )


def test_one_half_setting_where_both_readings_agree_is_exact() -> None:
    """Same page (CP): b2bDirectConnectOutbound with only usersAndGroups blocked for a group.
    For a member of that group every reading blocks (their group is blocked from everything the
    default allows, and from all apps if unrestricted); the verdict is exact."""
    p = policy(CREATE_PARTNER_EXAMPLE)
    group = Subject(U1, frozenset({"6f546279-4da5-4b53-a095-09ea0cef9971"}))
    kind = AccessKind.B2B_DIRECT_CONNECT
    verdict = ask(p, kind, Direction.OUTBOUND, group, A1, partner="Example")
    assert (verdict.verdict, verdict.error) == ("blocked", "AADSTS500212")


# -- keywords: AllMicrosoftApps and AllGroups ------------------------------------------------------


def test_all_microsoft_apps_covers_microsoft_apps_only() -> None:
    """TG (v1.0 and beta): "AllMicrosoftApps | Refers to any Microsoft cloud application". A
    known Microsoft app (Rights Management Services, 00000012-..., named in XO) and the Office
    365 suite are covered; an arbitrary app ID is depends; asking about all applications is
    blocked by an allow list of Microsoft apps only."""
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [("AllMicrosoftApps", "application")]),
    )
    inbound = (AccessKind.B2B_COLLABORATION, Direction.INBOUND, MEMBER)
    assert ask(p, *inbound, RMS).verdict == "allowed"
    assert ask(p, *inbound, "Office365").verdict == "allowed"
    assert ask(p, *inbound, "AllApplications").verdict == "blocked"
    other = ask(p, *inbound, A1)
    assert other.verdict == "depends"
    assert other.reason.endswith(
        f"the verdict depends on whether app {A1} is a Microsoft cloud application "
        "(AllMicrosoftApps)"
    )


def test_all_groups_keyword_matches_a_member_of_some_group() -> None:
    """TG (beta): "target ... one of the following keywords: AllUsers, AllGroups, and
    AllApplications", with no definition of AllGroups: b2blint reads it as members of some
    group. A user given with a group is in; a user given without groups is not; a user not
    described at all is depends."""
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", [("AllGroups", "group")]),
        target_config("allowed", [("AllApplications", "application")]),
    )
    inbound = (AccessKind.B2B_COLLABORATION, Direction.INBOUND)
    assert ask(p, *inbound, MEMBER, A1).verdict == "allowed"
    assert ask(p, *inbound, NON_MEMBER, A1).verdict == "blocked"
    anyone = ask(p, *inbound, Subject(), A1)
    assert anyone.verdict == "depends"
    assert anyone.reason.endswith(
        "the verdict depends on whether the user is in any group (AllGroups)"
    )
