"""## What it does
Profile rule (`zta`): reports the default outbound B2B collaboration and B2B direct connect
settings (`default.b2bCollaborationOutbound`, `default.b2bDirectConnectOutbound`) unless each
blocks `AllUsers` and `AllApplications`.

Control **ZTA.21790** (Microsoft Zero Trust Assessment, test 21790, "Outbound cross-tenant
access settings are configured"): passes when both default outbound settings have
`accessType` blocked for the AllUsers and the AllApplications targets.

Runs only with `--profile zta` (or `--select BSL008`).

## Conflict with XTA002 (encrypted mail)
Microsoft's B2B troubleshooting page says blocking outbound B2B collaboration by default keeps
your users from opening encrypted mail from other organizations unless the Microsoft Rights
Management Services app (`00000012-0000-0000-c000-000000000000`) is allowed, which XTA002
(encrypted-mail-app-blocked) checks. Zero Trust Assessment 21790 passes only when the default
blocks **all** applications, and the Assessment removed its former "allow the Rights Management
app" tests (25378, 35002) on 2026-04-30. Both cannot pass on one default: blocking everything
fails XTA002; allowing the app fails 21790.

b2blint does not let either win silently. With `--profile zta` both rules run and both findings
are reported (this rule's message names XTA002, XTA002's page names this rule); the control
result says "failed" with this trade-off. Decide, then record the decision in the config:

- accept the Zero Trust reading and break encrypted mail from other organizations:
  `ignore = ["XTA002"]` (or a suppression comment with the reason);
- keep encrypted mail working and accept the failed control: `ignore = ["BSL008"]` (the
  control is then "not checked: rule BSL008 is disabled by the config", never "passed");
- or allow outbound per partner instead of by default.

## Why is this bad?
An allowing default lets your users be invited into, and act in, any other organization: data
can leave through tenants you never vetted. A blocking default plus partner entries keeps
collaboration to organizations you chose.

## How to fix
Block both default outbound settings for all users and applications, and allow outbound per
partner (`partners[].settings.b2bCollaborationOutbound`).

## References
- Zero Trust Assessment test 21790:
  https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/Test-Assessment.21790.ps1
- Configure cross-tenant access settings (default outbound settings):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Troubleshooting B2B collaboration (encrypted mail and the Rights Management app):
  https://learn.microsoft.com/entra/external-id/troubleshoot
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.policy.model import Policy
from b2blint.rules._baseline import baseline_rule
from b2blint.rules._controls import blocks_everything, ref_at, tagged, value_at, zta
from b2blint.rules._rule import Context, Finding

SETTINGS = ("b2bCollaborationOutbound", "b2bDirectConnectOutbound")
CONFLICT = (
    "Conflicts with XTA002: blocking every application outbound by default also blocks the "
    "Rights Management app that opens encrypted mail from other organizations (Microsoft's "
    "B2B troubleshooting page); both findings are reported, choose by ignoring one in the config."
)

CONTROLS = (
    zta(
        21790,
        title="Outbound cross-tenant access settings are configured",
        graph_property="crossTenantAccessPolicy/default b2bCollaborationOutbound, "
        "b2bDirectConnectOutbound",
        needs=tuple(("default", name) for name in SETTINGS),
        conflict=CONFLICT,
    ),
)
IDS = tuple(control.id for control in CONTROLS)


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    for name in SETTINGS:
        present, value = value_at(policy, ("default", name))
        at = ref_at(policy, ("default", name))
        if not present or at is None or blocks_everything(value):
            continue
        extra = (
            " (this conflicts with XTA002, which wants the Rights Management app allowed for "
            "encrypted mail: see 'b2blint rules BSL008')"
            if name == "b2bCollaborationOutbound"
            else ""
        )
        yield Finding(
            at.at_key(),
            tagged(
                f"default {name} does not block all users and all applications; Zero Trust "
                f"wants unknown organizations blocked outbound by default{extra}",
                IDS,
            ),
        )


RULE = baseline_rule(
    id="BSL008",
    name="default-outbound-blocked",
    summary="Default outbound B2B access must block everyone (ZTA 21790; conflicts with XTA002).",
    doc=__doc__ or "",
    check=check,
    controls=IDS,
)
