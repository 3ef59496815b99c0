"""## What it does
Reports the default and every partner for which inbound B2B direct connect is allowed (some
users may reach some application, as the settings really apply: partner, else default, else
service default, each half on its own) while the inbound trust that applies does not accept MFA
(`inboundTrust.isMfaAccepted` is not `true`).

A partner that sets neither of the two inherits both from the default, so the finding on the
default covers it. A partner in another Microsoft cloud is skipped: "B2B direct connect is not
supported for collaboration with Microsoft Entra tenants in a different Microsoft cloud", so
its MFA trust only concerns B2B collaboration guests, who can do MFA in your tenant (XTA006
reports direct connect allowed for it).

The finding points at the partner's `b2bDirectConnectInbound` when the partner sets it (with
the inherited default trust as a related location), otherwise at the partner's
`inboundTrust`.

With Conditional Access context (`conditionalAccessPolicies`, docs/conditional-access.md) the
rule is exact: an error when an enabled policy that requires MFA or an authentication strength
applies to B2B direct connect users of that partner (Teams shared channels, part of Office 365);
a warning when such a policy only might apply (a condition b2blint does not model decides) or
is report-only; nothing when no policy can apply. The finding names the policy (file:line).

## Why is this bad?
B2B direct connect users are never challenged for MFA in your tenant: if your Conditional
Access requires MFA and you don't trust the MFA of their home tenant, they are blocked. The
finding depends on Conditional Access, which the policy files do not hold: b2blint reports it
because requiring MFA for external users is the common case, and says so in the message
(`b2blint simulate` answers `depends` for the same case unless told `--mfa-required` or
`--no-mfa-required`). They
see "AADSTS90071: An admin from <organization> must update their access settings to accept
inbound multifactor authentication" when they open your Teams shared channel. Microsoft: "If you
want to allow B2B direct connect with an external organization and your Conditional Access
policies require MFA, you must configure your trust settings to accept MFA claims from the
external organization."

## How to fix
Trust the partner's MFA where direct connect is allowed (or stop allowing direct connect):

```yaml
settings:
  inboundTrust: {isMfaAccepted: true}
  b2bDirectConnectInbound: {...}
```

If none of your Conditional Access policies requires MFA for external users, the sign-in
works without the trust; suppress the finding and say so in the comment.

## References
- Troubleshooting, "B2B direct connect user is unable to access a shared channel (error
  AADSTS90071)": https://learn.microsoft.com/entra/external-id/troubleshoot
- Cross-tenant access overview, "Important considerations":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- B2B direct connect overview (trust settings and MFA):
  https://learn.microsoft.com/entra/external-id/b2b-direct-connect-overview
- Authentication and Conditional Access for external users:
  https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Error code lookup: https://login.microsoftonline.com/error?code=90071
- Conditional Access for external users, "B2B direct connect" rows of the support table:
  https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Authentication strength for external users ("MFA trust ... is *required* for B2B direct
  connect"): https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strength-external-users
- Cross-tenant access overview, "Microsoft cloud settings" (no B2B direct connect across
  clouds): https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy import conditional_access as ca
from b2blint.policy.effective import Resolved, Source, resolve
from b2blint.policy.model import Partner, Policy, Ref
from b2blint.policy.targets import allows
from b2blint.rules._context import grant
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

SETTING = "b2bDirectConnectInbound"
TRUST = "inboundTrust"


def _trust_text(trust: Resolved) -> str:
    value = trust.value.get("isMfaAccepted") if isinstance(trust.value, Mapping) else None
    shown = "not set" if value is None else str(value).lower()
    if trust.source is Source.SERVICE:
        return f"{shown} (service default)"
    if trust.source is Source.DEFAULT:
        return f"{shown} (inherited from the default)"
    return shown


def _inherited(resolved: Resolved, what: str) -> tuple[Related, ...]:
    if resolved.source is Source.DEFAULT and resolved.ref is not None:
        return (Related(resolved.ref.at_key(), f"{what} inherited from the default here"),)
    return ()


def _check_owner(policy: Policy, partner: Partner | None) -> Finding | None:
    direct = resolve(policy, partner, SETTING)
    if not allows(direct):
        return None
    trust = resolve(policy, partner, TRUST)
    if isinstance(trust.value, Mapping) and trust.value.get("isMfaAccepted") is True:
        return None
    if partner is not None and not (direct.explicit or trust.explicit):
        return None  # both inherited: reported once, on the default
    owner = f"partner {partner.label}" if partner is not None else "the default"
    severity: Severity | None = None
    context: tuple[Related, ...] = ()
    if policy.conditional_access is not None:
        exact = _with_context(policy, partner, owner, _trust_text(trust))
        if exact is None:
            return None
        message, severity, context = exact
    else:
        message = _without_context(owner, _trust_text(trust))
    if direct.explicit and direct.ref is not None:
        related = _inherited(trust, "inboundTrust") + context
        return Finding(direct.ref.at_key(), message, related, severity=severity)
    assert trust.ref is not None  # explicit
    target: Ref = trust.ref.child("isMfaAccepted", key=True)
    if not (isinstance(trust.value, Mapping) and "isMfaAccepted" in trust.value):
        target = trust.ref.at_key()
    return Finding(target, message, _inherited(direct, SETTING) + context, severity=severity)


def _requires_mfa(effect: ca.Effect) -> bool:
    """Whether the policy blocks for want of MFA (not a block control or a device claim)."""
    if effect.requirement.verdict == ca.ALLOWED:
        return False
    controls = grant(effect.ca)
    return "mfa" in ca.strings(controls.get("builtInControls")) or isinstance(
        controls.get("authenticationStrength"), Mapping
    )


def _with_context(
    policy: Policy, partner: Partner | None, owner: str, trust: str
) -> tuple[str, Severity, tuple[Related, ...]] | None:
    """The exact finding from the Conditional Access context; None when no policy can apply."""
    answer = ca.evaluate(policy, partner, ca.DIRECT_CONNECT, ca.OFFICE_365)
    assert answer is not None
    head = (
        f"{owner}: inbound B2B direct connect is allowed but inboundTrust.isMfaAccepted is {trust}"
    )
    certain = [e for e in answer.effects if e.applies and _requires_mfa(e)]
    if certain:
        effect = certain[0]
        message = (
            f"{head}, and Conditional Access policy {effect.ca.label} requires MFA of these "
            "users, which they can only do in their home tenant: they are blocked with "
            "AADSTS90071; set isMfaAccepted: true, or stop allowing direct connect"
        )
        return message, Severity.ERROR, _related(certain, "requires MFA of direct connect users")
    maybe = [e for e in answer.effects if e.applies is None and _requires_mfa(e)]
    if maybe:
        effect = maybe[0]
        message = (
            f"{head}; Conditional Access policy {effect.ca.label} requires MFA and applies to "
            f"these users depending on {effect.condition}: if it does they are blocked with "
            "AADSTS90071; set isMfaAccepted: true"
        )
        return message, Severity.WARNING, _related(maybe, "may require MFA of these users")
    report = [e for e in answer.report_only if _requires_mfa(e)]
    if report:
        effect = report[0]
        message = (
            f"{head}; report-only Conditional Access policy {effect.ca.label} requires MFA of "
            "these users: enabling it blocks them with AADSTS90071; set isMfaAccepted: true "
            "before you enable it"
        )
        return message, Severity.WARNING, _related(report, "report-only, requires MFA")
    return None


def _related(effects: list[ca.Effect], what: str) -> tuple[Related, ...]:
    return tuple(Related(e.ca.ref, f"Conditional Access policy: {what}") for e in effects[:3])


def _without_context(owner: str, trust: str) -> str:
    return (
        f"{owner}: inbound B2B direct connect is allowed but inboundTrust.isMfaAccepted is "
        f"{trust}; whether these users get in depends on your Conditional Access, "
        "which b2blint cannot see: if it requires MFA for them they are blocked with "
        "AADSTS90071, if not they get in; set isMfaAccepted: true, or suppress this finding "
        "saying no policy requires MFA"
    )


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    default_finding = _check_owner(policy, None)
    if default_finding is not None:
        yield default_finding
    default_allows = allows(resolve(policy, None, SETTING))
    listed = _listed_tenants(policy) if default_allows and default_finding is None else set()
    own_cloud = policy.tenant_cloud  # once, not once per partner (issue 9 item 10)
    for partner in policy.partners:
        if partner.cloud != own_cloud:
            continue  # no direct connect across clouds at all (XTA006 reports allowing it)
        # A partner setting that is null or absent is the default's [S2]: a partner that sets
        # neither is covered by the default's finding, and one that inherits a blocking
        # default direct connect can't be affected (the resolver would say the same, slower).
        settings = partner.settings
        if settings.get(SETTING) is None and (settings.get(TRUST) is None or not default_allows):
            if partner.tenant_id.lower() in listed and settings.get(TRUST) is None:
                yield from _inherited_but_listed(policy, partner)
            continue
        finding = _check_owner(policy, partner)
        if finding is not None:
            yield finding


def _listed_tenants(policy: Policy) -> set[str]:
    """Tenants a context policy names in externalTenants: the only partners whose answer can
    differ from the default's (organizations without a partner entry)."""
    found: set[str] = set()
    for item in policy.conditional_access or ():
        conditions = item.body.get("conditions")
        users = conditions.get("users") if isinstance(conditions, Mapping) else None
        if isinstance(users, Mapping):
            for clause in ("includeGuestsOrExternalUsers", "excludeGuestsOrExternalUsers"):
                found.update(ca.external_tenant_ids(users.get(clause)) or ())
    return found


def _inherited_but_listed(policy: Policy, partner: Partner) -> Iterator[Finding]:
    """A partner that inherits both settings, named by a context policy that requires MFA of
    its direct connect users while the default's answer had no finding: reported on its entry."""
    trust = resolve(policy, partner, TRUST)
    exact = _with_context(policy, partner, f"partner {partner.label}", _trust_text(trust))
    if exact is None:
        return
    message, severity, context = exact
    related = _inherited(resolve(policy, partner, SETTING), SETTING)
    related += _inherited(trust, "inboundTrust") + context
    yield Finding(partner.ref.child("tenantId"), message, related, severity=severity)


RULE = Rule(
    id="XTA003",
    name="direct-connect-without-mfa-trust",
    severity=Severity.ERROR,
    summary="Inbound B2B direct connect is allowed but the partner's MFA is not trusted.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    prevents=("AADSTS90071",),
)
