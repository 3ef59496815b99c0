"""## What it does
Reports a partner for the Microsoft Accounts tenant (`9188040d-6c67-4c5b-b112-36a304b66dad`,
personal Microsoft accounts) whose `tenantRestrictions.usersAndGroups` targets anything other
than `AllUsers`.

## Why is this bad?
Tenant restrictions v2 can be scoped to users and groups of an Entra organization, but not
for Microsoft accounts: the TRv2 guide lists "Per-user tenant restrictions for Microsoft
Accounts" among the unsupported scenarios, and says "Because user-level assignment isn't
available for MSA tenants, the policy applies to all MSA users" (the admin center does not
even offer **Select users and groups** for it). A user or group target here cannot select the
consumer accounts it seems to, so the policy does not do what it says.

## How to fix
Target `AllUsers` in `usersAndGroups` and narrow the policy with `applications` instead, e.g.
allow only Microsoft Learn (`18fbca16-2224-45f6-85b0-f7bf2b39b3f3`) for personal accounts.

## References
- Set up tenant restrictions v2 (unsupported scenarios; "Blocking Consumer account or Microsoft
  Account tenant"; the Microsoft Accounts example):
  https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.model import MICROSOFT_ACCOUNTS_TENANT
from b2blint.policy.targets import ALL_USERS, target_value, targets
from b2blint.rules._rule import Context, Finding, Rule, SettingVisit, Visit


def check(setting: SettingVisit, ctx: Context) -> Iterator[Finding]:
    partner = setting.partner
    if partner is None or setting.name != "tenantRestrictions":
        return
    if partner.tenant_id.lower() != MICROSOFT_ACCOUNTS_TENANT:
        return
    for index, target in targets(setting.value.get("usersAndGroups")):
        value = target_value(target)
        if value == ALL_USERS:
            continue
        yield Finding(
            setting.ref.child("usersAndGroups", "targets", index),
            f"partner {partner.label} is the Microsoft Accounts tenant, whose tenant restrictions "
            f"cannot be scoped to users or groups ('{value}'); target AllUsers and narrow by "
            "applications instead.",
        )


RULE = Rule(
    id="XTA015",
    name="msa-tenant-restriction-scoped",
    severity=Severity.ERROR,
    summary="Tenant restrictions for the Microsoft Accounts tenant are scoped to users or groups.",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
)
