"""## What it does
Checks each B2B-shaped setting (B2B collaboration and B2B direct connect, inbound and
outbound, and tenant restrictions) of the default and of every partner, and reports one whose
two halves contradict each other:

- every user is blocked (`blocked` for `AllUsers`) but some application is not;
- no application is allowed (`blocked` for `AllApplications`, or an empty `allowed` list) but
  some users are allowed;
- a **warning** for a `blocked` list of specific users or groups with `blocked` for
  `AllApplications`: Graph documents it (the overview's "Block users in group 'g1' from
  accessing any application", and "Example 1: Block outbound B2B collaboration for a group of
  users" of "Update crossTenantAccessPolicyConfigurationDefault"), but the admin center refuses
  it ("If you block access to all applications, you also need to block access for all external
  users and groups").

Each half is taken as it really applies. When the setting gives only one half, b2blint fills
the other from the default (or the service default), and a contradiction that comes from that
combination is reported as a **warning** that names the assumption: what Graph does with a
half left out is not documented, and Microsoft's own "Create
crossTenantAccessPolicyConfigurationPartner" example sends `b2bDirectConnectInbound` with only
`applications`. The finding then points at the half that is set, with the inherited half as a
related location.

## Why is this bad?
"The access settings you configure for users and groups must match the access settings for
applications. Conflicting settings aren't allowed": blocking all users requires blocking all
applications, and allowing any users requires allowing at least one application. The same
pairing applies to tenant restrictions. Such a setting is refused by the admin center, and
whatever it was meant to allow doesn't happen: "If you block access for all users and groups,
this also blocks all external applications", and with no application allowed nobody the users
half lets in gets anywhere.

Graph's overview does document `blocked` users g1 with `blocked` AllApplications ("Users in
group 'g1' can't access any application. Other users not in group 'g1' have access to all
applications"), but the admin center requires all users blocked with all applications
blocked. Write the same intent in the form both accept: users `blocked` for g1 and
applications `allowed` for AllApplications ("Users in group 'g1' can't access any
application. Any user not in group 'g1' can only access application 'a1'", with every
application in place of 'a1').

## How to fix
Make the halves agree: block both for a full block, or allow the applications the allowed users
need; to shut out some users only, allow all applications and block those users:

```yaml
b2bCollaborationInbound:
  usersAndGroups: {accessType: blocked, targets: [{target: AllUsers, targetType: user}]}
  applications: {accessType: blocked, targets: [{target: AllApplications, targetType: application}]}
b2bCollaborationOutbound:
  usersAndGroups: {accessType: blocked, targets: [{target: <group id>, targetType: group}]}
  applications: {accessType: allowed, targets: [{target: AllApplications, targetType: application}]}
```

For a warning about a half that is left out, write that half explicitly.

## References
- Cross-tenant access overview, "Important considerations" (Examples 1 and 2):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Configure B2B collaboration cross-tenant access settings:
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- Tenant restrictions v2 (the same pairing rule):
  https://learn.microsoft.com/entra/external-id/tenant-restrictions-v2
- How users and applications combine (crossTenantAccessPolicy overview):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
- Create crossTenantAccessPolicyConfigurationPartner (a setting with one half):
  https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-post-partners
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
    """Whether one half lets nothing through while the other half does not block everything.

    The admin center pairs them both ways: "If you block access for all external users and
    groups, you also need to block access to all your internal applications" and "If you block
    access to all applications, you also need to block access for all external users and
    groups" (cross-tenant-access-settings-b2b-collaboration).
    """
    user_reach, app_reach = reach(users, USERS), reach(apps, APPS)
    if Reach.UNKNOWN in (user_reach, app_reach):
        return False
    return (user_reach is Reach.NONE) != (app_reach is Reach.NONE)


def _problem(users: Resolved, apps: Resolved) -> str:
    user_text, app_text = _phrase(users, USERS), _phrase(apps, APPS)
    if reach(users.value, USERS) is Reach.NONE:
        return (
            f"usersAndGroups is {user_text} but applications is {app_text}; blocking all users "
            "blocks every application, so block AllApplications too, or allow the users who "
            "need access"
        )
    if access_type(users.value) == "blocked":
        return (
            f"usersAndGroups is {user_text} but applications is {app_text}; Graph documents "
            "this as blocking these users from every application, but the admin center "
            "requires all users blocked when all applications are; to say the same in a form "
            "both accept, allow AllApplications"
        )
    return (
        f"usersAndGroups is {user_text} but applications is {app_text}, so no application is "
        "allowed; allow at least one application, or block AllUsers too"
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
    problem = _problem(users, apps)
    # Documented by Graph, refused by the admin center: a warning, not an error.
    disputed = access_type(users.value) == "blocked" and reach(users.value, USERS) is not Reach.NONE
    if len(own) == 2:
        message = f"{visit.owner_label}: {visit.name} contradicts itself: {problem}"
        yield Finding(visit.ref.at_key(), message, severity=Severity.WARNING if disputed else None)
        return
    missing = APPS if own == [USERS] else USERS
    inherited = parts[missing]
    origin = "the default" if inherited.source is Source.DEFAULT else "the service default"
    message = (
        f"{visit.owner_label}: {visit.name} sets only {own[0]}; if Graph fills the missing "
        f"{missing} from {origin}, as b2blint assumes (Microsoft does not document it), the "
        f"setting contradicts itself: {problem}; or write {missing} explicitly"
    )
    related: tuple[Related, ...] = ()
    if inherited.source is Source.DEFAULT and inherited.ref is not None:
        related = (Related(inherited.ref.at_key(), "inherited from the default here"),)
    yield Finding(visit.ref.child(own[0], key=True), message, related, severity=Severity.WARNING)


RULE = Rule(
    id="XTA007",
    name="users-apps-conflict",
    severity=Severity.ERROR,
    summary="The users and the applications of one setting contradict each other.",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
)
