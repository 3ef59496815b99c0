"""## What it does
Reports `emailOtp.allowExternalIdToUseEmailOtp: disabled` (email one-time passcode for
guests turned off).

## Why is this bad?
Email one-time passcode is the fallback for guests who have no Microsoft Entra, Microsoft or
social account, and it is on by default ("turned on by default for all new tenants and for
any existing tenants where you haven't explicitly turned it off"; `default` means enabled).
Turning it off has an immediate cost: "If the email one-time passcode feature has been enabled
in your tenant and you turn it off, any guest users who have redeemed a one-time passcode will
not be able to sign in." New guests are pushed to create a Microsoft account instead, and
guests following a direct application link may get a sign-in error.

It is a **warning**: a tenant may disable it deliberately (after resetting the redemption
status of its OTP guests). See XTA014 for the case where it leaves no fallback at all.

## How to fix
Set `allowExternalIdToUseEmailOtp: enabled` (or leave it at `default`). If you do mean to turn
it off, first reset the redemption status of the guests who use one-time passcodes, then
suppress this finding with a comment saying so.

## References
- Email one-time passcode authentication (enable or disable; what happens to existing guests):
  https://learn.microsoft.com/entra/external-id/one-time-passcode
- emailAuthenticationMethodConfiguration (allowExternalIdToUseEmailOtp):
  https://learn.microsoft.com/graph/api/resources/emailauthenticationmethodconfiguration
- Reset redemption status for a guest user:
  https://learn.microsoft.com/entra/external-id/reset-redemption-status
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._rule import Context, Finding, Rule, Visit


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section("emailOtp")
    if section is None or not isinstance(section.value, Mapping):
        return
    if section.value.get("allowExternalIdToUseEmailOtp") != "disabled":
        return
    yield Finding(
        section.ref.child("allowExternalIdToUseEmailOtp"),
        "email one-time passcode for guests is disabled: guests who redeemed with a one-time "
        "passcode can no longer sign in; enable it, or reset those guests' redemption status "
        "first.",
    )


RULE = Rule(
    id="EXT007",
    name="guest-otp-disabled",
    severity=Severity.WARNING,
    summary="Email one-time passcode for guests is disabled (existing OTP guests are locked out).",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
