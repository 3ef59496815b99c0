"""## What it does
Checks the synchronizations you declare between fleet tenants. The policy files cannot tell
which tenant runs a cross-tenant synchronization job toward which (that is a synchronization
configuration in the source tenant, not a cross-tenant access setting), so you list them in the
rule's `sync` option, as `"SOURCE -> TARGET"` with fleet tenant names or tenant IDs:

```toml
[tool.b2blint.rules.PAIR005]
sync = ["contoso -> fabrikam", "contoso -> tailspin"]
```

For each declared synchronization between two fleet tenants that are each other's partners, it
reports the target's entry for the source when it does not allow inbound user synchronization
(`identitySynchronization.userSyncInbound.isSyncAllowed: true`). The finding is on the
target's `isSyncAllowed` (or its `identitySynchronization`, or its partner entry), with the
source's entry for the target as a related location.

Once the target allows it, XTA013 (the target's `automaticUserConsentSettings.inboundAllowed`)
and PAIR004 (the source's `outboundAllowed`) check automatic redemption at both ends. An entry
that names no pair of fleet tenants is not reported.

## Why is this bad?
"Cross-tenant synchronization in Microsoft Entra ID doesn't support establishing a
cross-tenant synchronization configuration before the tenant in question allows inbound
synchronization in their cross-tenant access settings for identity synchronization." Microsoft's
setup guide starts in the target tenant ("Step 2: Enable user synchronization in the target
tenant", "Allow users sync into this tenant"); without it, the source's synchronization cannot
be set up, and users are not provisioned.

## How to fix
On the target tenant's entry for the source:

```yaml
partners:
  - tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f   # the source
    settings:
      automaticUserConsentSettings: {inboundAllowed: true}
    identitySynchronization:
      userSyncInbound: {isSyncAllowed: true}
```

If the synchronization is not (or no longer) meant, remove it from the `sync` option.

## References
- Configure cross-tenant synchronization (step 2, "Allow users sync into this tenant"):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- Known issues for multitenant organizations, "Cross-tenant access settings" (no
  synchronization configuration before the target allows inbound synchronization):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/multi-tenant-organization-known-issues
- crossTenantIdentitySyncPolicyPartner (`userSyncInbound.isSyncAllowed`):
  https://learn.microsoft.com/graph/api/resources/crosstenantidentitysyncpolicypartner
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.model import Ref
from b2blint.policy.pairs import Pair, Side
from b2blint.rules._pairs import entry_ref, possessive, where
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

SYNC = "sync"
ARROW = "->"


def declared(value: Any) -> list[tuple[str, str]]:
    """The ``sync`` option's well-formed ``SOURCE -> TARGET`` entries, lower-cased."""
    found: list[tuple[str, str]] = []
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, str) and entry.count(ARROW) == 1:
            source, target = (part.strip().lower() for part in entry.split(ARROW))
            if source and target:
                found.append((source, target))
    return found


def _is(side: Side, key: str) -> bool:
    return key in (side.name.lower(), (side.policy.tenant_id or "").lower())


def _anchor(target: Side) -> Ref:
    sync = target.partner.identity_synchronization
    if sync is None:
        return entry_ref(target)
    inbound = sync.get("userSyncInbound")
    if isinstance(inbound, Mapping) and "isSyncAllowed" in inbound:
        return target.partner.ref.child(
            "identitySynchronization", "userSyncInbound", "isSyncAllowed"
        )
    return target.partner.ref.child("identitySynchronization", key=True)


def check(pair: Pair, ctx: Context) -> Iterator[Finding]:
    wanted = declared(ctx.options.get(SYNC))
    for direction in pair.directions():
        source, target = direction
        if not any(_is(source, s) and _is(target, t) for s, t in wanted):
            continue
        if target.partner.inbound_sync_allowed:
            continue
        declared_at = entry_ref(source)
        yield Finding(
            _anchor(target),
            f"{source.label} synchronizes users into {target.label} (PAIR005 {SYNC}: "
            f"{source.name} {ARROW} {target.name}), but {possessive(target.label)} entry for "
            f"{source.label} does not allow inbound synchronization (identitySynchronization."
            "userSyncInbound.isSyncAllowed is not true): cross-tenant synchronization "
            "\"doesn't support establishing a cross-tenant synchronization configuration "
            'before the tenant in question allows inbound synchronization"; set it to true '
            f"here (with automaticUserConsentSettings.inboundAllowed), or drop the entry "
            f"({possessive(source.label)} side: {where(declared_at)}).",
            (Related(declared_at, f"{possessive(source.label)} entry for {target.label}"),),
        )


RULE = Rule(
    id="PAIR005",
    name="pair-sync-not-allowed-by-target",
    severity=Severity.ERROR,
    summary="A declared synchronization between fleet tenants that the target does not allow.",
    doc=__doc__ or "",
    visits=Visit.PAIR,
    check=check,
    options={SYNC: []},
)
