"""## What it does
Profile rule (`cisa-scuba`, `cis-m365`, `cis-azure`): reports
`authorizationPolicy.allowInvitesFrom` unless it is `adminsAndGuestInviters` ("Only users
assigned to specific admin roles can invite guest users": admins and the Guest Inviter role).

Controls:

- **MS.AAD.8.2** (CISA SCuBA Microsoft Entra ID baseline, MS.AAD.8.2v1, last modified June
  2023): "Only users with the Guest Inviter role SHOULD be able to invite guest users."
- **CIS.M365.5.1.6.3** (CIS Microsoft 365 Foundations Benchmark v5.0.0, 5.1.6.3 (L2)):
  "Ensure guest user invitations are limited to the Guest Inviter role"; "The recommended state
  for guest invite restrictions is Only users assigned to specific admin roles can invite guest
  users."
- **CIS.AZURE.6.16** (CIS Microsoft Azure Foundations Benchmark v4.0.0, 6.16): "Ensure that
  'Guest invite restrictions' is set to 'Only users assigned to specific admin roles can invite
  guest users'".

`none` ("No one in the organization can invite guest users including admins") is stricter, but
it is not the state these documents name, and ScubaGear fails it for MS.AAD.8.2; so does this
rule. EIDSCA AP04 accepts `none` (BSL004) and Zero Trust 21791 accepts anything but `everyone`
(BSL005): the baselines disagree, each profile reports its own reading.

## Why is this bad?
When members (or everyone, guests included) can invite, any account can bring outsiders into
the tenant without the approval process a designated group of inviters enforces.

## How to fix
Set `allowInvitesFrom: adminsAndGuestInviters` and give the Guest Inviter role to the people
who approve guests.

## References
- CISA SCuBA Microsoft Entra ID baseline, section 8:
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md
- CIS benchmarks: https://www.cisecurity.org/benchmark/microsoft_365,
  https://www.cisecurity.org/benchmark/azure
- authorizationPolicy (allowInvitesFrom):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Configure external collaboration settings:
  https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import cis_azure, cis_m365, scuba

PATH = ("authorizationPolicy", "allowInvitesFrom")
PROPERTY = "authorizationPolicy.allowInvitesFrom"
WANTED = "adminsAndGuestInviters"

CONTROLS = (
    scuba(
        "8.2",
        title="Only users with the Guest Inviter role can invite guest users",
        requirement="Only users with the Guest Inviter role SHOULD be able to invite guest users.",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
    cis_m365(
        "5.1.6.3",
        "L2",
        title="Ensure guest user invitations are limited to the Guest Inviter role",
        requirement="The recommended state for guest invite restrictions is Only users assigned "
        "to specific admin roles can invite guest users.",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
    cis_azure(
        "6.16",
        title="Guest invite restrictions set to specific admin roles",
        requirement="Ensure that 'Guest invite restrictions' is set to 'Only users assigned to "
        "specific admin roles can invite guest users'",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


check = setting_check(
    PATH,
    lambda value: value == WANTED,
    lambda value: (
        f"allowInvitesFrom is '{value}'; these baselines want '{WANTED}' (only admins "
        "and users with the Guest Inviter role can invite guests)"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL003",
    name="guest-invites-admins-only",
    summary="Only admins and Guest Inviters may invite (MS.AAD.8.2, CIS 5.1.6.3, CIS Azure 6.16).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
