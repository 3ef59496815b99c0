"""## What it does
Reports a partner in another Microsoft cloud (its `cloud` differs from `tenant.cloud`) for
which B2B direct connect, inbound or outbound, is allowed as the settings really apply (the
partner's own setting, or the default's when the partner inherits it).

## Why is this bad?
"B2B direct connect is not supported for collaboration with Microsoft Entra tenants in a
different Microsoft cloud." The setting has no effect: Teams shared channels with that partner
won't work whatever it says, and a reviewer reading it is misled. When the partner inherits an
allowing default, the default's intent ("direct connect with everyone") silently doesn't reach
it. It is a warning, not an error: nothing fails when the policy is applied, the setting just
never takes effect.

## How to fix
Block B2B direct connect for the partner explicitly (or remove the partner's allowing setting
so that a blocking default applies), and use B2B collaboration across clouds instead:

```yaml
settings:
  b2bDirectConnectInbound:
    usersAndGroups: {accessType: blocked, targets: [{target: AllUsers, targetType: user}]}
    applications:
      accessType: blocked
      targets: [{target: AllApplications, targetType: application}]
```

## References
- Enable B2B collaboration across Microsoft clouds (the note on B2B direct connect):
  https://learn.microsoft.com/entra/external-id/cross-cloud-settings
- Cross-tenant access overview, "Microsoft cloud settings":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.effective import resolve
from b2blint.model import Partner
from b2blint.rules._access import APPS, USERS, allows_any
from b2blint.rules._clouds import ENDPOINTS, LABELS
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

DIRECTIONS = (("b2bDirectConnectInbound", "inbound"), ("b2bDirectConnectOutbound", "outbound"))


def check(partner: Partner, ctx: Context) -> Iterator[Finding]:
    own, theirs = ctx.policy.tenant_cloud, partner.cloud
    if own == theirs or own not in ENDPOINTS or theirs not in ENDPOINTS:
        return
    for name, direction in DIRECTIONS:
        resolved = resolve(ctx.policy, partner, name)
        if allows_any(resolved.parts[USERS].value, resolved.parts[APPS].value) is not True:
            continue
        message = (
            f"partner {partner.label} is in {LABELS[theirs]}, but B2B direct connect {direction} "
            "is allowed for it; direct connect isn't supported across Microsoft clouds: "
            "block it for this partner"
        )
        if resolved.explicit and resolved.ref is not None:
            yield Finding(resolved.ref.at_key(), message)
        else:
            related = (
                (Related(resolved.ref.at_key(), f"{name} inherited from the default here"),)
                if resolved.ref is not None
                else ()
            )
            yield Finding(partner.ref.child("cloud"), message, related)


RULE = Rule(
    id="XTA006",
    name="cross-cloud-direct-connect",
    severity=Severity.WARNING,
    summary="B2B direct connect is allowed with a partner in another Microsoft cloud.",
    doc=__doc__ or "",
    visits=Visit.PARTNER,
    check=check,
)
