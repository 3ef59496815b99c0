"""## What it does
Profile rule (`cisa-scuba`, `cis-m365`, `zta`): reports an `invitationDomains` section that is
not an allow list with at least one domain (a block list, or an empty list).

Controls:

- **MS.AAD.8.3** (CISA SCuBA Microsoft Entra ID baseline, MS.AAD.8.3v1, last modified June
  2023): "Guest invites SHOULD only be allowed to specific external domains that have been
  authorized by the agency for legitimate business purposes." ScubaGear itself still reports
  this policy as not implemented; Maester approximates it with the default inbound setting.
  b2blint reads the domain list itself.
- **CIS.M365.5.1.6.1** (CIS Microsoft 365 Foundations Benchmark v5.0.0, 5.1.6.1 (L2)):
  "Ensure that collaboration invitations are sent to allowed domains only".
- **ZTA.21822** (Zero Trust Assessment test 21822, "Guest access is limited to approved
  tenants"): passes when the invitation policy's `AllowedDomains` has at least one domain.
- **ZTA.21874** (Zero Trust Assessment test 21874, "Allow/Deny lists of domains to restrict
  external collaboration are configured"): passes when `AllowedDomains` is set; b2blint, like
  21822, wants at least one domain (an empty allow list is not a list of approved domains).

Whether each allowed domain is *authorized for legitimate business purposes* is for people to
decide; b2blint checks the mechanism. Runs only with one of those profiles (or
`--select BSL007`).

## Why is this bad?
Without an allow list, users can invite guests from any domain (a block list only names the
ones you already know to avoid).

## How to fix
Replace the list with `invitationDomains: {allowedDomains: [partner.example, ...]}`, naming
every partner domain you invite from (EXT003 reports partners whose domain is missing).

## References
- CISA SCuBA Microsoft Entra ID baseline, section 8:
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md
- CIS Microsoft 365 Foundations Benchmark: https://www.cisecurity.org/benchmark/microsoft_365
- Zero Trust Assessment tests 21822 and 21874:
  https://github.com/microsoft/zerotrustassessment/tree/main/src/powershell/tests
- Allow or block invitations to B2B users from specific organizations:
  https://learn.microsoft.com/entra/external-id/allow-deny-list
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.policy.model import Policy
from b2blint.rules._baseline import baseline_rule
from b2blint.rules._controls import cis_m365, scuba, tagged, zta
from b2blint.rules._rule import Context, Finding

SECTION = "invitationDomains"
PROPERTY = "b2bManagementPolicy InvitationsAllowedAndBlockedDomainsPolicy.AllowedDomains"

CONTROLS = (
    scuba(
        "8.3",
        title="Guest invites only to authorized external domains",
        requirement="Guest invites SHOULD only be allowed to specific external domains that have "
        "been authorized by the agency for legitimate business purposes.",
        graph_property=PROPERTY,
        needs=((SECTION,),),
    ),
    cis_m365(
        "5.1.6.1",
        "L2",
        title="Ensure that collaboration invitations are sent to allowed domains only",
        requirement="Ensure that collaboration invitations are sent to allowed domains only",
        graph_property=PROPERTY,
        needs=((SECTION,),),
    ),
    zta(
        21822,
        title="Guest access is limited to approved tenants",
        graph_property=PROPERTY,
        needs=((SECTION,),),
    ),
    zta(
        21874,
        title="Allow/Deny lists of domains to restrict external collaboration are configured",
        graph_property=PROPERTY,
        needs=((SECTION,),),
    ),
)
IDS = tuple(control.id for control in CONTROLS)


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section(SECTION)
    if section is None:
        return
    value = section.value if isinstance(section.value, Mapping) else {}
    allowed = value.get("allowedDomains")
    if isinstance(allowed, list) and allowed:
        return
    if "blockedDomains" in value:
        at = section.ref.child("blockedDomains").at_key()
        what = "invitations use a block list, so guests can be invited from any other domain"
    elif "allowedDomains" in value:
        at = section.ref.child("allowedDomains")
        what = "the allow list of invitation domains is empty"
    else:
        at = section.ref.at_key()
        what = "no allow list of invitation domains is set"
    yield Finding(
        at,
        tagged(f"{what}; set invitationDomains.allowedDomains to the approved domains", IDS),
    )


RULE = baseline_rule(
    id="BSL007",
    name="invitation-allow-list",
    summary="Guest invitations only to an allow list of domains (MS.AAD.8.3, CIS 5.1.6.1, ZTA).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
