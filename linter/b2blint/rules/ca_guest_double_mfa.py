"""## What it does
Off by default: enable it with the rule's `enabled` option (`.b2blint.yaml`:
`rules: {CAX003: {enabled: true}}`; `pyproject.toml`: `[tool.b2blint.rules.CAX003]`
`enabled = true`). Reports an enabled
Conditional Access policy of the context that requires MFA (or an authentication strength) of
B2B collaboration guests or members of a partner (or of organizations without a partner entry)
whose MFA is not trusted (`inboundTrust.isMfaAccepted` not `true`, as it applies). The finding
points at the policy's `mfa` control (or its `authenticationStrength`) and names the partners.

## Why is this bad?
It is not a block: Microsoft: "When no trust settings are configured and MFA is required, B2B
collaboration users are prompted for MFA. They need to satisfy MFA in the resource tenant." The
guests register a second set of MFA methods in your tenant ("double MFA") even when their home
tenant already requires MFA, and support tickets follow. Whether that is wanted is a choice,
hence the rule is off by default.

## How to fix
Trust the MFA of partners you know require it at home:

```yaml
settings:
  inboundTrust: {isMfaAccepted: true}
```

## References
- Authentication and Conditional Access for external users, "MFA for Microsoft Entra external
  users": https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Cross-tenant access overview, trust settings:
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy import conditional_access as ca
from b2blint.policy.model import Policy
from b2blint.rules._context import (
    Owners,
    grant,
    kinds_text,
    live_policies,
    owners,
    reaches,
    trust_finding,
    who,
)
from b2blint.rules._rule import Context, Finding, Rule, Visit

GUEST_KINDS = (ca.GUEST, "b2bCollaborationMember")


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    if not ctx.options.get("enabled"):
        return
    found: Owners | None = None
    for item in live_policies(policy):
        if item.state != ca.ENABLED:
            continue
        controls = ca.strings(grant(item).get("builtInControls"))
        if "mfa" in controls:
            ref = item.ref.child("grantControls", "builtInControls", controls.index("mfa"))
        elif isinstance(grant(item).get("authenticationStrength"), dict):
            ref = item.ref.child("grantControls", "authenticationStrength", key=True)
        else:
            continue
        found = found or owners(policy)
        untrusted = [r for r in reaches(policy, item, found, GUEST_KINDS) if not r.trust.mfa]
        if not untrusted:
            continue
        message = (
            f"Conditional Access policy '{item.display_name}' requires MFA of "
            f"{kinds_text(untrusted)} of {who(found, untrusted)}, whose MFA is not trusted: they "
            "must register and do MFA in this tenant as well as at home; trust their MFA "
            "(inboundTrust.isMfaAccepted: true) if their home tenant requires it"
        )
        yield trust_finding(policy, item, found, untrusted, at=ref, message=message)


RULE = Rule(
    id="CAX003",
    name="ca-guest-double-mfa",
    severity=Severity.WARNING,
    summary="Guests must register MFA in this tenant: MFA required without MFA trust (opt-in).",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    options={"enabled": False},
)
