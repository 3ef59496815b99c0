"""## What it does
Reports an enabled or report-only Conditional Access policy of the context that requires a
custom control (`grantControls.customAuthenticationFactors`) and applies to guests or external
users (B2B collaboration or direct connect users of any partner or other organization). The
finding points at `customAuthenticationFactors`.

## Why is this bad?
Microsoft: "Custom Controls with Conditional Access are not support for cross-tenant trusts."
What an external user meets instead is not documented, so b2blint's simulator answers `depends`
for them; the access of every partner reached by the policy is unpredictable.

## How to fix
Exclude guests and external users from the policy
(`conditions.users.excludeGuestsOrExternalUsers`), or require a built-in control (MFA, an
authentication strength) of them in a separate policy.

## References
- Authentication and Conditional Access for external users, "Conditional Access for external
  users" (custom controls): https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Custom controls: https://learn.microsoft.com/entra/identity/conditional-access/controls
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy import conditional_access as ca
from b2blint.policy.model import Policy
from b2blint.rules._context import Owners, grant, kinds_text, live_policies, owners, reaches, who
from b2blint.rules._rule import Context, Finding, Rule, Visit


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    found: Owners | None = None
    for item in live_policies(policy):
        if not ca.strings(grant(item).get("customAuthenticationFactors")):
            continue
        found = found or owners(policy)
        reached = list(reaches(policy, item, found))
        if not reached:
            continue
        yield Finding(
            item.ref.child("grantControls", "customAuthenticationFactors", key=True),
            f"Conditional Access policy '{item.display_name}' requires a custom control of "
            f"{kinds_text(reached)} of {who(found, reached)}: custom controls are not supported "
            "for cross-tenant trusts, so their access is unpredictable; exclude external users or "
            "require a built-in control of them",
        )


RULE = Rule(
    id="CAX004",
    name="ca-custom-control-external",
    severity=Severity.WARNING,
    summary="A Conditional Access policy requires a custom control of external users.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
