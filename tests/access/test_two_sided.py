"""`simulate` with the other tenant's policy: when it answers two-sided, and when it cannot."""

from __future__ import annotations

import pytest

from b2blint.access.simulate import AccessKind, Direction, Question, simulate
from b2blint.errors import B2BLintError
from tests.access.helpers import PARTNER, TENANT, policy

CONTOSO = f"""\
b2blint: 1
tenant: {{id: {TENANT}, name: Contoso}}
partners:
  - tenantId: {PARTNER}
    name: Fabrikam
"""
#: Fabrikam without an entry for Contoso: its default applies to Contoso.
FABRIKAM_DEFAULT_BLOCKS = f"""\
b2blint: 1
tenant: {{id: {PARTNER}, name: Fabrikam}}
default:
  b2bCollaborationOutbound:
    usersAndGroups: {{accessType: blocked, targets: [{{target: AllUsers, targetType: user}}]}}
    applications:
      accessType: blocked
      targets: [{{target: AllApplications, targetType: application}}]
"""


def ask(
    direction: Direction | None,
    kind: AccessKind = AccessKind.B2B_COLLABORATION,
    partner: str = "Fabrikam",
) -> Question:
    return Question(partner, kind, direction)


def test_the_other_tenants_default_applies_without_an_entry_for_us() -> None:
    verdict = simulate(policy(CONTOSO), ask(Direction.INBOUND), policy(FABRIKAM_DEFAULT_BLOCKS))
    assert (verdict.verdict, verdict.error, verdict.notes) == ("blocked", "AADSTS500212", ())
    assert [d.text() for d in verdict.decided_by][:1] == [
        "p0.yaml:5  $.default.b2bCollaborationOutbound.usersAndGroups.targets[0]"
    ]


def test_one_sided_questions_ignore_the_other_policy() -> None:
    other = policy(FABRIKAM_DEFAULT_BLOCKS)
    restrictions = simulate(policy(CONTOSO), ask(None, AccessKind.TENANT_RESTRICTIONS), other)
    assert restrictions.question.startswith("Fabrikam (")  # the one-sided question
    default = simulate(policy(CONTOSO), ask(Direction.INBOUND, partner="default"), other)
    assert default.notes[0].startswith("the other organization's own outbound")


def test_a_policy_for_another_tenant_is_refused() -> None:
    wrong = policy(FABRIKAM_DEFAULT_BLOCKS.replace(PARTNER, TENANT))
    with pytest.raises(B2BLintError, match="the other tenant's policy is for"):
        simulate(policy(CONTOSO), ask(Direction.INBOUND), wrong)
