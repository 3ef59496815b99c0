"""Effective access in the words an admin reads in a pull request.

``users: only group 5e3a1b2c…; apps: Office365`` rather than the Graph JSON. The phrases follow
the documented users x applications table (see `b2blint.policy.targets`): an allow list reads
"only ...", a block list "all except ...", and a setting through which nobody passes reads
"blocked for everyone". Two block lists with specific targets on both sides block only the
pairs (Graph's "Block users in group 'g1' from accessing application 'a1'"), which no
per-half phrase can say, so that case gets its own wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b2blint.policy.targets import (
    ALL_APP_KEYWORDS,
    APPS,
    USER_KEYWORDS,
    USERS,
    access_type,
    reach,
    short_id,
    targets,
)

EVERYONE_BLOCKED = "blocked for everyone"


def _label(item: Mapping[str, Any], half: str) -> str:
    target = item.get("target")
    if not isinstance(target, str):
        return "?"
    if target in ALL_APP_KEYWORDS or target in USER_KEYWORDS or target == "Office365":
        return target
    kind = item.get("targetType")
    noun = "app" if half != USERS else kind if kind in ("user", "group") else "user or group"
    return f"{noun} {short_id(target)}"


def _reach(config: Any, half: str) -> str:
    """``all``, ``none`` or ``some`` for one half (``unknown`` without an accessType)."""
    return reach(config, half).value


def _listed(config: Any, half: str) -> str:
    return ", ".join(_label(item, half) for _, item in targets(config))


def half_phrase(config: Any, half: str) -> str:
    """``all``, ``none``, ``only group 5e3a1b2c…`` or ``all except Office365``."""
    reach = _reach(config, half)
    if reach == "unknown":
        shown = config.get("accessType") if isinstance(config, Mapping) else None
        return f"unreadable (accessType {shown!r})"
    if reach != "some":
        return reach
    listed = _listed(config, half)
    return f"only {listed}" if access_type(config) == "allowed" else f"all except {listed}"


def facets(value: Any) -> dict[str, str]:
    """The effective B2B setting ``{usersAndGroups, applications}`` as named phrases.

    Normally ``{"users": ..., "apps": ...}``; ``{"access": "blocked for everyone"}`` when no
    one passes; ``{"access": "all, except ..."}`` for two block lists of specific targets.
    """
    users = value.get(USERS) if isinstance(value, Mapping) else None
    apps = value.get(APPS) if isinstance(value, Mapping) else None
    user_type, app_type = access_type(users), access_type(apps)
    user_reach, app_reach = _reach(users, USERS), _reach(apps, APPS)
    if "unknown" not in (user_reach, app_reach):
        if user_type == "blocked" and app_type == "blocked":
            if "all" in (user_reach, app_reach):  # an empty block list: no pair is blocked
                return {"users": "all", "apps": "all"}
            if user_reach == "none":  # blocking AllUsers blocks every application too
                return {"access": EVERYONE_BLOCKED}
            if user_reach == "some" and app_reach == "some":
                return {
                    "access": f"all users and apps, except {_listed(users, USERS)} "
                    f"blocked from {_listed(apps, APPS)}"
                }
            return {"users": f"all except {_listed(users, USERS)}", "apps": "all"}
        if user_reach == "none" or app_reach == "none":
            return {"access": EVERYONE_BLOCKED}
    return {"users": half_phrase(users, USERS), "apps": half_phrase(apps, APPS)}


def setting_phrase(value: Any) -> str:
    """`facets` in one line: ``users: all; apps: only Office365``."""
    found = facets(value)
    if set(found) == {"access"}:
        return found["access"]
    return "; ".join(f"{name}: {phrase}" for name, phrase in found.items())
