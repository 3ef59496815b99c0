"""## What it does
Reports a partner in another Microsoft cloud (its `cloud` differs from `tenant.cloud`) whose
own B2B direct connect setting, inbound or outbound, allows access (as it really applies: a
half the partner leaves out comes from the default).

A partner that sets no direct connect setting and inherits an allowing default (say, "Teams
shared channels with every organization") is not reported: Microsoft lets a cross-cloud
partner keep the default settings ("You can allow the default settings to remain in effect"),
direct connect simply doesn't apply across clouds, and an explicit block would change
nothing.

## Why is this bad?
"B2B direct connect is not supported for collaboration with Microsoft Entra tenants in a
different Microsoft cloud." The setting has no effect: Teams shared channels with that partner
won't work whatever it says, and a reviewer reading it is misled. It is a warning, not an
error: nothing fails when the policy is applied, the setting just never takes effect.

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
- Cross-tenant access overview, "Default settings in cross-cloud scenarios" (defaults may
  remain in effect for a cross-cloud partner):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview#default-settings-in-cross-cloud-scenarios
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.clouds import ENDPOINTS, LABELS
from b2blint.policy.effective import Source, resolve
from b2blint.policy.model import Partner
from b2blint.policy.targets import allows
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

DIRECTIONS = (("b2bDirectConnectInbound", "inbound"), ("b2bDirectConnectOutbound", "outbound"))


def check(partner: Partner, ctx: Context) -> Iterator[Finding]:
    own, theirs = ctx.policy.tenant_cloud, partner.cloud
    if own == theirs or own not in ENDPOINTS or theirs not in ENDPOINTS:
        return
    for name, direction in DIRECTIONS:
        resolved = resolve(ctx.policy, partner, name)
        if not allows(resolved):
            continue
        if not resolved.explicit or resolved.ref is None:
            # Inherited: Microsoft lets a cross-cloud partner keep the defaults ("You can allow
            # the default settings to remain in effect"), and direct connect just doesn't
            # apply to it; asking for an explicit block there would be noise.
            continue
        related = tuple(
            Related(part.ref.at_key(), "inherited from the default here")
            for part in resolved.parts.values()
            if part.source is Source.DEFAULT and part.ref is not None
        )
        yield Finding(
            resolved.ref.at_key(),
            f"partner {partner.label} is in {LABELS[theirs]}, but B2B direct connect {direction} "
            "is allowed for it; direct connect isn't supported across Microsoft clouds: "
            "block it for this partner",
            related,
        )


RULE = Rule(
    id="XTA006",
    name="cross-cloud-direct-connect",
    severity=Severity.WARNING,
    summary="B2B direct connect is allowed with a partner in another Microsoft cloud.",
    doc=__doc__ or "",
    visits=Visit.PARTNER,
    check=check,
)
