"""## What it does
Checks that every cross-tenant access target has a `targetType` that fits it and sits in the
right list:

- a keyword with another type than the one every Microsoft example pairs it with: `AllUsers`
  must be `user`; `AllApplications`, `Office365` and `AllMicrosoftApps` must be `application`;
- an application (a `targetType: application`, or an application keyword) under
  `usersAndGroups` (or `users`), and a user or group (or `AllUsers`) under `applications`;
- the reserved keyword `AllMicrosoftApps`.

It covers the B2B settings, `tenantRestrictions` and the newer `m365CollaborationInbound`
(`users`), `m365CollaborationOutbound` (`usersAndGroups`) and `appServiceConnectInbound`
(`applications`), in the default and in every partner.

## Why is this bad?
`usersAndGroups` holds object IDs of users and groups, `applications` holds application IDs
(client or resource app IDs). A target in the wrong list, or with the wrong type, does not
mean what it says: Graph's documentation defines no meaning for `AllUsers` as a `group` or
for an application among the users. The Graph target page (v1.0 and beta) lists
`AllMicrosoftApps` only as a reserved value "for targets that are applications", which
"Refers to any Microsoft cloud application": not every application, and no example or
service response uses it.

The severity is **warning**, honestly: Microsoft documents which pairs to use, but not that
the API rejects the others (graph-facts §5a). Treat a finding as "this will not do what you
meant", not as "Graph returns 400".

## How to fix
Use the documented pair: `{target: AllUsers, targetType: user}`,
`{target: AllApplications, targetType: application}`,
`{target: Office365, targetType: application}`. Move application IDs to `applications` and
user/group object IDs to `usersAndGroups`. Replace `AllMicrosoftApps` with `AllApplications`
if you meant every application, or list the Microsoft apps you meant.

## References
- crossTenantAccessPolicyTarget (keywords, reserved values):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytarget
- Configure B2B collaboration cross-tenant access (object IDs for users and groups, client or
  resource app IDs for applications):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- crossTenantAccessPolicyM365CollaborationInboundSetting (`users`):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicym365collaborationinboundsetting
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.model import B2B_SETTINGS, Policy, Ref
from b2blint.policy.targets import ALL_MICROSOFT_APPS, KEYWORD_TYPES, target_value, targets
from b2blint.rules._rule import Context, Finding, Rule, Visit

#: Target-configuration properties per setting, and whether each lists principals (users
#: and groups) or applications. B2B settings: crossTenantAccessPolicyB2BSetting; the three
#: newer settings: crossTenantAccessPolicyM365Collaboration*Setting and
#: crossTenantAccessPolicyAppServiceConnectSetting (learn, 2026).
_LISTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    **{
        name: (("usersAndGroups", "principals"), ("applications", "applications"))
        for name in B2B_SETTINGS
    },
    "m365CollaborationInbound": (("users", "principals"),),
    "m365CollaborationOutbound": (("usersAndGroups", "principals"),),
    "appServiceConnectInbound": (("applications", "applications"),),
}

_PRINCIPAL_TYPES = frozenset({"user", "group"})


def _owner(owner: str, setting: str, half: str) -> str:
    return f"{setting}.{half} of {owner}"


def _problems(target: Mapping[str, Any], kind: str) -> Iterator[tuple[bool, str]]:
    """``(at targetType, message)`` for each problem of one target."""
    value = target_value(target)
    target_type = target.get("targetType")
    expected = KEYWORD_TYPES.get(value) if value is not None else None
    if expected is not None and target_type != expected:
        given = f"is paired with targetType '{target_type}'" if target_type else "has no targetType"
        yield (
            "targetType" in target,
            (f"'{value}' {given}; every Microsoft example uses targetType '{expected}'"),
        )
    # What the target is: a keyword says so itself; an object ID is what its targetType says.
    actual = expected if expected is not None else target_type
    is_app = actual == "application"
    is_principal = actual in _PRINCIPAL_TYPES
    if kind == "principals" and is_app:
        yield (
            False,
            (
                f"application target '{value}' is listed among users and groups; move it to "
                "'applications' (this list holds user and group object IDs)"
            ),
        )
    elif kind == "applications" and is_principal:
        yield (
            False,
            (
                f"user or group target '{value}' is listed among applications; move it to "
                "'usersAndGroups' (this list holds application IDs)"
            ),
        )
    if value == ALL_MICROSOFT_APPS:
        yield (
            False,
            (
                "'AllMicrosoftApps' is only a reserved value on the Graph target page (\"any "
                "Microsoft cloud application\", not every application) and never "
                "appears in Microsoft's examples or responses; use 'AllApplications' for every "
                "application, or list the Microsoft apps meant"
            ),
        )


def _check_setting(owner: str, name: str, value: Any, ref: Ref) -> Iterator[Finding]:
    if not isinstance(value, Mapping):
        return
    for half, kind in _LISTS[name]:
        config = value.get(half)
        for index, target in targets(config):
            item = ref.child(half, "targets", index)
            for at_type, problem in _problems(target, kind):
                yield Finding(
                    item.child("targetType") if at_type else item,
                    f"{_owner(owner, name, half)}: {problem}.",
                )


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    default = policy.section("default")
    if default is not None and isinstance(default.value, Mapping):
        for name in _LISTS:
            value = default.value.get(name)
            yield from _check_setting("the default", name, value, default.ref.child(name))
    for partner in policy.partners:
        settings = partner.settings
        for name in _LISTS:
            value = settings.get(name)
            if value is not None:
                yield from _check_setting(
                    f"partner {partner.label}", name, value, partner.settings_ref.child(name)
                )


RULE = Rule(
    id="XTA009",
    name="target-type-mismatch",
    severity=Severity.WARNING,
    summary="A target's targetType or list does not fit it (AllUsers as a group, an app in users).",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
