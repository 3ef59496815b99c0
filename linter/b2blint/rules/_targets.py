"""Targets and effective B2B settings as the XTA009-XTA015 and EXT rules read them.

A crossTenantAccessPolicyTargetConfiguration is ``{accessType, targets: [{target,
targetType}]}``; a B2B-shaped setting has one for ``usersAndGroups`` and one for
``applications``, combined as an intersection. What one half lets through is `_access.reach`
(shared with XTA007/XTA008), so every rule agrees on "blocked" and "allowed".
Keywords (case-sensitive in every doc example): ``AllUsers`` for users, ``AllApplications``,
``Office365`` and the reserved ``AllMicrosoftApps`` (same meaning as AllApplications) for
applications (https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytarget).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.policy.effective import Resolved, Source
from b2blint.policy.reach import Reach, allows_any, reach
from b2blint.rules._rule import Related

ALL_USERS = "AllUsers"
ALL_APPLICATIONS = "AllApplications"
OFFICE_365 = "Office365"
ALL_MICROSOFT_APPS = "AllMicrosoftApps"

#: Keywords and the targetType every documented example pairs them with.
KEYWORD_TYPES: Mapping[str, str] = {
    ALL_USERS: "user",
    ALL_APPLICATIONS: "application",
    OFFICE_365: "application",
    ALL_MICROSOFT_APPS: "application",
}

HALVES = ("usersAndGroups", "applications")


def iter_targets(config: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(index, target)`` for every target mapping of a target configuration."""
    if not isinstance(config, Mapping):
        return
    targets = config.get("targets")
    if not isinstance(targets, list):
        return
    for index, target in enumerate(targets):
        if isinstance(target, Mapping):
            yield index, target


def target_value(target: Mapping[str, Any]) -> str | None:
    value = target.get("target")
    return value if isinstance(value, str) else None


def blocking_part(resolved: Resolved) -> Resolved | None:
    """The half of an effective B2B setting that lets nobody (nothing) through, if any.

    None when the setting still lets someone reach something: two block lists block only the
    pairs they both name, so ``blocked`` for a group plus ``blocked`` for AllApplications
    blocks that group alone (crossTenantAccessPolicy overview, "Block users in group 'g1'
    from accessing any application").
    """
    users, apps = (resolved.parts.get(half) for half in HALVES)
    if allows_any(users.value if users else None, apps.value if apps else None) is not False:
        return None
    for half in HALVES:
        part = resolved.parts.get(half)
        if part is not None and reach(part.value, half) is Reach.NONE:
            return part
    return None


def allows(resolved: Resolved) -> bool:
    """True if an effective B2B setting lets someone reach something (False if unknown)."""
    users, apps = (resolved.parts.get(half) for half in HALVES)
    return allows_any(users.value if users else None, apps.value if apps else None) is True


def origin(part: Resolved, *, of_default: bool = False) -> str:
    """How a message names where an effective value comes from."""
    if part.source is Source.SERVICE:
        return "service default"
    if part.source is Source.DEFAULT:
        return "inherited from the default"
    return "set in the default" if of_default else "set on the partner"


def related_for(part: Resolved, what: str) -> tuple[Related, ...]:
    """A `Related` pointing at an inherited or explicit value, when it is written somewhere."""
    if part.ref is None:
        return ()
    message = "inherited from the default here" if part.source is Source.DEFAULT else what
    return (Related(part.ref, message),)
