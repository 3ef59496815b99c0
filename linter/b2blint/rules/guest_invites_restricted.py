"""## What it does
Profile rule (`eidsca`): reports `authorizationPolicy.allowInvitesFrom` unless it is
`adminsAndGuestInviters` or `none`.

Control **EIDSCA.AP04** (Maester EIDSCA, "Default Authorization Settings - Guest invite
restrictions"): Setting `allowInvitesFrom`, Recommended Value 'adminsAndGuestInviters'.
Maester's test (`Test-MtEidscaAP04`) passes when the value is "-in
@('adminsAndGuestInviters','none')", so this rule accepts both.

Runs only with `--profile eidsca` (or `--select BSL004`).

## Why is this bad?
When every member (or everyone, guests included) can invite, anyone can bring outsiders into
the tenant. CISA MS.AAD.8.2 and CIS (BSL003) fail `none`; EIDSCA passes it: the baselines
disagree, and each profile reports its own reading.

## How to fix
Set `allowInvitesFrom: adminsAndGuestInviters` (or `none` to stop invitations altogether).

## References
- Maester EIDSCA.AP04: https://maester.dev/docs/tests/EIDSCA.AP04
- authorizationPolicy (allowInvitesFrom):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Configure external collaboration settings:
  https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import eidsca

PATH = ("authorizationPolicy", "allowInvitesFrom")
ACCEPTED = ("adminsAndGuestInviters", "none")

CONTROLS = (
    eidsca(
        "AP04",
        title="Default Authorization Settings - Guest invite restrictions",
        requirement="Setting allowInvitesFrom, Recommended Value 'adminsAndGuestInviters' "
        "(the test passes 'adminsAndGuestInviters' or 'none')",
        graph_property="authorizationPolicy.allowInvitesFrom",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


check = setting_check(
    PATH,
    lambda value: value in ACCEPTED,
    lambda value: (
        f"allowInvitesFrom is '{value}'; EIDSCA wants 'adminsAndGuestInviters' (or 'none')"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL004",
    name="guest-invites-restricted",
    summary="Invitations limited to admins and Guest Inviters, or off (EIDSCA AP04).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
