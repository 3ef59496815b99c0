"""What a crossTenantAccessPolicyTargetConfiguration lets through, for the XTA rules.

Graph's reading of one half (``usersAndGroups`` or ``applications``) of a B2B setting
(crossTenantAccessPolicy overview, "Sample request body" table; graph-facts §5.2 [S2]):
``allowed`` + targets means "only these"; ``blocked`` + targets means "everyone (everything)
except these"; the keywords ``AllUsers`` / ``AllApplications`` stand for everyone / everything.
``AllMicrosoftApps`` is documented as a reserved synonym of ``AllApplications`` [S8]. The
effective access of a setting is the intersection of its two halves, except that two block
lists block only the pairs they both name (the overview's last table rows).

An empty ``targets`` list is not documented; it is read literally (``allowed []`` lets nothing
through, ``blocked []`` blocks nothing). A missing or unknown ``accessType`` (null,
``unknownFutureValue``) gives `Reach.UNKNOWN`, and the rules then say nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

USERS = "usersAndGroups"
APPS = "applications"

#: Keywords that mean "every user" / "every application" in each half [S8].
ALL_KEYWORDS: Mapping[str, frozenset[str]] = {
    USERS: frozenset({"AllUsers"}),
    APPS: frozenset({"AllApplications", "AllMicrosoftApps"}),
}
ANY_ALL_KEYWORD = frozenset().union(*ALL_KEYWORDS.values())


class Reach(str, enum.Enum):
    """How much of its half a target configuration lets through."""

    ALL = "all"  # everyone / every application
    SOME = "some"  # a proper subset: an allow list, or a block list of specific targets
    NONE = "none"  # nobody / no application
    UNKNOWN = "unknown"  # no usable accessType: the rules stay silent


def access_type(config: Any) -> str | None:
    value = config.get("accessType") if isinstance(config, Mapping) else None
    return value if value in ("allowed", "blocked") else None


def target_items(config: Any) -> list[Mapping[str, Any]]:
    """The target entries of a configuration (malformed entries skipped)."""
    targets = config.get("targets") if isinstance(config, Mapping) else None
    if not isinstance(targets, list):
        return []
    return [item for item in targets if isinstance(item, Mapping)]


KEYWORDS = ANY_ALL_KEYWORD | {"Office365"}


def normalize(target: str) -> str:
    """A target's identity: GUIDs compare case-insensitively, keywords exactly [S8]."""
    return target if target in KEYWORDS else target.lower()


def target_key(item: Mapping[str, Any]) -> str | None:
    target = item.get("target")
    return normalize(target) if isinstance(target, str) else None


def names_all(config: Any, part: str) -> bool:
    """Whether the configuration's targets contain the "everyone/everything" keyword."""
    keywords = ALL_KEYWORDS[part]
    return any(item.get("target") in keywords for item in target_items(config))


def reach(config: Any, part: str) -> Reach:
    """What one half lets through (see the module docstring)."""
    kind = access_type(config)
    if kind is None:
        return Reach.UNKNOWN
    keywords = ALL_KEYWORDS[part]
    targets = config.get("targets")
    named = False
    for item in targets if isinstance(targets, list) else ():
        if isinstance(item, Mapping):
            if item.get("target") in keywords:
                return Reach.ALL if kind == "allowed" else Reach.NONE
            named = True
    if not named:
        return Reach.NONE if kind == "allowed" else Reach.ALL
    return Reach.SOME


def lets_through(config: Any, part: str, target: str) -> bool | None:
    """Whether ``target`` (a GUID or keyword) gets through this half; None if unknown."""
    kind = access_type(config)
    if kind is None:
        return None
    wanted = normalize(target)
    named = names_all(config, part) or any(
        target_key(item) == wanted for item in target_items(config)
    )
    return named if kind == "allowed" else not named


def allows_any(users: Any, apps: Any) -> bool | None:
    """Whether a B2B setting lets anyone reach anything (None if either half is unknown)."""
    user_reach, app_reach = reach(users, USERS), reach(apps, APPS)
    if Reach.UNKNOWN in (user_reach, app_reach):
        return None
    if access_type(users) == "blocked" and access_type(apps) == "blocked":
        # Two block lists block only the (user, app) pairs they both name: "Users in group
        # 'g1' are blocked from accessing application 'a1' only. All users, including users in
        # group 'g1' are able to access any other application" (crosstenantaccesspolicy-overview,
        # "Interpreting the API response"). Nobody gets through only if both name everything.
        return not (user_reach is Reach.NONE and app_reach is Reach.NONE)
    return user_reach is not Reach.NONE and app_reach is not Reach.NONE


def describe(config: Any, part: str) -> str:
    """A short phrase for messages: ``blocked for AllApplications``, ``allowed for 2 targets``."""
    kind = access_type(config) or "unset"
    items = target_items(config)
    if names_all(config, part):
        keyword = next(i.get("target") for i in items if i.get("target") in ALL_KEYWORDS[part])
        return f"{kind} for {keyword}"
    if len(items) == 1 and isinstance(items[0].get("target"), str):
        return f"{kind} for {items[0]['target']}"
    return f"{kind} for {len(items)} targets"
