"""## What it does
Profile rule (`zta`): reports the default tenant restrictions (`default.tenantRestrictions`,
Tenant Restrictions v2) unless they block `AllUsers` and `AllApplications`.

Control **ZTA.21793** (Microsoft Zero Trust Assessment, test 21793, "Tenant restrictions v2
policy is configured"): passes when the default `tenantRestrictions` has `accessType` blocked
with the AllUsers target and blocked with the AllApplications target. The Assessment runs the
test in the global cloud only; b2blint checks the setting wherever it is written.

Runs only with `--profile zta` (or `--select BSL009`). Passing says the policy is configured;
as the Assessment notes, enforcing it also needs the tenant restrictions header or the Global
Secure Access client on your devices, which b2blint cannot see.

## Why is this bad?
Without a blocking TRv2 default, your users can sign in to any other tenant with accounts
issued there, from your network and devices, and take data with them.

## How to fix
Set `default.tenantRestrictions` to block all users and all applications, and allow the
tenants you trust per partner.

## References
- Zero Trust Assessment test 21793:
  https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/Test-Assessment.21793.ps1
- Set up tenant restrictions v2:
  https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
"""

from __future__ import annotations

from b2blint.rules._baseline import baseline_rule, setting_check
from b2blint.rules._controls import blocks_everything, zta

PATH = ("default", "tenantRestrictions")

CONTROLS = (
    zta(
        21793,
        title="Tenant restrictions v2 policy is configured",
        graph_property="crossTenantAccessPolicy/default tenantRestrictions",
        needs=(PATH,),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


check = setting_check(
    PATH,
    blocks_everything,
    lambda value: (
        "default tenantRestrictions do not block all users and all applications; "
        "block them by default and allow trusted tenants per partner"
    ),
    IDS,
    at_key=True,
)


RULE = baseline_rule(
    id="BSL009",
    name="tenant-restrictions-default-blocked",
    summary="Tenant restrictions v2 default must block everything (ZTA 21793).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
