"""## What it does
When `emailOtp.allowExternalIdToUseEmailOtp` is `disabled`, reports every
`invitationRedemptionIdentityProviderConfiguration` (in the default, or set on a partner)
whose `fallbackIdentityProvider` is `emailOneTimePasscode`.

## Why is this bad?
The fallback identity provider is what a guest redeems with when no primary identity
provider (Microsoft Entra ID, SAML/WS-Fed federation, social) applies. There are two
fallbacks, Microsoft accounts and email one-time passcode, and `emailOneTimePasscode` is the
setting that turns Microsoft accounts off (Graph's example is titled "Disallow Microsoft
accounts as an option for redeeming B2B invitations"). Turning guest email OTP off as well
leaves no fallback at all, which Microsoft rules out: "You need to have at least one fallback
identity provider enabled at any given time. If you want to disable Microsoft accounts, you
have to enable email one-time passcode. You can't disable both fallback identity providers."
Guests without an Entra, federated or social account could not redeem.

A partner that inherits the default's redemption configuration is covered by the finding on
the default. `defaultConfiguredIdp` and `microsoftAccount` keep Microsoft accounts as the
fallback and are not reported.

## How to fix
Either enable email OTP for guests (`allowExternalIdToUseEmailOtp: enabled`), or set the
fallback back to `defaultConfiguredIdp` (or `microsoftAccount`).

## References
- Configure cross-tenant access settings for B2B collaboration ("You can't disable both
  fallback identity providers"):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Update crossTenantAccessPolicyConfigurationDefault, example 3 ("Disallow Microsoft accounts",
  fallbackIdentityProvider emailOneTimePasscode):
  https://learn.microsoft.com/graph/api/crosstenantaccesspolicyconfigurationdefault-update
- defaultInvitationRedemptionIdentityProviderConfiguration:
  https://learn.microsoft.com/graph/api/resources/defaultinvitationredemptionidentityproviderconfiguration
- Email one-time passcode authentication:
  https://learn.microsoft.com/entra/external-id/one-time-passcode
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy, Ref
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

SETTING = "invitationRedemptionIdentityProviderConfiguration"
OTP_FALLBACK = "emailOneTimePasscode"


def _finding(owner: str, value: Any, ref: Ref, otp_ref: Ref) -> Iterator[Finding]:
    if not isinstance(value, Mapping) or value.get("fallbackIdentityProvider") != OTP_FALLBACK:
        return
    yield Finding(
        ref.child("fallbackIdentityProvider"),
        f"{owner}: fallbackIdentityProvider emailOneTimePasscode turns Microsoft accounts off, "
        "and email one-time passcode for guests is disabled, so no fallback identity provider is "
        "left; enable guest email OTP or use defaultConfiguredIdp.",
        related=(Related(otp_ref, "guest email one-time passcode disabled here"),),
    )


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    otp = policy.section("emailOtp")
    if otp is None or not isinstance(otp.value, Mapping):
        return
    if otp.value.get("allowExternalIdToUseEmailOtp") != "disabled":
        return
    otp_ref = otp.ref.child("allowExternalIdToUseEmailOtp")
    default = policy.section("default")
    if default is not None and isinstance(default.value, Mapping):
        value = default.value.get(SETTING)
        yield from _finding("the default", value, default.ref.child(SETTING), otp_ref)
    for partner in policy.partners:
        value = partner.settings.get(SETTING)
        if value is not None:
            yield from _finding(
                f"partner {partner.label}", value, partner.settings_ref.child(SETTING), otp_ref
            )


RULE = Rule(
    id="XTA014",
    name="redemption-fallback-contradiction",
    severity=Severity.ERROR,
    summary="The fallback identity provider is email OTP while guest email OTP is disabled.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
