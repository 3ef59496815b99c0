"""## What it does
Reports a Conditional Access policy of the context that requires an authentication strength
which the external users it applies to cannot meet, per Microsoft's table of the methods
honoured for external users:

- with MFA trust (`inboundTrust.isMfaAccepted: true`), only the home-tenant methods of the table
  count (SMS, voice, Microsoft Authenticator push and phone sign-in, OATH software and hardware
  tokens, FIDO2 security keys, Windows Hello for Business, certificate-based authentication);
- without it, a B2B collaboration user can only register SMS, voice, Authenticator push or an
  OATH software token in your tenant, which meets the "Multifactor authentication" strength
  but not "Passwordless MFA" or "Phishing-resistant MFA".

The finding points at the policy's `authenticationStrength`. Custom strengths are judged by
their `allowedCombinations` (a strength whose combinations the context does not hold is not
reported). B2B direct connect without MFA trust is XTA003's finding, not repeated here.
Report-only policies are warnings.

## Why is this bad?
Users who cannot meet the strength are blocked. A phishing-resistant strength for guests works
only when you trust the MFA of their home tenant and they have a FIDO2 key, Windows Hello or a
certificate there.

## How to fix
Trust the partner's MFA (`inboundTrust.isMfaAccepted: true`) so home-tenant methods count, or
require a strength external users can meet.

## References
- Authentication strength for external users (the "Home tenant" / "Resource tenant" table; "MFA
  trust is optional for B2B collaboration but is *required* for B2B direct connect"):
  https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strength-external-users
- Built-in authentication strengths:
  https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
- Authentication and Conditional Access for external users:
  https://learn.microsoft.com/entra/external-id/authentication-conditional-access
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


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    found: Owners | None = None
    for item in live_policies(policy):
        strength = grant(item).get("authenticationStrength")
        if not isinstance(strength, dict):
            continue
        found = found or owners(policy)
        only_strength = {"authenticationStrength": strength}
        blocked = []
        for reach in reaches(policy, item, found):
            if reach.effect.requirement.verdict != ca.BLOCKED:
                continue
            if reach.user_type == ca.DIRECT_CONNECT and not reach.trust.mfa:
                continue  # XTA003: direct connect without MFA trust
            alone = ca.requirement(only_strength, reach.user_type, reach.trust)
            if alone.verdict == ca.BLOCKED:
                blocked.append(reach)
        if not blocked:
            continue
        name, _ = ca.strength_of(strength)
        report_only = item.state == ca.REPORT_ONLY
        trusted = {r.trust.mfa for r in blocked}
        if trusted == {True}:
            why = "no method honoured from their home tenant meets it"
        elif trusted == {False}:
            why = (
                "without MFA trust they can only register SMS, voice, Authenticator push or an "
                "OATH software token in this tenant, and none of them meets it"
            )
        else:
            why = (
                "neither the methods honoured from a trusted home tenant nor those they can "
                "register in this tenant (SMS, voice, Authenticator push, OATH software token) "
                "meet it"
            )
        message = (
            f"{'report-only ' if report_only else ''}Conditional Access policy "
            f"'{item.display_name}' requires the authentication strength '{name}' of "
            f"{kinds_text(blocked)} of {who(found, blocked)}: {why}, so they are "
            f"{'going to be ' if report_only else ''}blocked; trust their MFA "
            "(inboundTrust.isMfaAccepted) or require a strength they can meet"
        )
        yield trust_finding(
            policy,
            item,
            found,
            blocked,
            at=item.ref.child("grantControls", "authenticationStrength", key=True),
            message=message,
        )


RULE = Rule(
    id="CAX002",
    name="ca-strength-unsatisfiable",
    severity=Severity.ERROR,
    summary="A Conditional Access policy requires an authentication strength external users "
    "can't meet.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
