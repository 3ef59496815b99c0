"""## What it does
For two tenants of a fleet that are each other's partners: when the target tenant allows the
other to synchronize users into it (`identitySynchronization.userSyncInbound.isSyncAllowed:
true` on its entry for the source), reports the source tenant's entry for the target when its
`automaticUserConsentSettings.outboundAllowed` is not `true`.

The target's own half (`automaticUserConsentSettings.inboundAllowed` on its entry for the
source) is XTA013's, from the target's files alone; with both tenants in the fleet, this rule
checks the source's half, which XTA013 can only check when told (its `sync-to` option).

## Why is this bad?
Cross-tenant synchronization needs automatic redemption at both ends: "This setting must be
checked in both the source tenant (outbound) and target tenant (inbound)." Without the source's
outbound setting, the synchronization's test connection fails with
`AzureDirectoryB2BManagementPolicyCheckFailure`, "Policy permitting auto-redemption of
invitations not configured", and automatic redemption "suppresses the consent prompt and
invitation email only if you select this setting for both the home/source tenant (outbound)
and resource/target tenant (inbound)".

An inbound sync permission says the target expects the other tenant to synchronize users into
it; whether a synchronization job really runs in the source is not in the policy files. If the
source does not synchronize to the target, turn `isSyncAllowed` off on the target, or suppress
the finding saying so.

## How to fix
On the source tenant's entry for the target:

```yaml
settings:
  automaticUserConsentSettings: {outboundAllowed: true}
```

## References
- Configure cross-tenant synchronization, steps 3 and 4 ("in both the source tenant
  (outbound) and target tenant (inbound)"; AzureDirectoryB2BManagementPolicyCheckFailure):
  https://learn.microsoft.com/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure
- Cross-tenant access overview, "Automatic redemption setting":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- crossTenantAccessPolicyConfigurationPartner (`automaticUserConsentSettings`):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.model import Ref
from b2blint.policy.pairs import Pair, Side
from b2blint.rules._pairs import entry_ref, possessive, where
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

CONSENT = "automaticUserConsentSettings"


def _sync_ref(target: Side) -> Ref | None:
    """The target's ``isSyncAllowed: true`` for the source, if it says so."""
    if target.partner.inbound_sync_allowed:
        return target.partner.ref.child(
            "identitySynchronization", "userSyncInbound", "isSyncAllowed"
        )
    return None


def _consent_anchor(source: Side) -> Ref:
    consent = source.partner.settings.get(CONSENT)
    if isinstance(consent, Mapping) and "outboundAllowed" in consent:
        return source.partner.settings_ref.child(CONSENT, "outboundAllowed")
    if isinstance(consent, Mapping):
        return source.partner.settings_ref.child(CONSENT, key=True)
    return entry_ref(source)


def check(pair: Pair, ctx: Context) -> Iterator[Finding]:
    for direction in pair.directions():
        source, target = direction
        allowed = _sync_ref(target)
        if allowed is None:
            continue
        if source.partner.automatic_redemption("outboundAllowed"):
            continue
        yield Finding(
            _consent_anchor(source),
            f"{target.label} lets {source.label} synchronize users into it "
            f"({where(allowed)}), but {possessive(source.label)} entry for {target.label} "
            f'does not set {CONSENT}.outboundAllowed: true: automatic redemption "must be '
            'checked in both the source tenant (outbound) and target tenant (inbound)", so '
            "the synchronization fails (AzureDirectoryB2BManagementPolicyCheckFailure); set "
            "it here, or turn isSyncAllowed off there if no synchronization is meant.",
            (Related(allowed, f"{target.label} allows synchronization from {source.label}"),),
        )


RULE = Rule(
    id="PAIR004",
    name="pair-sync-without-outbound-redemption",
    severity=Severity.ERROR,
    summary="A fleet tenant that may sync users into another lacks outbound automatic redemption.",
    doc=__doc__ or "",
    visits=Visit.PAIR,
    check=check,
)
