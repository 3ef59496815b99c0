"""## What it does
Profile rule (`zta`): reports `authorizationPolicy.allowInvitesFrom: everyone`.

Control **ZTA.21791** (Microsoft Zero Trust Assessment, test 21791, "Guests can't invite other
guests"): the test passes when `allowInvitesFrom` "-ne 'everyone'".

Runs only with `--profile zta` (or `--select BSL005`).

## Why is this bad?
`everyone` means "Anyone in the organization can invite guest users including guests and
non-admins (most inclusive)": a guest can bring in more guests, outside any approval.

## How to fix
Set `allowInvitesFrom` to `adminsAndGuestInviters` (what CISA and CIS ask, BSL003) or at least
`adminsGuestInvitersAndAllMembers`.

## References
- Zero Trust Assessment test 21791:
  https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/Test-Assessment.21791.ps1
- authorizationPolicy (allowInvitesFrom):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._controls import Control, ref_at, tagged, value_at
from b2blint.rules._rule import Context, Finding, Rule, Visit

PATH = ("authorizationPolicy", "allowInvitesFrom")

CONTROLS = (
    Control(
        id="ZTA.21791",
        profile="zta",
        title="Guests can't invite other guests",
        document="Microsoft Zero Trust Assessment",
        version="test 21791 (microsoft/zerotrustassessment, Test-Assessment.21791.ps1)",
        requirement="Guests can't invite other guests",
        url="https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/"
        "Test-Assessment.21791.ps1",
        graph_property="authorizationPolicy.allowInvitesFrom",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    present, value = value_at(policy, PATH)
    at = ref_at(policy, PATH)
    if not present or at is None or value != "everyone":
        return
    yield Finding(
        at,
        tagged(
            "allowInvitesFrom is 'everyone': guests can invite other guests; use "
            "'adminsAndGuestInviters'",
            IDS,
        ),
    )


RULE = Rule(
    id="BSL005",
    name="guests-cannot-invite",
    severity=Severity.ERROR,
    summary="Guests must not be able to invite guests (ZTA 21791).",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    controls=IDS,
)
