"""## What it does
Checks every outbound B2B collaboration setting that names its applications (the default's and
each partner's `b2bCollaborationOutbound.applications`) and reports the ones that keep your
users from app `00000012-0000-0000-c000-000000000000`, Microsoft Rights Management Services:

- `accessType: blocked` with `AllApplications`;
- `accessType: blocked` listing that app;
- `accessType: allowed` without that app.

The users half is taken as it really applies (inherited from the default when the partner
leaves it out). A partner that does not set its own applications inherits the default's, so the
finding on the default covers it. A setting that blocks every user but allows some applications
is left to XTA007 (users-apps-conflict): resolve that contradiction first.

Not reported:

- a `blocked` list of specific users with blocked applications: two block lists block only
  the pairs they both name ("Block users in group 'g1' from accessing any application",
  crossTenantAccessPolicy overview), so everyone else still reaches the app, and the named
  users are kept from it on purpose;
- a partner that blocks outbound B2B collaboration outright in its own entry (every user and
  every application): Microsoft's note is about blocking "by default", where mail from any
  organization is affected; cutting off one organization entirely is a deliberate choice that
  includes its encrypted mail.

B2B direct connect outbound is not checked: Microsoft's advice is about the outbound B2B
collaboration settings, and direct connect only serves Teams shared channels today. Its service
default blocks every application outbound, and encrypted mail opens on a tenant with default
settings, so it is not the channel the Rights Management app is reached through.

## Why is this bad?
Users open mail protected with Microsoft Purview Message Encryption (Office 365 Message
Encryption, OME) by signing in to the sender's Rights Management service. When outbound access
to that app is blocked, mail encrypted by the partner (or, for the default, by any external
organization) can't be read. Microsoft: "If you block access to all apps by default, users are
unable to read emails encrypted with Microsoft Rights Management Service".

Microsoft's Zero Trust Assessment disagrees: its test 21790 wants the default outbound settings
to block every application, and it dropped its "allow the Rights Management app" tests in
2026. `--profile zta` checks that as BSL008, and both findings are reported: see
`b2blint rules BSL008` for the trade-off and how to record your choice.

## How to fix
Allow the app on the setting that blocks it; `--fix` does it without changing any other access
(who may reach which application stays the same, only this app is added):

- an `allowed` list: the app is appended;
- a `blocked` list naming the app: the app is removed from it (a list naming only the app
  becomes `allowed` for `AllApplications`);
- `blocked` for `AllApplications`: Graph has no "everything but this app blocked" list, but an
  `allowed` list with only this app is the same thing, so the half becomes `allowed` for the
  app. If every user is blocked too (a full outbound block, the case Microsoft's note is about),
  the users half becomes `allowed` for `AllUsers`: users may then reach this app and nothing
  else, exactly as Microsoft recommends ("If this is the only application you allow, access to
  all other apps will be blocked by default").

```yaml
b2bCollaborationOutbound:
  usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, targetType: user}]}
  applications:
    accessType: allowed
    targets:
      - {target: 00000012-0000-0000-c000-000000000000, targetType: application}
```

If blocking encrypted mail from one partner is intended, suppress the finding on that line.
The `Office365` keyword is not taken to include this app: the apps it covers for cross-tenant
access are not documented, and Microsoft's advice names the app ID.

## References
- Cross-tenant access overview, "Important considerations" (the app ID):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Configure B2B collaboration cross-tenant access settings (same note):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Troubleshooting B2B collaboration: https://learn.microsoft.com/entra/external-id/troubleshoot
- How users and applications combine (crossTenantAccessPolicy overview):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Edit, Fix, Severity
from b2blint.policy.effective import Source, resolve
from b2blint.policy.targets import (
    APPS,
    USERS,
    Reach,
    access_type,
    lets_through,
    names_all,
    reach,
    target_key,
)
from b2blint.rules._rule import Context, Finding, Related, Rule, SettingVisit, Visit

RMS_APP = "00000012-0000-0000-c000-000000000000"
SETTING = "b2bCollaborationOutbound"
RMS_TARGET = {"target": RMS_APP, "targetType": "application"}


def _why(apps: Mapping[str, Any], users_reach: Reach) -> str:
    if access_type(apps) == "allowed":
        return "allows only other applications" if apps.get("targets") else "allows no application"
    if names_all(apps, APPS):
        if users_reach is Reach.NONE:
            return "blocks all users and AllApplications"
        return "blocks AllApplications"
    return "blocks this app by name"


def _fix(visit: SettingVisit, apps: Mapping[str, Any], users_reach: Reach) -> Fix:
    base = (*visit.ref.path, APPS)
    edits: list[Edit] = []
    targets = apps.get("targets")
    if users_reach is Reach.NONE:
        all_users = {"target": "AllUsers", "targetType": "user"}
        edits.append(
            Edit("set", (*visit.ref.path, USERS), {"accessType": "allowed", "targets": [all_users]})
        )
        edits.append(Edit("set", base, {"accessType": "allowed", "targets": [dict(RMS_TARGET)]}))
        description = "allow all users to reach the Rights Management app (and nothing else)"
    elif access_type(apps) == "allowed":
        if isinstance(targets, list):
            edits.append(Edit("append", (*base, "targets"), dict(RMS_TARGET)))
        else:
            edits.append(Edit("set", (*base, "targets"), [dict(RMS_TARGET)]))
        description = f"add {RMS_APP} to the allowed applications"
    elif names_all(apps, APPS):
        edits.append(Edit("set", base, {"accessType": "allowed", "targets": [dict(RMS_TARGET)]}))
        description = "allow only the Rights Management app instead of blocking all applications"
    else:
        assert isinstance(targets, list)
        indexes = [
            i for i, item in enumerate(targets)
            if isinstance(item, Mapping) and target_key(item) == RMS_APP
        ]  # fmt: skip
        if len(indexes) == len(targets):
            all_apps = {"target": "AllApplications", "targetType": "application"}
            edits.append(Edit("set", base, {"accessType": "allowed", "targets": [all_apps]}))
        else:
            edits.extend(Edit("delete", (*base, "targets", i)) for i in reversed(indexes))
        description = f"remove {RMS_APP} from the blocked applications"
    return Fix(visit.ref.document.path, description, tuple(edits))


def check(visit: SettingVisit, ctx: Context) -> Iterator[Finding]:
    if visit.name != SETTING:
        return
    apps = visit.value.get(APPS)
    if not isinstance(apps, Mapping):
        return
    through = lets_through(apps, APPS, RMS_APP)
    if through is None and access_type(apps) is not None:
        # Unknown only through Office365, whose app IDs are not published: the rule does not
        # take it to include this app (module docstring), so an allow list of Office365 keeps
        # the app out and a block list of Office365 lets it through.
        through = access_type(apps) == "blocked"
    if through is not False:
        return
    users = resolve(ctx.policy, visit.partner, SETTING).parts[USERS]
    users_reach = reach(users.value, USERS)
    app_reach = reach(apps, APPS)
    if users_reach is Reach.UNKNOWN or (users_reach is Reach.NONE and app_reach is not Reach.NONE):
        return  # unknown, or a users/apps contradiction that XTA007 reports
    both_blocked = access_type(users.value) == access_type(apps) == "blocked"
    if users_reach is not Reach.NONE and both_blocked:
        return  # two block lists: only the named users are kept from the app, on purpose
    if visit.partner is not None and users_reach is Reach.NONE and users.explicit:
        return  # the partner blocks this organization outright: Microsoft's note is about defaults
    whose = "this partner" if visit.partner is not None else "external organizations"
    related: tuple[Related, ...] = ()
    if users_reach is Reach.NONE and users.source is Source.DEFAULT and users.ref is not None:
        related = (Related(users.ref.at_key(), "usersAndGroups inherited from the default here"),)
    yield Finding(
        visit.ref.child(APPS, key=True),
        f"{visit.owner_label}: outbound B2B collaboration {_why(apps, users_reach)}, so your users "
        f"can't read mail encrypted with Microsoft Rights Management (OME) by {whose}; "
        f"allow application {RMS_APP}",
        related=related,
        fix=_fix(visit, apps, users_reach),
    )


RULE = Rule(
    id="XTA002",
    name="encrypted-mail-app-blocked",
    severity=Severity.WARNING,
    summary="Outbound B2B collaboration blocks the Rights Management app (encrypted mail).",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
    fixable=True,
)
