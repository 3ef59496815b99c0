"""## What it does
For two tenants of a fleet that are each other's partners, compares what each says about the
Microsoft cloud of the other:

- a partner entry whose `cloud` (default `global`) is not the cloud the other tenant declares
  for itself (`tenant.cloud` in its own files): the finding is on the partner entry's `cloud`
  (or its `tenantId` when `cloud` is not written), with the other tenant's declaration as a
  related location;
- tenants in different clouds (a supported pair: the commercial cloud with Azure Government or
  with Azure operated by 21Vianet) where only one of them enables the other's cloud in
  `crossTenantAccessPolicy.allowedCloudEndpoints`: the finding is on the endpoint the enabling
  side lists, with the other side's Microsoft cloud settings (or its tenant section, when it
  has none) as a related location.

The side that does not enable the other's cloud also gets XTA004 from its own files (when its
partner entry names the right cloud); this rule tells the side that did its part that the
partnership still does not work, and why.

## Why is this bad?
"To set up B2B collaboration, both organizations configure their Microsoft cloud settings to
enable the partner's cloud", and "When you first enable another cloud, B2B collaboration is
blocked for all tenants in that cloud" until the tenant is added as a partner. Enabled on one
side only, B2B collaboration between the two tenants stays blocked both ways (Microsoft
documents no error code for it). A partner entry with the wrong `cloud` makes b2blint's cloud
checks (XTA004-XTA006) and `simulate` reason about the wrong cloud, so the missing setting goes
unnoticed.

## How to fix
Write the partner's real cloud in its entry (`cloud: usgov`), and enable each other's cloud on
both sides:

```yaml
crossTenantAccessPolicy:
  allowedCloudEndpoints: [microsoftonline.com]   # in the Azure Government tenant's files
```

## References
- Cross-tenant access overview, "Microsoft cloud settings" and "Default settings in
  cross-cloud scenarios":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Configure Microsoft cloud settings for B2B collaboration:
  https://learn.microsoft.com/entra/external-id/cross-cloud-settings
- crossTenantAccessPolicy (`allowedCloudEndpoints` values):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.clouds import ENDPOINTS, LABELS, allowed_endpoints, supported
from b2blint.policy.model import Ref
from b2blint.policy.pairs import Pair, Side
from b2blint.rules._pairs import entry_ref, possessive, where
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit


def _declared_ref(side: Side) -> Ref | None:
    """Where a tenant declares its own cloud (its tenant section's ``cloud``, else the section)."""
    section = side.policy.section("tenant")
    if section is None:
        return None
    if isinstance(section.value, dict) and "cloud" in section.value:
        return section.ref.child("cloud")
    return section.ref.at_key()


def _wrong_cloud(side: Side, other: Side) -> Finding | None:
    said, real = side.partner.cloud, other.policy.tenant_cloud
    if said == real or said not in ENDPOINTS or real not in ENDPOINTS:
        return None
    at = side.partner.ref.child("cloud") if "cloud" in side.partner.entry else entry_ref(side)
    declared = _declared_ref(other)
    shown = f" ({where(declared)})" if declared is not None else ""
    return Finding(
        at,
        f"{possessive(side.label)} partner entry for {other.label} says it is in "
        f"{LABELS[said]}, but {possessive(other.label)} own files say {LABELS[real]}{shown}: "
        f"the Microsoft cloud checks read the wrong cloud for this partner; write "
        f"cloud: {real}.",
        (Related(declared, f"{other.label} declares its cloud here"),) if declared else (),
    )


def _endpoints_ref(side: Side) -> Ref:
    section = side.policy.section("crossTenantAccessPolicy")
    if section is not None:
        if isinstance(section.value, dict) and "allowedCloudEndpoints" in section.value:
            return section.ref.child("allowedCloudEndpoints", key=True)
        return section.ref.at_key()
    tenant = side.policy.section("tenant")
    return tenant.ref.at_key() if tenant is not None else entry_ref(side)


def _one_sided(pair: Pair) -> Iterator[Finding]:
    first, second = pair.sides()
    one, two = first.policy.tenant_cloud, second.policy.tenant_cloud
    if one == two or one not in ENDPOINTS or two not in ENDPOINTS or not supported(one, two):
        return
    enabled = {
        first.name: ENDPOINTS[two] in allowed_endpoints(first.policy),
        second.name: ENDPOINTS[one] in allowed_endpoints(second.policy),
    }
    if enabled[first.name] == enabled[second.name]:
        return  # both (works) or neither (each side's XTA004)
    side, other = (first, second) if enabled[first.name] else (second, first)
    theirs, ours = other.policy.tenant_cloud, side.policy.tenant_cloud
    listed = allowed_endpoints(side.policy)
    section = side.policy.section("crossTenantAccessPolicy")
    assert section is not None  # it lists an endpoint
    at = section.ref.child("allowedCloudEndpoints", listed.index(ENDPOINTS[theirs]))
    missing = _endpoints_ref(other)
    yield Finding(
        at,
        f"{side.label} enables {LABELS[theirs]} ({ENDPOINTS[theirs]}) for {other.label}, but "
        f"{possessive(other.label)} Microsoft cloud settings ({where(missing)}) do not enable "
        f"{LABELS[ours]} ({ENDPOINTS[ours]}): B2B collaboration between them stays blocked "
        f'both ways ("both organizations configure their Microsoft cloud settings to enable '
        f"the partner's cloud\"); {other.label} must add {ENDPOINTS[ours]} to "
        "allowedCloudEndpoints.",
        (Related(missing, f"{possessive(other.label)} Microsoft cloud settings"),),
    )


def check(pair: Pair, ctx: Context) -> Iterator[Finding]:
    for side, other in (pair.sides(), pair.sides()[::-1]):
        finding = _wrong_cloud(side, other)
        if finding is not None:
            yield finding
    yield from _one_sided(pair)


RULE = Rule(
    id="PAIR003",
    name="pair-cloud-one-sided",
    severity=Severity.ERROR,
    summary="Fleet partners disagree on their clouds, or only one enables the other's cloud.",
    doc=__doc__ or "",
    visits=Visit.PAIR,
    check=check,
)
