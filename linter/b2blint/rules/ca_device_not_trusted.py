"""## What it does
Reports a Conditional Access policy of the context (`conditionalAccessPolicies`) that requires
a compliant or a Microsoft Entra hybrid joined device of B2B collaboration or B2B direct
connect users of a partner (or of organizations without a partner entry) whose inbound trust
does not accept that device claim (`inboundTrust.isCompliantDeviceAccepted` /
`isHybridAzureADJoinedDeviceAccepted` not `true`, as it applies: partner, else default), when
no other control of the policy (operator `OR`) lets them through. The finding points at the
device control in the policy and names the partners; the trust settings are related locations.
Only policies that certainly apply are reported (a group, location or other condition b2blint
does not model makes it `depends`: not reported). Report-only policies are warnings: enabling
them blocks these users.

## Why is this bad?
Devices are managed by the user's home tenant: your tenant can only see the device state if you
trust the home tenant's claim. Microsoft: "If device compliance is required but can't be
evaluated, access is blocked for both B2B collaboration and B2B direct connect users." Microsoft
documents no specific error code for it; the sign-in fails with a Conditional Access failure.

## How to fix
Trust the partner's device claims where you require managed devices of its users:

```yaml
settings:
  inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: true}
```

or exclude guests and external users from the policy (Microsoft's "Require compliant or hybrid
joined device for administrators" template is usually deployed that way), or add MFA as an
alternative control (`operator: OR`).

## References
- Authentication and Conditional Access for external users, "Device-based Conditional Access"
  and the support table: https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Cross-tenant access settings, "Trust settings":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Microsoft's template: https://learn.microsoft.com/entra/identity/conditional-access/policy-alt-admin-device-compliance-hybrid
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

DEVICE_CONTROLS = {
    "compliantDevice": ("a compliant device", "isCompliantDeviceAccepted"),
    "domainJoinedDevice": ("a hybrid joined device", "isHybridAzureADJoinedDeviceAccepted"),
}


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    found: Owners | None = None
    for item in live_policies(policy):
        controls = ca.strings(grant(item).get("builtInControls"))
        devices = [c for c in controls if c in DEVICE_CONTROLS]
        if not devices:
            continue
        found = found or owners(policy)
        blocked = []
        for reach in reaches(policy, item, found):
            if reach.effect.requirement.verdict != ca.BLOCKED:
                continue
            trusting = ca.Trust(reach.trust.mfa, True, True)
            if ca.requirement(grant(item), reach.user_type, trusting).verdict != ca.BLOCKED:
                blocked.append(reach)  # the device claim is what blocks them
        if not blocked:
            continue
        what = " or ".join(DEVICE_CONTROLS[d][0] for d in devices)
        flags = " / ".join(DEVICE_CONTROLS[d][1] for d in devices)
        report_only = item.state == ca.REPORT_ONLY
        message = (
            f"{'report-only ' if report_only else ''}Conditional Access policy "
            f"'{item.display_name}' requires {what} of {kinds_text(blocked)} of "
            f"{who(found, blocked)}, whose inbound trust does not accept that device claim "
            f"({flags}): access is {'going to be ' if report_only else ''}blocked for them; "
            "trust the partner's device claims or exclude external users from the policy"
        )
        ref = item.ref.child("grantControls", "builtInControls", controls.index(devices[0]))
        yield trust_finding(policy, item, found, blocked, at=ref, message=message)


RULE = Rule(
    id="CAX001",
    name="ca-device-not-trusted",
    severity=Severity.ERROR,
    summary="A Conditional Access policy requires a device claim the inbound trust doesn't accept.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
