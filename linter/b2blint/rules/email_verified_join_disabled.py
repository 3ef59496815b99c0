"""## What it does
Profile rule (`eidsca`): reports `authorizationPolicy.allowEmailVerifiedUsersToJoinOrganization`
unless it is `false`.

Control **EIDSCA.AP06** (Maester EIDSCA, "Default Authorization Settings - User can joint the
tenant by email validation"): Setting `allowEmailVerifiedUsersToJoinOrganization`, Recommended
Value 'false' (Microsoft's default is true).

Runs only with `--profile eidsca` (or `--select BSL006`).

## Why is this bad?
With it on, anyone with a mailbox in one of the tenant's verified domains can join the tenant by
email verification (self-service sign-up), without an admin creating the account.

## How to fix
Set `allowEmailVerifiedUsersToJoinOrganization: false`.

## References
- Maester EIDSCA.AP06: https://maester.dev/docs/tests/EIDSCA.AP06
- authorizationPolicy (allowEmailVerifiedUsersToJoinOrganization):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Self-service sign-up for email-verified users:
  https://learn.microsoft.com/entra/identity/users/directory-self-service-signup
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import eidsca

PATH = ("authorizationPolicy", "allowEmailVerifiedUsersToJoinOrganization")

CONTROLS = (
    eidsca(
        "AP06",
        title="Default Authorization Settings - User can join the tenant by email validation",
        requirement="Setting allowEmailVerifiedUsersToJoinOrganization, Recommended Value 'false'",
        graph_property="authorizationPolicy.allowEmailVerifiedUsersToJoinOrganization",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


check = setting_check(
    PATH,
    lambda value: value is False,
    lambda value: (
        "allowEmailVerifiedUsersToJoinOrganization is not false: anyone with a "
        "mailbox in a verified domain can join the tenant by email verification; set it to false"
    ),
    IDS,
)


RULE = baseline_rule(
    id="BSL006",
    name="email-verified-join-disabled",
    summary="Users must not join the tenant by email verification (EIDSCA AP06).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
