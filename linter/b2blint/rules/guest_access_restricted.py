"""## What it does
Profile rule (`cis-azure`, `eidsca`, `zta`): reports `authorizationPolicy.guestUserRoleId` when
it is not Restricted Guest User (`2af84b1e-32c8-42b7-82bc-daa82404023b`: "Guest user access is
restricted to properties and memberships of their own directory objects").

Controls:

- **CIS.AZURE.6.15** (CIS Microsoft Azure Foundations Benchmark v4.0.0, 6.15): "Ensure that
  'Guest users access restrictions' is set to 'Guest user access is restricted to properties
  and memberships of their own directory objects'".
- **EIDSCA.AP07** (Maester EIDSCA, "Default Authorization Settings - Guest user access"):
  Setting `guestUserRoleId`, Recommended Value '2af84b1e-32c8-42b7-82bc-daa82404023b'.
- **ZTA.21792** (Microsoft Zero Trust Assessment, test 21792): "Guests have restricted access
  to directory objects" (passes only on the restricted role ID).

Runs only with one of those profiles (or `--select BSL002`).

## Why is this bad?
The Guest User role (limited, Microsoft's default) still lets guests read other users' and
groups' basic properties. These baselines want guests to see only their own objects. It is
stricter than CISA MS.AAD.8.1 and CIS M365 5.1.6.2, which also accept the limited role
(BSL001): the baselines disagree, and each profile reports its own reading.

## How to fix
Set `guestUserRoleId: 2af84b1e-32c8-42b7-82bc-daa82404023b`. Microsoft notes some features
(for example some Microsoft 365 group experiences for guests) work less with it; test first.

## References
- CIS Microsoft Azure Foundations Benchmark: https://www.cisecurity.org/benchmark/azure
- Maester EIDSCA.AP07: https://maester.dev/docs/tests/EIDSCA.AP07
- Zero Trust Assessment test 21792:
  https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/Test-Assessment.21792.ps1
- Restrict guest access permissions in Microsoft Entra ID:
  https://learn.microsoft.com/entra/identity/users/users-restrict-guest-permissions
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import cis_azure, eidsca, zta

RESTRICTED_GUEST_ROLE = "2af84b1e-32c8-42b7-82bc-daa82404023b"
PATH = ("authorizationPolicy", "guestUserRoleId")
PROPERTY = "authorizationPolicy.guestUserRoleId"

CONTROLS = (
    cis_azure(
        "6.15",
        title="Guest users access restrictions set to restricted to their own directory objects",
        requirement="Ensure that 'Guest users access restrictions' is set to 'Guest user access "
        "is restricted to properties and memberships of their own directory objects'",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
    eidsca(
        "AP07",
        title="Default Authorization Settings - Guest user access",
        requirement="Setting guestUserRoleId, Recommended Value "
        "'2af84b1e-32c8-42b7-82bc-daa82404023b'",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
    zta(
        21792,
        title="Guests have restricted access to directory objects",
        graph_property=PROPERTY,
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


def _restricted(role: object) -> bool:
    return not isinstance(role, str) or role.lower() == RESTRICTED_GUEST_ROLE


check = setting_check(
    PATH,
    _restricted,
    lambda role: (
        f"guestUserRoleId {role} is not Restricted Guest User; these baselines want "
        f"{RESTRICTED_GUEST_ROLE} (guests see only their own directory objects)"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL002",
    name="guest-access-restricted",
    summary="Guests must have restricted directory access (CIS Azure 6.15, EIDSCA AP07, ZTA).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
