"""## What it does
Checks both ends of cross-tenant synchronization.

This tenant as the **target**: for a partner with
`identitySynchronization.userSyncInbound.isSyncAllowed: true` (users of that tenant may be
synchronized into this one), reports:

- `automaticUserConsentSettings.inboundAllowed` not `true` on that partner; the default's
  value is read-only and always `false`, so only the partner's own setting counts;
- effective inbound B2B collaboration (the partner's own, or inherited from the default)
  that blocks all users or all applications.

This tenant as the **source**: the policy files cannot tell which tenants this one
synchronizes its users to (that is a synchronization job, not a cross-tenant access setting),
so you list them in the rule's `sync-to` option (tenant IDs or partner names). For each, it
reports:

- a `sync-to` entry that names no partner in the policy (the partner entry is where the
  outbound setting goes);
- `automaticUserConsentSettings.outboundAllowed` not `true` on that partner;
- effective outbound B2B collaboration that blocks all users or all applications.

```yaml
# .b2blint.yaml
rules:
  XTA013:
    sync-to: [Contoso Europe, 8cf70e0d-4dbc-480e-ac48-56bb7335817b]
```

## Why is this bad?
Cross-tenant synchronization needs automatic redemption at both ends. Microsoft's setup guide:
"In this step, you automatically redeem invitations so users from the source tenant don't have
to accept the consent prompt. This setting must be checked in both the source tenant
(outbound) and target tenant (inbound)." Without it the source tenant's connection test fails
with `AzureDirectoryB2BManagementPolicyCheckFailure` "Policy permitting auto-redemption of
invitations not configured".

Synchronized users are B2B collaboration users: "Cross-tenant synchronization automates
creating, updating, and deleting Microsoft Entra B2B collaboration users", which remain
subject to cross-tenant access settings on both sides. If inbound B2B collaboration (in the
target) or outbound B2B collaboration (in the source) blocks all users or all applications,
the accounts are created and cannot use anything. (Microsoft documents the consequence for B2B
users, not a specific sync error.)

## How to fix
As the target, on the partner, set `automaticUserConsentSettings: {inboundAllowed: true}` and
allow inbound B2B collaboration for the synchronized users (or a group of them) and the
applications they need. If synchronization is not wanted, set `isSyncAllowed: false`. As the
source, set `automaticUserConsentSettings: {outboundAllowed: true}` on the partner you
synchronize to, and allow outbound B2B collaboration for the synchronized users.

## References
- Configure cross-tenant synchronization (steps 3 and 4, "in both the source tenant
  (outbound) and target tenant (inbound)"; AzureDirectoryB2BManagementPolicyCheckFailure):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- What is cross-tenant synchronization? (synced users are B2B collaboration users):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-overview
- crossTenantAccessPolicyConfigurationDefault (automaticUserConsentSettings is always false on
  the default): https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationdefault
- Configure cross-tenant synchronization using Microsoft Graph:
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure-graph
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.effective import resolve
from b2blint.policy.model import Partner, Policy, Ref
from b2blint.policy.targets import blocking_part
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit
from b2blint.rules._targets import half_noun, origin, related_for

SYNC_TO = "sync-to"


def _consent(partner: Partner, direction: str) -> tuple[bool, tuple[Related, ...]]:
    """Whether the partner's own automaticUserConsentSettings.<direction>Allowed is true.

    Only the partner's own value counts: the default's is read-only and always false.
    """
    ok = partner.automatic_redemption(f"{direction}Allowed")
    consent_ref = partner.settings_ref.child("automaticUserConsentSettings")
    related = (
        (Related(consent_ref, "automatic redemption set here"),) if consent_ref.exists() else ()
    )
    return ok, related


def _as_target(partner: Partner, ctx: Context) -> Iterator[Finding]:
    at = partner.ref.child("identitySynchronization", "userSyncInbound", "isSyncAllowed")
    ok, related = _consent(partner, "inbound")
    if not ok:
        yield Finding(
            at,
            f"partner {partner.label} may sync users into this tenant but "
            "automaticUserConsentSettings.inboundAllowed is not true: synchronization fails "
            "(AzureDirectoryB2BManagementPolicyCheckFailure); set it to true on this partner.",
            related=related,
        )
    blocked = blocking_part(resolve(ctx.policy, partner, "b2bCollaborationInbound"))
    if blocked is not None:
        what = half_noun(blocked)
        yield Finding(
            at,
            f"partner {partner.label} may sync users into this tenant but inbound B2B "
            f"collaboration ({origin(blocked)}) blocks all {what}: synchronized users are B2B "
            "collaboration users and could not use anything; allow them inbound.",
            related=related_for(blocked, "inbound B2B collaboration blocked here"),
        )


def _as_source(partner: Partner, ctx: Context) -> Iterator[Finding]:
    at = partner.ref.child("tenantId", key=True)
    ok, related = _consent(partner, "outbound")
    if not ok:
        yield Finding(
            at,
            f"this tenant synchronizes users to partner {partner.label} (XTA013 {SYNC_TO}) but "
            "automaticUserConsentSettings.outboundAllowed is not true on it: automatic "
            'redemption "must be checked in both the source tenant (outbound) and target '
            'tenant (inbound)"; set outboundAllowed: true on this partner.',
            related=related,
        )
    blocked = blocking_part(resolve(ctx.policy, partner, "b2bCollaborationOutbound"))
    if blocked is not None:
        what = half_noun(blocked)
        yield Finding(
            at,
            f"this tenant synchronizes users to partner {partner.label} (XTA013 {SYNC_TO}) but "
            f"outbound B2B collaboration ({origin(blocked)}) blocks all {what}: synchronized "
            "users are B2B collaboration users there and could not use anything; allow them "
            "outbound.",
            related=related_for(blocked, "outbound B2B collaboration blocked here"),
        )


def _sync_targets(policy: Policy, names: Any) -> tuple[set[int], list[str]]:
    """Indexes of the partners named in ``sync-to``, and the entries that name none."""
    found: set[int] = set()
    unknown: list[str] = []
    for name in names if isinstance(names, list) else ():
        if not isinstance(name, str):
            continue
        key = name.strip().lower()
        hits = [
            index
            for index, partner in enumerate(policy.partners)
            if partner.tenant_id.lower() == key or (partner.name or "").lower() == key
        ]
        if hits:
            found.update(hits)
        else:
            unknown.append(name)
    return found, unknown


def _anchor(policy: Policy) -> Ref | None:
    if policy.partners:
        return Ref(policy.partners[0].ref.document, ("partners",), key=True)
    section = policy.section("tenant")
    return section.ref.at_key() if section is not None else None


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    sources, unknown = _sync_targets(policy, ctx.options.get(SYNC_TO))
    anchor = _anchor(policy)
    for name in unknown:
        if anchor is not None:
            yield Finding(
                anchor,
                f"XTA013 {SYNC_TO} names '{name}', which is no partner in the policy: add a "
                "partner entry for the tenant this one synchronizes to, with "
                "automaticUserConsentSettings.outboundAllowed: true.",
            )
    for index, partner in enumerate(policy.partners):
        if partner.inbound_sync_allowed:
            yield from _as_target(partner, ctx)
        if index in sources:
            yield from _as_source(partner, ctx)


RULE = Rule(
    id="XTA013",
    name="sync-without-collaboration",
    severity=Severity.ERROR,
    summary="Cross-tenant sync lacks automatic redemption or B2B collaboration at one end.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    options={SYNC_TO: []},
)
