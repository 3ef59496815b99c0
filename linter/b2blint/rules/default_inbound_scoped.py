"""## What it does
Reports a target other than `AllUsers` in the `usersAndGroups` of the tenant **default**'s
`b2bCollaborationInbound`, `b2bDirectConnectInbound` or `tenantRestrictions`.

## Why is this bad?
Microsoft's how-to guides say it outright: "You cannot target users or groups in inbound
default settings" (B2B collaboration and B2B direct connect), and tenant-restriction defaults
"can't be scoped to individual accounts or groups, so **Applies to** always equals **All
&lt;your tenant&gt; users and groups**". Inbound user and group IDs come from a *partner*
tenant, so they only make sense in that partner's own settings: in the default they name
objects of no particular organization. The admin center offers no way to do it, and a value
pushed through Graph is at best meaningless.

## How to fix
Keep `{target: AllUsers, targetType: user}` in the default (allowed or blocked), and move the
specific users and groups into the settings of the partner they belong to.

## References
- Configure cross-tenant access settings for B2B collaboration ("You cannot target users or
  groups in inbound default settings"):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Configure cross-tenant access settings for B2B direct connect (same note):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-direct-connect
- Set up tenant restrictions v2 ("Default settings can't be scoped to individual accounts or
  groups"): https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.targets import ALL_USERS, target_value, targets
from b2blint.rules._rule import Context, Finding, Rule, SettingVisit, Visit

#: The default settings whose usersAndGroups may only be AllUsers.
SCOPED_DEFAULTS = ("b2bCollaborationInbound", "b2bDirectConnectInbound", "tenantRestrictions")


def check(setting: SettingVisit, ctx: Context) -> Iterator[Finding]:
    if setting.partner is not None or setting.name not in SCOPED_DEFAULTS:
        return
    for index, target in targets(setting.value.get("usersAndGroups")):
        value = target_value(target)
        if value == ALL_USERS:
            continue
        yield Finding(
            setting.ref.child("usersAndGroups", "targets", index),
            f"the default {setting.name} targets '{value}': default inbound and "
            "tenant-restriction settings can only apply to AllUsers; move this user or group "
            "to the settings of the partner it belongs to.",
        )


RULE = Rule(
    id="XTA010",
    name="default-inbound-scoped",
    severity=Severity.ERROR,
    summary="The default's inbound or tenant-restriction settings target specific users or groups.",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
)
