"""## What it does
Profile rule (`cisa-scuba`, `cis-m365`): reports `authorizationPolicy.guestUserRoleId` when it
is neither Guest User (`10dae51f-b6af-4016-8d66-8c2a99b929b3`, limited access) nor Restricted
Guest User (`2af84b1e-32c8-42b7-82bc-daa82404023b`, access to their own objects only).

Controls:

- **MS.AAD.8.1** (CISA SCuBA Microsoft Entra ID baseline, policy MS.AAD.8.1v1, last modified
  June 2023): "Guest users SHOULD have limited or restricted access to Microsoft Entra ID
  directory objects."
- **CIS.M365.5.1.6.2** (CIS Microsoft 365 Foundations Benchmark v5.0.0, 5.1.6.2 (L1)):
  "Ensure that guest user access is restricted"; the recommended state is "at least Guest
  users have limited access to properties and memberships of directory objects or more
  restrictive" (either of the two role IDs passes).

Runs only with `--profile cisa-scuba` or `--profile cis-m365` (or `--select BSL001`).

## Why is this bad?
With the User role (`a0b1b346-4d3e-4e8b-98f8-753987be4970`) guests can enumerate users, groups
and other directory objects like an employee: reconnaissance for an adversary who compromises
or creates a guest account. Both baselines accept limited or restricted access. The stricter
baselines (CIS Azure 6.15, EIDSCA AP07, Zero Trust 21792) want Restricted only: BSL002.

## How to fix
Set `guestUserRoleId` to `10dae51f-b6af-4016-8d66-8c2a99b929b3` (limited) or
`2af84b1e-32c8-42b7-82bc-daa82404023b` (restricted).

## References
- CISA SCuBA Microsoft Entra ID baseline, section 8 (Guest User Access):
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md
- CIS Microsoft 365 Foundations Benchmark v5.0.0: https://www.cisecurity.org/benchmark/microsoft_365
- authorizationPolicy (guestUserRoleId values):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Restrict guest access permissions in Microsoft Entra ID:
  https://learn.microsoft.com/entra/identity/users/users-restrict-guest-permissions
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import cis_m365, scuba

GUEST_ROLE = "10dae51f-b6af-4016-8d66-8c2a99b929b3"
RESTRICTED_GUEST_ROLE = "2af84b1e-32c8-42b7-82bc-daa82404023b"
PATH = ("authorizationPolicy", "guestUserRoleId")

CONTROLS = (
    scuba(
        "8.1",
        title="Guest users have limited or restricted access to directory objects",
        requirement="Guest users SHOULD have limited or restricted access to Microsoft Entra "
        "ID directory objects.",
        graph_property="authorizationPolicy.guestUserRoleId",
        needs=(PATH,),
    ),
    cis_m365(
        "5.1.6.2",
        "L1",
        title="Ensure that guest user access is restricted",
        requirement="The recommended state is at least Guest users have limited access to "
        "properties and memberships of directory objects or more restrictive.",
        graph_property="authorizationPolicy.guestUserRoleId",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


def _limited(role: object) -> bool:
    return not isinstance(role, str) or role.lower() in {GUEST_ROLE, RESTRICTED_GUEST_ROLE}


check = setting_check(
    PATH,
    _limited,
    lambda role: (
        f"guestUserRoleId {role} gives guests more than limited access to directory "
        f"objects; use {GUEST_ROLE} (limited) or {RESTRICTED_GUEST_ROLE} (restricted)"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL001",
    name="guest-access-limited",
    summary="Guests must have limited or restricted directory access (MS.AAD.8.1, CIS 5.1.6.2).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
