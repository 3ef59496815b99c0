"""## What it does
Reports a partner whose `cloud` is not the tenant's own (`tenant.cloud`, default `global`) when
`crossTenantAccessPolicy.allowedCloudEndpoints` does not enable that cloud's endpoint:
`microsoftonline.us` for `usgov`, `partner.microsoftonline.cn` for `china`,
`microsoftonline.com` for `global` (from a national-cloud tenant). It also reports a partner in
a cloud that can't collaborate with the tenant's at all: Azure Government and Azure operated by
21Vianet.

## Why is this bad?
B2B collaboration with a tenant in another Microsoft cloud only works once "both organizations
configure their Microsoft cloud settings to enable the partner's cloud"; until then the partner
entry has no effect and invitations and sign-ins fail. Microsoft supports only two cross-cloud
pairs: the commercial cloud with Azure Government (including GCC High and DoD), and the
commercial cloud with Azure operated by 21Vianet.

## How to fix
Enable the partner's cloud (and ask the partner to enable yours):

```yaml
crossTenantAccessPolicy:
  allowedCloudEndpoints: [microsoftonline.us]
```

Check the partner's `cloud` if it is wrong. For an unsupported pair there is no setting that
makes B2B collaboration work; remove the partner.

## References
- Enable B2B collaboration across Microsoft clouds:
  https://learn.microsoft.com/entra/external-id/cross-cloud-settings
- Cross-tenant access overview, "Microsoft cloud settings":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- crossTenantAccessPolicy (`allowedCloudEndpoints` values):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.clouds import ENDPOINTS, LABELS, allowed_endpoints, supported
from b2blint.policy.model import Partner
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit


def check(partner: Partner, ctx: Context) -> Iterator[Finding]:
    policy = ctx.policy
    own, theirs = policy.tenant_cloud, partner.cloud
    if own == theirs or own not in ENDPOINTS or theirs not in ENDPOINTS:
        return
    where = partner.ref.child("cloud")
    if not supported(own, theirs):
        tenant = policy.section("tenant")
        related = (Related(tenant.ref.child("cloud"), "the tenant's cloud"),) if tenant else ()
        yield Finding(
            where,
            f"partner {partner.label} is in {LABELS[theirs]} and this tenant in {LABELS[own]}: "
            "Microsoft supports B2B collaboration across clouds only between the commercial "
            "cloud and Azure Government or 21Vianet; remove the partner or correct its cloud",
            related,
        )
        return
    endpoint = ENDPOINTS[theirs]
    if endpoint in allowed_endpoints(policy):
        return
    section = policy.section("crossTenantAccessPolicy")
    related = ()
    if section is not None:
        endpoints = section.ref.child("allowedCloudEndpoints", key=True)
        related = (Related(endpoints, "Microsoft cloud settings here"),)
    yield Finding(
        where,
        f"partner {partner.label} is in {LABELS[theirs]} but crossTenantAccessPolicy."
        f"allowedCloudEndpoints doesn't list {endpoint}, so B2B collaboration with it is "
        f"blocked; add {endpoint}",
        related,
    )


RULE = Rule(
    id="XTA004",
    name="cloud-endpoint-missing",
    severity=Severity.ERROR,
    summary="A partner in another Microsoft cloud that is not enabled, or in an unsupported pair.",
    doc=__doc__ or "",
    visits=Visit.PARTNER,
    check=check,
)
