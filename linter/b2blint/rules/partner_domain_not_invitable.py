"""## What it does
For every partner whose own settings allow inbound B2B collaboration (the partner sets
`b2bCollaborationInbound`, and as it really applies it does not block all users or all
applications), checks each of its `domains` against `invitationDomains`: a domain on
`blockedDomains`, or missing from a non-empty `allowedDomains`, is reported.

A partner that inherits inbound B2B collaboration from the default is not checked: the
default applies to every organization, and restricting invitations below it by domain is
exactly what the allow/block list is for ("This is a more restrictive configuration. Only
domains in the allowlist can receive invitations"). A partner entry that exists for B2B
direct connect, trust settings or tenant restrictions says nothing about wanting guests.

Domains are compared as whole names, case-insensitively. Microsoft documents neither
wildcards nor whether an entry also covers its subdomains, so b2blint assumes neither:
`fabrikam.com` on the list says nothing about `eu.fabrikam.com` (list each domain, see
EXT005).

## Why is this bad?
"Both allow/block list and cross-tenant access settings are checked at the time of
invitation. ... If a user's domain is on the blocklist, they can't be invited regardless of
the cross-tenant access settings", and with an allowlist "invitations to domains not in the
allowlist fail and the inviter sees a blocked-domain message" ("the domain of the user is
currently blocked by your invitation policy"). The cross-tenant access settings say guests
from this partner are welcome; the domain policy makes every invitation to them fail. Pending
invitations fail at redemption too.

This is not the "This invitation is blocked by cross-tenant access settings" error: that one
comes from cross-tenant access settings blocking the invitation, not from the domain list.

## How to fix
Add the partner's domain to the allow list (or take it off the block list). If guests from
this partner are really unwanted, remove its allowing `b2bCollaborationInbound` (or block it),
so both settings say the same thing.

## References
- Allow or block B2B collaboration with organizations:
  https://learn.microsoft.com/entra/external-id/allow-deny-list
- Configure cross-tenant access settings for B2B collaboration (how the domain lists and the
  cross-tenant access settings combine at invitation time):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Troubleshooting B2B collaboration: https://learn.microsoft.com/entra/external-id/troubleshoot
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.effective import resolve
from b2blint.policy.model import Policy, Ref, domain_index
from b2blint.policy.targets import allows
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit
from b2blint.rules._targets import origin, related_for


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section("invitationDomains")
    if section is None or not isinstance(section.value, Mapping):
        return
    allowed = domain_index(section.value.get("allowedDomains"))
    blocked = domain_index(section.value.get("blockedDomains"))
    if not allowed and not blocked:
        return
    allowed_ref: Ref = section.ref.child("allowedDomains")
    blocked_ref: Ref = section.ref.child("blockedDomains")
    for partner in policy.partners:
        domains = partner.entry.get("domains")
        if not isinstance(domains, list) or not domains:
            continue
        inbound = resolve(policy, partner, "b2bCollaborationInbound")
        if not inbound.explicit or not allows(inbound):
            continue  # inherited: the domain list restricts it like any other organization
        how = origin(inbound)
        why = related_for(inbound, "inbound B2B collaboration allowed here")
        for position, domain in enumerate(domains):
            if not isinstance(domain, str):
                continue
            key = domain.lower()
            at = partner.ref.child("domains", position)
            if key in blocked:
                yield Finding(
                    at,
                    f"partner {partner.label} allows inbound B2B collaboration ({how}) but its "
                    f"domain {domain} is on the invitation block list, so invitations to it fail; "
                    "unblock the domain or block the partner's inbound B2B collaboration.",
                    related=(Related(blocked_ref.child(blocked[key]), "blocked here"), *why),
                )
            elif allowed and key not in allowed:
                yield Finding(
                    at,
                    f"partner {partner.label} allows inbound B2B collaboration ({how}) but its "
                    f"domain {domain} is not on the invitation allow list, so invitations to it "
                    "fail; add it to allowedDomains.",
                    related=(Related(allowed_ref.at_key(), "the allow list"), *why),
                )


RULE = Rule(
    id="EXT003",
    name="partner-domain-not-invitable",
    severity=Severity.ERROR,
    summary="A partner open to inbound B2B collaboration has a domain the invite policy blocks.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
