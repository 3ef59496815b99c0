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

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import zta

PATH = ("authorizationPolicy", "allowInvitesFrom")

CONTROLS = (
    zta(
        21791,
        title="Guests can't invite other guests",
        graph_property="authorizationPolicy.allowInvitesFrom",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


check = setting_check(
    PATH,
    lambda value: value != "everyone",
    lambda value: (
        "allowInvitesFrom is 'everyone': guests can invite other guests; use "
        "'adminsAndGuestInviters'"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL005",
    name="guests-cannot-invite",
    summary="Guests must not be able to invite guests (ZTA 21791).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
