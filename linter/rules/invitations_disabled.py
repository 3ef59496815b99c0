"""## What it does
Reports `authorizationPolicy.allowInvitesFrom: none` while inbound B2B collaboration is
allowed: by the default (as written, or the service default, which allows everyone), or by
a partner's own settings.

## Why is this bad?
`none` means "No one in the organization can invite guest users including admins (most
restrictive)". B2B collaboration users arrive through invitations, so the inbound B2B
collaboration that the cross-tenant access settings allow can never be used: every
invitation fails ("Invitations have been disabled for directory"). Cross-tenant
synchronization also creates its users by invitation, and fails with
`AzureActiveDirectoryForbidden` "Guest invitations not allowed for your company".

One of the two settings does not say what the tenant means. The severity is **warning**
because the combination is valid and a tenant may keep invitations off on purpose for a
while (in Azure US Government `none` is even the initial value).

## How to fix
If guests are wanted, set `allowInvitesFrom` to `adminsAndGuestInviters` (or wider) and keep
inbound B2B collaboration scoped to the partners that need it. If no guests are wanted, also
block inbound B2B collaboration in the default, so the cross-tenant access settings say so.

## References
- Configure external collaboration settings (guest invite settings):
  https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure
- authorizationPolicy (allowInvitesFrom): https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Troubleshooting B2B collaboration ("Invitations have been disabled for directory"):
  https://learn.microsoft.com/entra/external-id/troubleshoot
- Configure cross-tenant synchronization ("Guest invitations not allowed for your company"):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.effective import resolve
from b2blint.model import Policy
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit
from b2blint.rules._targets import allows

SETTING = "b2bCollaborationInbound"
#: How many partners a message names (and points at) before it just counts.
MAX_NAMED = 3


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    authorization = policy.section("authorizationPolicy")
    if authorization is None or not isinstance(authorization.value, Mapping):
        return
    if authorization.value.get("allowInvitesFrom") != "none":
        return
    related: list[Related] = []
    reasons: list[str] = []
    default = resolve(policy, None, SETTING)
    if allows(default):
        source = "the service default" if default.ref is None else "the default"
        reasons.append(f"{source} allows it")
        if default.ref is not None:
            related.append(Related(default.ref, "default inbound B2B collaboration allowed here"))
    partners = [
        p
        for p in policy.partners
        if p.settings.get(SETTING) is not None and allows(resolve(policy, p, SETTING))
    ]
    if partners:
        named = ", ".join(p.label for p in partners[:MAX_NAMED])
        more = f" and {len(partners) - MAX_NAMED} more" if len(partners) > MAX_NAMED else ""
        reasons.append(f"partner settings allow it for {named}{more}")
        related.extend(
            Related(p.settings_ref.child(SETTING), f"inbound B2B collaboration allowed: {p.label}")
            for p in partners[:MAX_NAMED]
        )
    if not reasons:
        return
    yield Finding(
        authorization.ref.child("allowInvitesFrom"),
        "allowInvitesFrom is 'none', so no one can invite guests, yet inbound B2B collaboration "
        f"is allowed ({'; '.join(reasons)}); allow invitations or block inbound B2B collaboration.",
        related=tuple(related),
    )


RULE = Rule(
    id="EXT001",
    name="invitations-disabled",
    severity=Severity.WARNING,
    summary="No one may invite guests (allowInvitesFrom: none), yet inbound B2B collab is on.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
