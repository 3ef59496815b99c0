"""## What it does
Reports `authorizationPolicy.allowInvitesFrom: none` while a partner's own settings allow
inbound B2B collaboration (it sets `b2bCollaborationInbound`, and as it really applies it lets
someone in), or while a partner may synchronize users into the tenant
(`identitySynchronization.userSyncInbound.isSyncAllowed: true`) and inbound B2B collaboration
lets them in.

An allowing tenant default (as written, or the service default) is not reported on its own:
`none` only stops *new* invitations, while inbound B2B collaboration is also what lets the
guests you already have sign in (a blocked inbound setting refuses them with AADSTS500213).
Freezing invitations while keeping existing guests is a consistent setup.

## Why is this bad?
`none` means "No one in the organization can invite guest users including admins (most
restrictive)". A partner entry that opens inbound B2B collaboration says its users are
welcome as guests, but none of them can be invited ("Invitations have been disabled for
directory"). Cross-tenant synchronization creates its users by invitation too, and fails with
`AzureActiveDirectoryForbidden` "Guest invitations not allowed for your company" ("the Guest
invite settings in the target tenant are configured with the most restrictive setting").

The severity is **warning** because the combination is valid and a tenant may keep
invitations off on purpose for a while (in Azure US Government `none` is even the initial
value).

## How to fix
If these partners' users are to be invited (or synchronized), set `allowInvitesFrom` to
`adminsAndGuestInviters` (or wider). If not, stop synchronization (`isSyncAllowed: false`) and
drop the partner's inbound B2B collaboration setting, or suppress the finding while the freeze
is deliberate. Don't block inbound B2B collaboration just to silence this: that also locks out
the partner's guests who already redeemed.

## References
- Configure external collaboration settings (guest invite settings):
  https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure
- authorizationPolicy (allowInvitesFrom): https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Troubleshooting B2B collaboration ("Invitations have been disabled for directory"):
  https://learn.microsoft.com/entra/external-id/troubleshoot
- Configure cross-tenant synchronization ("Guest invitations not allowed for your company"):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- Sign-in errors for blocked inbound access (AADSTS500213):
  https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.effective import resolve
from b2blint.policy.model import Partner, Policy
from b2blint.policy.targets import allows
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

SETTING = "b2bCollaborationInbound"
#: How many partners a message names (and points at) before it just counts.
MAX_NAMED = 3


def _named(partners: list[Partner]) -> str:
    named = ", ".join(p.label for p in partners[:MAX_NAMED])
    more = f" and {len(partners) - MAX_NAMED} more" if len(partners) > MAX_NAMED else ""
    return f"{named}{more}"


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    authorization = policy.section("authorizationPolicy")
    if authorization is None or not isinstance(authorization.value, Mapping):
        return
    if authorization.value.get("allowInvitesFrom") != "none":
        return
    related: list[Related] = []
    reasons: list[str] = []
    syncing = [
        p for p in policy.partners if p.inbound_sync_allowed and allows(resolve(policy, p, SETTING))
    ]
    if syncing:
        reasons.append(
            f"partner{'s' if len(syncing) > 1 else ''} {_named(syncing)} may synchronize users "
            "in, which fails with AzureActiveDirectoryForbidden"
        )
        related.extend(
            Related(
                p.ref.child("identitySynchronization", "userSyncInbound", "isSyncAllowed"),
                f"synchronization allowed: {p.label}",
            )
            for p in syncing[:MAX_NAMED]
        )
    partners = [
        p
        for p in policy.partners
        if p not in syncing
        and p.settings.get(SETTING) is not None
        and allows(resolve(policy, p, SETTING))
    ]
    if partners:
        reasons.append(f"partner settings allow inbound B2B collaboration for {_named(partners)}")
        related.extend(
            Related(p.settings_ref.child(SETTING), f"inbound B2B collaboration allowed: {p.label}")
            for p in partners[:MAX_NAMED]
        )
    if not reasons:
        return
    yield Finding(
        authorization.ref.child("allowInvitesFrom"),
        "allowInvitesFrom is 'none', so no one can invite guests, yet "
        f"{'; and '.join(reasons)}; allow invitations (e.g. adminsAndGuestInviters) if these "
        "partners' users are to be invited.",
        related=tuple(related),
    )

RULE = Rule(
    id="EXT001",
    name="invitations-disabled",
    severity=Severity.WARNING,
    summary="No one may invite guests (allowInvitesFrom: none), yet partners expect guests.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
