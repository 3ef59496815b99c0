"""Does one sign-in get through one B2B-shaped setting? Graph's documented reading, three-valued.

A crossTenantAccessPolicyB2BSetting has two halves, ``usersAndGroups`` and ``applications``,
each ``{accessType, targets}``. Microsoft's table "Interpreting the API response" (Graph
crossTenantAccessPolicy overview [S2],
https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview) gives the
meaning of every combination; with U the user targets and A the application targets:

=================  =======================================  ===================================
users / apps        documented example                       reading
=================  =======================================  ===================================
allowed / allowed   "Users in group 'g1' are only allowed    pass iff user in U and app in A
                    to access application 'a1'"
allowed / blocked   "All users in group 'g1' are allowed to  pass iff user in U and app not in A
                    access any application except 'a1'"
blocked / allowed   "Users in group 'g1' can't access any    pass iff user not in U and app in A
                    application. Any user not in group 'g1'
                    can only access application 'a1'"
blocked / blocked   "Users in group 'g1' are blocked from    blocked iff user in U and app in A
                    accessing application 'a1' only. All
                    users, including users in group 'g1'
                    are able to access any other
                    application"; and with AllApplications:
                    "Other users not in group 'g1' have
                    access to all applications"
=================  =======================================  ===================================

The last row is *not* a plain intersection of the two halves: two block lists block the
pairs, not the union. One exception, from the Entra admin center guides: when
``usersAndGroups`` blocks ``AllUsers``, every application is blocked whatever the application
half says ("If you block access for all users and groups, this also blocks all external
applications from being accessed via B2B collaboration", cross-tenant-access-settings-b2b-
collaboration; "Blocking access for all external users and groups also blocks all your internal
applications from being shared via B2B direct connect", cross-tenant-access-settings-b2b-direct-
connect). Graph's table has no row with ``AllUsers`` blocked and specific applications blocked;
extending its blocked/blocked row to it would let every user reach every other application,
which the Entra sentences contradict, so `evaluate` says blocked and names `ALL_USERS_BLOCKED`.

Keywords (crossTenantAccessPolicyTarget [S8], v1.0 and beta): ``AllUsers`` and
``AllApplications`` stand for everyone / everything. ``AllMicrosoftApps`` "Refers to any
Microsoft cloud application", not to every application: it covers ``Office365`` and the
first-party apps in `MICROSOFT_APPS`; for any other app ID whether it is one is unknown.
``Office365`` "Includes the applications mentioned as part of the Office365 suite". The beta
page lists ``AllGroups`` among the keywords ("one of the following keywords: ``AllUsers``,
``AllGroups``, and ``AllApplications``") without saying what it covers; b2blint reads it as
"every member of some group": a user given with a group matches, a user given without groups
does not, and an unspecified user is unknown.

Answers are ``True``, ``False`` or ``None`` (unknown, with the reason in words) because the
files cannot say everything: which groups a user is in (b2blint does not read directories),
and which app IDs the ``Office365`` target covers (Microsoft publishes the suite's contents
for Conditional Access by service name, without app IDs, and not for cross-tenant access:
https://learn.microsoft.com/entra/identity/conditional-access/reference-office-365-application-contents).
Unknowns combine with Kleene's three-valued logic, so a verdict is only ``None`` when the
unknown really matters.

This is the one reading of the table: the simulator asks `evaluate` about one sign-in; the
lint rules ask `reach`, `allows_any` and `lets_through`, summaries over every user and app,
which tests/policy/test_one_reading.py checks against the table and `evaluate`. A target that
is not a user (``Office365`` in ``usersAndGroups``) or not an application (``AllUsers`` in
``applications``), or has no string ``target``, names nobody. An empty ``targets`` list is not
documented; it is read literally (``allowed []`` lets nothing through, ``blocked []`` blocks
nothing).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from b2blint.policy.effective import Resolved

ALL_USERS = "AllUsers"
ALL_GROUPS = "AllGroups"
ALL_APPLICATIONS = "AllApplications"
OFFICE_365 = "Office365"
ALL_MICROSOFT_APPS = "AllMicrosoftApps"
#: Keywords written like "all" (XTA008 checks they are not mixed with specific targets).
ALL_APP_KEYWORDS = frozenset({ALL_APPLICATIONS, ALL_MICROSOFT_APPS})
APP_KEYWORDS = ALL_APP_KEYWORDS | {OFFICE_365}
USER_KEYWORDS = frozenset({ALL_USERS, ALL_GROUPS})

#: Microsoft first-party app IDs b2blint knows, so that ``AllMicrosoftApps`` ("any Microsoft
#: cloud application", crossTenantAccessPolicyTarget) can be answered for them. Sources:
#: Microsoft's "Application IDs for commonly used Microsoft applications" table (Verify
#: first-party Microsoft applications in sign-in reports, MicrosoftDocs/SupportArticles-docs
#: support/azure/active-directory/verify-first-party-apps-sign-in.md), a subset; Rights
#: Management Services from cross-tenant-access-overview ("app ID
#: 00000012-0000-0000-c000-000000000000"); the second Microsoft Admin Portals app from
#: cross-tenant-access-settings-b2b-collaboration. Any other app ID is `depends` under it.
MICROSOFT_APPS: Mapping[str, str] = {
    "00000012-0000-0000-c000-000000000000": "Microsoft Rights Management Services",
    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c": "Azure Portal",
    "80ccca67-54bd-44ab-8625-4b79c4dc7775": "Microsoft Admin Portals (Defender, Intune, Purview)",
    "00000003-0000-0000-c000-000000000000": "Microsoft Graph",
    "00000002-0000-0000-c000-000000000000": "Windows Azure Active Directory",
    "00000002-0000-0ff1-ce00-000000000000": "Office 365 Exchange Online",
    "00000003-0000-0ff1-ce00-000000000000": "Office 365 SharePoint Online",
    "1fec8e78-bce4-4aaf-ab1b-5451cc387264": "Microsoft Teams",
    "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe": "Microsoft Teams Services",
    "d3590ed6-52b3-4102-aeff-aad2292ab01c": "Microsoft Office",
    "00000009-0000-0000-c000-000000000000": "Power BI Service",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": "Windows Azure Service Management API",
}

#: Entra's sentences behind `evaluate`'s one exception to Graph's blocked/blocked row.
ALL_USERS_BLOCKED = (
    'usersAndGroups blocks AllUsers, which blocks every application (Entra: "If you block '
    "access for all users and groups, this also blocks all external applications\"; Graph's "
    "table has no row for AllUsers blocked with specific applications blocked)"
)

#: Keywords and the targetType every documented example pairs them with [S8].
KEYWORD_TYPES: Mapping[str, str] = {
    ALL_USERS: "user",
    ALL_GROUPS: "group",
    ALL_APPLICATIONS: "application",
    OFFICE_365: "application",
    ALL_MICROSOFT_APPS: "application",
}

USERS = "usersAndGroups"
APPS = "applications"
HALVES = (USERS, APPS)

#: Keywords written as "all ..." in each half [S8] (XTA008: not to be mixed with targets).
ALL_KEYWORDS: Mapping[str, frozenset[str]] = {
    USERS: frozenset({ALL_USERS}),
    APPS: ALL_APP_KEYWORDS,
}

#: Keywords that really cover every user / every application: ``AllMicrosoftApps`` covers
#: Microsoft cloud applications only, ``AllGroups`` members of some group [S8].
EVERY: Mapping[str, frozenset[str]] = {
    USERS: frozenset({ALL_USERS}),
    APPS: frozenset({ALL_APPLICATIONS}),
}

Tri = bool | None

#: The unknown when no application was given (the targets decide which apps get through).
UNKNOWN_APP = "which application is used"


def and3(*values: Tri) -> Tri:
    """Kleene conjunction: False wins, then unknown."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def or3(*values: Tri) -> Tri:
    """Kleene disjunction: True wins, then unknown."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def not3(value: Tri) -> Tri:
    return None if value is None else not value


def short_id(value: str) -> str:
    """A GUID as people scan it in a review (``5e3a1b2c…``); keywords unchanged."""
    return value[:8] + "…" if len(value) == 36 and value.count("-") == 4 else value


class Subject(NamedTuple):
    """Who signs in, as far as the question says.

    ``specified`` is False when neither a user nor a group was given: then membership of any
    specific target is unknown. When either is given, the subject is taken as complete: the
    user is in exactly the groups listed (so a user given without groups is in no listed
    group), and is no other user.
    """

    user: str | None = None
    groups: frozenset[str] = frozenset()

    @property
    def specified(self) -> bool:
        return self.user is not None or bool(self.groups)


#: A subject the question says nothing about.
ANYONE = Subject()


class Match(NamedTuple):
    """The answer for one half: the value, the target that decided it, and unknowns in words."""

    value: Tri
    target_index: int | None = None
    unknowns: tuple[str, ...] = ()


def access_type(config: Any) -> str | None:
    value = config.get("accessType") if isinstance(config, Mapping) else None
    return value if value in ("allowed", "blocked") else None


def targets(config: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """``(index, target)`` for every well-formed target entry of a half."""
    items = config.get("targets") if isinstance(config, Mapping) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]


def target_value(item: Mapping[str, Any]) -> str | None:
    """The ``target`` of an entry as written (None unless a string)."""
    value = item.get("target")
    return value if isinstance(value, str) else None


def target_key(item: Mapping[str, Any]) -> str | None:
    """A target's identity: GUIDs compare case-insensitively, keywords exactly [S8]."""
    target = item.get("target")
    if not isinstance(target, str):
        return None
    return target if target in APP_KEYWORDS or target in USER_KEYWORDS else target.lower()




def _combine(found: Sequence[tuple[int, Tri, str | None]]) -> Match:
    """OR over targets: the first True decides; else unknown if any is unknown."""
    for index, value, _ in found:
        if value is True:
            return Match(True, index)
    unknowns = tuple(dict.fromkeys(why for _, value, why in found if value is None and why))
    return Match(None if unknowns else False, None, unknowns)


def user_match(config: Any, subject: Subject) -> Match:
    """Whether the subject is one of the half's user/group targets.

    Unknowns are fragments (``in group <id>``, ``user <id>``) for `depends_on` to join.
    """
    found: list[tuple[int, Tri, str | None]] = []
    for index, item in targets(config):
        target = target_key(item)
        if target is None:
            continue
        if target == ALL_USERS:
            found.append((index, True, None))
            continue
        if target == ALL_GROUPS:
            if subject.specified:
                found.append((index, bool(subject.groups), None))
            else:
                found.append((index, None, "in any group (AllGroups)"))
            continue
        if target in APP_KEYWORDS:
            found.append((index, False, None))
            continue
        kind = item.get("targetType")
        if not subject.specified:
            relation = (
                "in group" if kind == "group" else "user" if kind == "user" else "user or in group"
            )
            found.append((index, None, f"{relation} {target}"))
        elif kind == "group":
            found.append((index, target in subject.groups, None))
        elif kind == "user":
            found.append((index, target == subject.user, None))
        else:
            found.append((index, target == subject.user or target in subject.groups, None))
    return _combine(found)


def _microsoft(app: str) -> tuple[Tri, str | None]:
    """Whether requested ``app`` (an app ID or Office365) is a Microsoft cloud application."""
    if app == OFFICE_365 or app in MICROSOFT_APPS:
        return True, None
    return None, f"whether app {app} is a Microsoft cloud application (AllMicrosoftApps)"


def _covers(target: str, app: str | None) -> tuple[Tri, str | None]:
    """Whether target ``target`` includes all of requested ``app``."""
    if target == ALL_APPLICATIONS:
        return True, None
    if app is None:
        return None, UNKNOWN_APP
    if target == ALL_MICROSOFT_APPS:
        return (False, None) if app == ALL_APPLICATIONS else _microsoft(app)
    if app == ALL_APPLICATIONS:
        return False, None
    if app == OFFICE_365:
        return target == OFFICE_365, None
    if target == OFFICE_365:
        return None, f"whether app {app} is part of Office 365"
    return target == app, None


def _meets(target: str, app: str | None) -> tuple[Tri, str | None]:
    """Whether target ``target`` includes any part of requested ``app``."""
    if ALL_APPLICATIONS in (target, app):
        return True, None
    if app is None:
        return None, UNKNOWN_APP
    if target == ALL_MICROSOFT_APPS:
        return _microsoft(app)
    if app == OFFICE_365:
        if target == OFFICE_365:
            return True, None
        return None, f"whether app {target} is part of Office 365"
    if target == OFFICE_365:
        return None, f"whether app {app} is part of Office 365"
    return target == app, None


def app_match(config: Any, app: str | None, *, whole: bool) -> Match:
    """Whether the half's app targets include all (``whole``) or any part of ``app``.

    ``app`` is a lower-case app ID, ``Office365``, ``AllApplications`` or None (not given).
    An allow list must include the whole request; a block list blocks
    a request it meets at all.
    """
    relation = _covers if whole else _meets
    found: list[tuple[int, Tri, str | None]] = []
    for index, item in targets(config):
        target = target_key(item)
        if target is None or target in USER_KEYWORDS:
            continue
        value, why = relation(target, app)
        found.append((index, value, why))
    return _combine(found)


class SettingResult(NamedTuple):
    """The verdict of one B2B setting: passes or not, and which halves decided it."""

    passes: Tri
    users: Match
    apps: Match
    deciding: tuple[str, ...]  # USERS and/or APPS
    problem: str | None = None  # a half without a usable accessType
    basis: str | None = None  # a documented rule beyond Graph's table that decided, in words


def evaluate(
    users_config: Any, apps_config: Any, subject: Subject, app: str | None
) -> SettingResult:
    """Apply the documented table (module docstring) to one sign-in."""
    user_type, app_type = access_type(users_config), access_type(apps_config)
    if user_type is None or app_type is None:
        half = USERS if user_type is None else APPS
        empty = Match(None)
        return SettingResult(
            None, empty, empty, (half,), f"{half} has no accessType 'allowed' or 'blocked'"
        )
    users = user_match(users_config, subject)
    apps = app_match(apps_config, app, whole=app_type == "allowed")
    user_term = users.value if user_type == "allowed" else not3(users.value)
    app_term = apps.value if app_type == "allowed" else not3(apps.value)
    if user_type == "blocked" and app_type == "blocked":
        passes = not3(and3(users.value, apps.value))
        deciding: tuple[str, ...] = (USERS, APPS)
        if passes is not False and names_every(users_config, USERS):
            return SettingResult(False, users, apps, (USERS,), basis=ALL_USERS_BLOCKED)
    else:
        passes = and3(user_term, app_term)
        if passes is True:
            deciding = (USERS, APPS)
        else:
            wanted = passes  # False: the halves that fail; None: the unknown ones
            deciding = tuple(
                half for half, term in ((USERS, user_term), (APPS, app_term)) if term is wanted
            )
    return SettingResult(passes, users, apps, deciding)


def depends_on(result: SettingResult) -> str:
    """What an unknown verdict hangs on, in words: ``whether the user is in group X or ...``."""
    found = []
    if USERS in result.deciding and result.users.unknowns:
        found.append("whether the user is " + " or ".join(result.users.unknowns))
    if APPS in result.deciding and result.apps.unknowns:
        found.append(" and ".join(result.apps.unknowns))
    return " and on ".join(found) or "settings b2blint cannot read"


class Reach(str, enum.Enum):
    """How much of its half a target configuration lets through."""

    ALL = "all"  # everyone / every application
    SOME = "some"  # a proper subset: an allow list, or a block list of specific targets
    NONE = "none"  # nobody / no application
    UNKNOWN = "unknown"  # no usable accessType: the rules stay silent


def _names(config: Any, part: str) -> tuple[bool, bool]:
    """Whether a half names everyone/everything, and whether it names a specific member.

    A target that is not of the half's kind (``Office365`` among users, ``AllUsers`` among
    applications) names nobody, as `user_match` and `app_match` read it.
    """
    everyone = some = False
    for _, item in targets(config):
        key = target_key(item)
        if key is None or key in (USER_KEYWORDS if part == APPS else APP_KEYWORDS - EVERY[APPS]):
            continue
        if key in EVERY[part]:
            everyone = True
        elif part == APPS or key not in EVERY[APPS]:
            some = True
    return everyone, some


def _half_term(config: Any, part: str, who: Subject | str) -> Tri:
    """Whether one user (or app) gets through one half on its own."""
    if part == USERS:
        assert isinstance(who, Subject)
        value = user_match(config, who).value
    else:
        assert isinstance(who, str)
        value = app_match(config, who, whole=access_type(config) == "allowed").value
    return value if access_type(config) == "allowed" else not3(value)


def reach(config: Any, part: str) -> Reach:
    """What one half lets through: all, some or none of its users (applications).

    The same answer as asking `user_match` / `app_match` about every member the half names
    and one it does not (tests/policy/test_one_reading.py), in one pass over the targets:
    the lint rules ask it for every setting.
    """
    kind = access_type(config)
    if kind is None:
        return Reach.UNKNOWN
    everyone, some = _names(config, part)
    if everyone:
        return Reach.ALL if kind == "allowed" else Reach.NONE
    if some:
        return Reach.SOME
    return Reach.NONE if kind == "allowed" else Reach.ALL


def lets_through(config: Any, part: str, target: str) -> Tri:
    """Whether ``target`` (a user ID or an app ID/keyword) gets through one half on its own."""
    if access_type(config) is None:
        return None
    who: Subject | str
    if part == USERS:
        who = Subject(user=target.lower())
    else:
        who = target if target in APP_KEYWORDS else target.lower()
    return _half_term(config, part, who)


def allows_any(users: Any, apps: Any) -> Tri:
    """Whether a B2B setting lets anyone reach anything (None if either half is unreadable).

    Rows allowed/allowed, allowed/blocked and blocked/allowed of the table intersect the
    halves; two block lists block only the pairs they both name ("Users in group 'g1' are
    blocked from accessing application 'a1' only. All users, including users in group 'g1'
    are able to access any other application"), except that blocking AllUsers blocks every
    application (`ALL_USERS_BLOCKED`): so with two block lists nobody gets through exactly
    when the users half blocks everyone.
    """
    user_reach, app_reach = reach(users, USERS), reach(apps, APPS)
    if Reach.UNKNOWN in (user_reach, app_reach):
        return None
    if access_type(users) == "blocked" and access_type(apps) == "blocked":
        return user_reach is not Reach.NONE
    return user_reach is not Reach.NONE and app_reach is not Reach.NONE


def users_pass(config: Any, subject: Subject) -> Match:
    """Whether the subject gets through the ``usersAndGroups`` half alone (value as a pass).

    Invitations are decided here, not by applications: "Block access: Blocks the users and
    groups specified under Applies to from being invited to B2B collaboration" (Entra,
    cross-tenant-access-settings-b2b-collaboration, inbound "External users and groups").
    """
    kind = access_type(config)
    if kind is None:
        return Match(None)
    found = user_match(config, subject)
    value = found.value if kind == "allowed" else not3(found.value)
    return Match(value, found.target_index, found.unknowns)


def names_every(config: Any, part: str) -> bool:
    """Whether the targets contain the keyword for every user (application): `EVERY`."""
    keywords = EVERY[part]
    return any(item.get("target") in keywords for _, item in targets(config))


def names_all(config: Any, part: str) -> bool:
    """Whether the configuration's targets contain the "everyone/everything" keyword."""
    keywords = ALL_KEYWORDS[part]
    return any(item.get("target") in keywords for _, item in targets(config))


def describe(config: Any, part: str) -> str:
    """A short phrase for messages: ``blocked for AllApplications``, ``allowed for 2 targets``."""
    kind = access_type(config) or "unset"
    items = [item for _, item in targets(config)]
    if names_all(config, part):
        keyword = next(i.get("target") for i in items if i.get("target") in ALL_KEYWORDS[part])
        return f"{kind} for {keyword}"
    if len(items) == 1 and isinstance(items[0].get("target"), str):
        return f"{kind} for {items[0]['target']}"
    return f"{kind} for {len(items)} targets"


def _halves(resolved: Resolved) -> tuple[Any, Any]:
    users, apps = (resolved.parts.get(half) for half in HALVES)
    return (users.value if users else None, apps.value if apps else None)


def lets_anyone(resolved: Resolved) -> Tri:
    """`allows_any` of an effective B2B setting's two halves."""
    return allows_any(*_halves(resolved))


def blocking_part(resolved: Resolved) -> Resolved | None:
    """The half of an effective B2B setting that lets nobody (nothing) through, if any.

    None when the setting still lets someone reach something: two block lists block only the
    pairs they both name, so ``blocked`` for a group plus ``blocked`` for AllApplications
    blocks that group alone (crossTenantAccessPolicy overview, "Block users in group 'g1'
    from accessing any application").
    """
    if lets_anyone(resolved) is not False:
        return None
    for half in HALVES:
        part = resolved.parts.get(half)
        if part is not None and reach(part.value, half) is Reach.NONE:
            return part
    return None


def allows(resolved: Resolved) -> bool:
    """True if an effective B2B setting lets someone reach something (False if unknown)."""
    return lets_anyone(resolved) is True
