"""b2blint's decisions where Microsoft's docs are silent (docs/simulate.md, "Decisions")."""

from __future__ import annotations

from b2blint.access.simulate import AccessKind, Direction
from b2blint.policy.targets import Subject
from tests.access.helpers import (
    A1,
    G1,
    U1,
    ask,
    invite,
    partner_with,
    policy,
    target_config,
)

INBOUND = (AccessKind.B2B_COLLABORATION, Direction.INBOUND)
GROUP = [(G1, "group")]
ALL_USERS = [("AllUsers", "user")]
ALL_APPS = [("AllApplications", "application")]
OFFICE = [("Office365", "application")]


def test_user_without_group_is_in_no_listed_group() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", GROUP),
        target_config("allowed", ALL_APPS),
    )
    assert ask(p, *INBOUND, Subject(U1), A1).verdict == "blocked"
    assert ask(p, *INBOUND, Subject(U1, frozenset({G1})), A1).verdict == "allowed"
    blocked_group = partner_with(
        "b2bCollaborationInbound",
        target_config("blocked", GROUP),
        target_config("blocked", ALL_APPS),
    )
    assert ask(blocked_group, *INBOUND, Subject(U1), A1).verdict == "allowed"


def test_unspecified_user_depends_on_membership() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", GROUP),
        target_config("allowed", ALL_APPS),
    )
    verdict = ask(p, *INBOUND, app=A1)
    assert (verdict.verdict, verdict.error) == ("depends", "AADSTS500213")
    assert verdict.reason.endswith(f"the verdict depends on whether the user is in group {G1}")


def test_unknown_membership_does_not_matter_when_the_other_half_decides() -> None:
    p = partner_with(
        "b2bCollaborationInbound", target_config("allowed", GROUP), target_config("allowed", OFFICE)
    )
    verdict = ask(p, *INBOUND, app="AllApplications")
    assert verdict.verdict == "blocked"
    assert [d.to_json()["path"] for d in verdict.decided_by] == [
        "$.partners[0].settings.b2bCollaborationInbound.applications"
    ]


def test_office365_request_matches_an_office365_target() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", OFFICE),
    )
    verdict = ask(p, *INBOUND, Subject(U1), "Office365")
    assert verdict.verdict == "allowed"
    assert verdict.decided_by[1].to_json()["path"].endswith("applications.targets[0]")


def test_app_id_against_office365_target_depends() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", OFFICE),
    )
    verdict = ask(p, *INBOUND, Subject(U1), A1)
    assert verdict.verdict == "depends"
    assert verdict.reason.endswith(f"depends on whether app {A1} is part of Office 365")


def test_office365_request_against_an_app_id_allow_list_is_blocked() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [(A1, "application")]),
    )
    assert ask(p, *INBOUND, Subject(U1), "Office365").verdict == "blocked"


def test_office365_request_against_an_app_id_block_list_depends() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("blocked", [(A1, "application")]),
    )
    verdict = ask(p, *INBOUND, Subject(U1), "Office365")
    assert verdict.verdict == "depends"
    assert verdict.reason.endswith(f"whether app {A1} is part of Office 365")


def test_app_ids_compare_case_insensitively() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", ALL_USERS),
        target_config("allowed", [(A1.upper(), "application")]),
    )
    assert ask(p, *INBOUND, Subject(U1), A1).verdict == "allowed"


def test_missing_access_type_depends() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        "{targets: [{target: AllUsers, targetType: user}]}",
        target_config("allowed", ALL_APPS),
    )
    verdict = ask(p, *INBOUND, Subject(U1), A1)
    assert verdict.verdict == "depends"
    assert "usersAndGroups has no accessType" in verdict.reason


def test_empty_allow_list_lets_nobody_through() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        "{accessType: allowed, targets: []}",
        target_config("allowed", ALL_APPS),
    )
    assert ask(p, *INBOUND, Subject(U1), A1).verdict == "blocked"


def test_invitation_partner_found_by_domain_and_blocked_when_no_app_reachable() -> None:
    p = policy(
        """\
        b2blint: 1
        partners:
          - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
            name: Fabrikam
            domains: [fabrikam.com]
            settings:
              b2bCollaborationInbound:
                usersAndGroups:
                  accessType: allowed
                  targets: [{target: fe222329-6889-495b-b149-4e18eb56a3c1, targetType: group}]
                applications:
                  accessType: allowed
                  targets: [{target: Office365, targetType: application}]
        """
    )
    assert invite(p, "ann@Fabrikam.com", Subject(U1)).verdict == "blocked"
    assert invite(p, "ann@fabrikam.com", Subject(U1, frozenset({G1}))).verdict == "allowed"
    unknown = invite(p, "ann@fabrikam.com")
    assert unknown.verdict == "depends"
    assert unknown.question == (
        "invitation to ann@fabrikam.com (any user) · "
        "Fabrikam (3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11)"
    )


def test_mfa_unknown_subject_is_blocked_with_aadsts90071() -> None:
    p = partner_with(
        "b2bDirectConnectInbound", target_config("allowed", GROUP), target_config("allowed", OFFICE)
    )
    verdict = ask(p, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, app="Office365")
    assert (verdict.verdict, verdict.error) == ("blocked", "AADSTS90071")
    assert verdict.reason.endswith(
        "users the setting does not let through meet AADSTS500213 instead"
    )
