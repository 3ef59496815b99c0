"""## What it does
Reports a cloud enabled in `crossTenantAccessPolicy.allowedCloudEndpoints` (other than the
tenant's own) in which no partner is declared (`cloud:` of the partner entries).

## Why is this bad?
Enabling a cloud does not enable collaboration with it: "When you first enable another cloud,
B2B collaboration is blocked for all tenants in that cloud", until each tenant is added as a
partner. An enabled cloud without partners does nothing except suggest that collaboration is
set up when it is not; it usually means a partner entry was forgotten, deleted, or given the
wrong `cloud`.

## How to fix
Add the partner you collaborate with in that cloud (by tenant ID, with its `cloud`), or remove
the endpoint:

```yaml
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam (GCC High)
    cloud: usgov
```

## References
- Cross-tenant access overview, "Default settings in cross-cloud scenarios":
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Enable B2B collaboration across Microsoft clouds:
  https://learn.microsoft.com/entra/external-id/cross-cloud-settings
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.clouds import CLOUD_OF_ENDPOINT, LABELS, allowed_endpoints, supported
from b2blint.policy.model import Policy
from b2blint.rules._rule import Context, Finding, Rule, Visit


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    endpoints = allowed_endpoints(policy)
    section = policy.section("crossTenantAccessPolicy")
    if not endpoints or section is None:
        return
    own = policy.tenant_cloud
    used = {partner.cloud for partner in policy.partners}
    for index, endpoint in enumerate(endpoints):
        cloud = CLOUD_OF_ENDPOINT.get(endpoint) if isinstance(endpoint, str) else None
        if cloud is None or cloud == own or cloud in used:
            continue
        note = "" if supported(own, cloud) else f" (and {LABELS[own]} can't collaborate with it)"
        yield Finding(
            section.ref.child("allowedCloudEndpoints", index),
            f"{endpoint} enables {LABELS[cloud]}{note} but no partner is in that cloud, and "
            "enabling a cloud blocks B2B collaboration with every tenant there until it is "
            "added as a partner; add the partner or remove the endpoint",
        )


RULE = Rule(
    id="XTA005",
    name="cloud-endpoint-unused",
    severity=Severity.WARNING,
    summary="A Microsoft cloud is enabled in allowedCloudEndpoints but no partner is in it.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
