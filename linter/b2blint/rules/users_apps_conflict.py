"""## What it does
Checks each B2B-shaped setting (B2B collaboration and B2B direct connect, inbound and
outbound, and tenant restrictions) of the default and of every partner, and reports one whose
two halves contradict each other:

- every user is blocked (`blocked` for `AllUsers`) but some application is allowed;
- some users are allowed (all, or a list) but no application is (`blocked` for
  `AllApplications`, or an empty `allowed` list).

A `blocked` list of specific users or groups with `blocked` for `AllApplications` is not a
contradiction: Graph documents it as "Block users in group 'g1' from accessing any
application" (those users are shut out, everyone else is not), because two block lists
block only the pairs they both name.

Each half is taken as it really applies: a partner that sets only `usersAndGroups` gets the
default's `applications` (and the default gets the service default for a half it leaves out),
so the contradiction may come from the combination. The finding then points at the half that
is set, with the inherited half as a related location.

## Why is this bad?
"The access settings you configure for users and groups must match the access settings for
applications. Conflicting settings aren't allowed": blocking all users requires blocking all
applications, and allowing any users requires allowing at least one application. The same
pairing applies to tenant restrictions. Such a setting is refused by the admin center, and
whatever it was meant to allow doesn't happen, because access is the intersection of the two
halves.

## How to fix
Make the halves agree: block both for a full block, or allow the applications the allowed users
need:

```yaml
b2bCollaborationInbound:
  usersAndGroups: {accessType: blocked, targets: [{target: AllUsers, targetType: user}]}
  applications: {accessType: blocked, targets: [{target: AllApplications, targetType: application}]}
```

## References
- Cross-tenant access overview, "Important considerations" (Examples 1 and 2):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Configure B2B collaboration cross-tenant access settings:
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Tenant restrictions v2 (the same pairing rule):
  https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
- How users and applications combine (crossTenantAccessPolicy overview):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.effective import Resolved, Source, resolve
from b2blint.policy.targets import APPS, USERS, Reach, access_type, describe, reach
from b2blint.rules._rule import Context, Finding, Related, Rule, SettingVisit, Visit


def _phrase(part: Resolved, name: str) -> str:
    text = describe(part.value, name)
    if part.source is Source.DEFAULT:
        return f"{text} (inherited from the default)"
    if part.source is Source.SERVICE:
        return f"{text} (service default)"
    return text


def _conflicts(users: Any, apps: Any) -> bool:
    """Whether one half blocks everything while the other half lets something through."""
    user_reach, app_reach = reach(users, USERS), reach(apps, APPS)
    if Reach.UNKNOWN in (user_reach, app_reach):
        return False
    if (user_reach is Reach.NONE) == (app_reach is Reach.NONE):
        return False
    # Blocked users plus blocked AllApplications is the documented "Block users in group 'g1'
    # from accessing any application": two block lists block only the pairs they both name,
    # so the named users are shut out and everyone else is not (crossTenantAccessPolicy
    # overview, "Interpreting the API response"). Only *allowing* users conflicts with
    # blocking every application (Example 2 of the Entra overview).
    return not (
        app_reach is Reach.NONE
        and access_type(users) == "blocked"
        and access_type(apps) == "blocked"
    )


def check(visit: SettingVisit, ctx: Context) -> Iterator[Finding]:
    own = [part for part in (USERS, APPS) if isinstance(visit.value.get(part), dict)]
    if not own:
        return  # both halves inherited: the default's own visit reports it
    if len(own) == 2 and not _conflicts(visit.value[USERS], visit.value[APPS]):
        return  # both set here: no inheritance to resolve
    parts = resolve(ctx.policy, visit.partner, visit.name).parts
    users, apps = parts[USERS], parts[APPS]
    if not _conflicts(users.value, apps.value):
        return
    user_reach = reach(users.value, USERS)
    if user_reach is Reach.NONE:
        problem = (
            f"usersAndGroups is {_phrase(users, USERS)} but applications is "
            f"{_phrase(apps, APPS)}; block AllApplications too, or allow the users who need access"
        )
    else:
        problem = (
            f"usersAndGroups is {_phrase(users, USERS)} but applications is "
            f"{_phrase(apps, APPS)}, so no application is allowed; allow at least one "
            "application, or block AllUsers too"
        )
    message = f"{visit.owner_label}: {visit.name} contradicts itself: {problem}"
    if len(own) == 2:
        yield Finding(visit.ref.at_key(), message)
        return
    inherited = apps if own == [USERS] else users
    related: tuple[Related, ...] = ()
    if inherited.source is Source.DEFAULT and inherited.ref is not None:
        related = (Related(inherited.ref.at_key(), "inherited from the default here"),)
    yield Finding(visit.ref.child(own[0], key=True), message, related)


RULE = Rule(
    id="XTA007",
    name="users-apps-conflict",
    severity=Severity.ERROR,
    summary="The users and the applications of one setting contradict each other.",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
)
