"""One reading of users x applications: every summary b2blint uses agrees with Microsoft's table.

Microsoft's table (crossTenantAccessPolicy overview, "Interpreting the API response",
https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview) gives, for
users U and applications A of one B2B setting:

- allowed/allowed: "Users in group 'g1' are only allowed to access application 'a1'";
- allowed/blocked: "All users in group 'g1' are allowed to access any application except
  application 'a1'";
- blocked/allowed: "Users in group 'g1' can't access any application. Any user not in group
  'g1' can only access application 'a1'";
- blocked/blocked: "Users in group 'g1' are blocked from accessing application 'a1' only. All
  users, including users in group 'g1' are able to access any other application".

`_Table` below is that table written out over a closed world (every named user, group and app,
plus one of each named nowhere; ``Office365`` an app of its own), independently of the code. The
simulator's `evaluate`, and the summaries the rules use (`reach`, `allows_any`, `lets_through`),
are checked against it over every B2B setting in the rule fixtures and over generated settings.

Two documented refinements of the table are written out here too: blocking ``AllUsers``
blocks every application ("If you block access for all users and groups, this also blocks all
external applications from being accessed via B2B collaboration", Entra
cross-tenant-access-settings-b2b-collaboration), and ``AllMicrosoftApps`` "Refers to any
Microsoft cloud application" (crossTenantAccessPolicyTarget, v1.0 and beta): it covers the
known Microsoft app (A2, Rights Management Services) and ``Office365``, and for an app named
nowhere the code must answer unknown. ``AllGroups`` (listed, undefined, on the beta page) is
"a member of some group".

Before this test existed the rules had a second reading (``policy/reach.py``). Run over the
same inputs it agreed on all 52 B2B settings of the rule fixtures and disagreed with the table
on 19 of 600 generated settings (``evaluate`` on none), all whose targets are not users (or not
applications): a users half listing ``Office365`` or ``AllApplications``, an applications half
listing ``AllUsers``, and entries without a string ``target``. It counted them as "some
users/apps named"; the table (and crossTenantAccessPolicyTarget: "target ... The unique
identifier of the user, group, or application; or AllUsers and AllApplications to refer to all
users and applications") names nobody with them. It was deleted; `targets.py` is the one reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from b2blint.policy.targets import (
    APPS,
    USERS,
    Reach,
    Subject,
    access_type,
    allows_any,
    evaluate,
    lets_through,
    reach,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
G1 = "5e3a0b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8"
U1 = "7ba67bdd-48a1-4827-b4ef-2486c01e13e2"
A1 = "0f1e2d3c-4b5a-4968-8776-655443322110"
A2 = "00000012-0000-0000-c000-000000000000"
NOBODY = "11111111-2222-4333-8444-555555555555"  # a user in no group, named nowhere
NOWHERE_APP = "99999999-8888-4777-8666-555555555555"  # an app named nowhere
OTHER_GROUP = "22222222-3333-4444-8555-666666666666"  # a group named nowhere
USER_ALL = {"AllUsers"}
APP_ALL = {"AllApplications"}
APP_WORDS = APP_ALL | {"Office365", "AllMicrosoftApps"}
MICROSOFT = frozenset({A2, "Office365"})  # Microsoft cloud applications in the closed world


@dataclasses.dataclass(frozen=True)
class _Half:
    """One half as a set over the closed world: every member, or the named identities."""

    access: str
    everyone: bool
    users: frozenset[str]  # user (or untyped) targets
    groups: frozenset[str]  # group (or untyped) targets
    microsoft: bool = False  # AllMicrosoftApps among the applications
    any_group: bool = False  # AllGroups among the users


def _half(config: Any, part: str) -> _Half | None:
    access = access_type(config)
    if access is None:
        return None
    items = config.get("targets") if isinstance(config, Mapping) else None
    everyone, users, groups = False, set(), set()
    microsoft = any_group = False
    for item in items if isinstance(items, list) else ():
        target = item.get("target") if isinstance(item, Mapping) else None
        if not isinstance(target, str):
            continue  # names nothing
        if part == USERS:
            if target in USER_ALL:
                everyone = True
                continue
            if target == "AllGroups":
                any_group = True
                continue
            if target in APP_WORDS:
                continue  # an application is not a user or group
        else:
            if target in APP_ALL:
                everyone = True
                continue
            if target == "AllMicrosoftApps":
                microsoft = True
                continue
            if target in USER_ALL or target == "AllGroups":
                continue  # AllUsers is not an application
        ident = target if target == "Office365" else target.lower()
        kind = item.get("targetType")
        if part == APPS or kind != "group":
            users.add(ident)
        if part == USERS and kind not in ("user",):
            groups.add(ident)
    return _Half(access, everyone, frozenset(users), frozenset(groups), microsoft, any_group)


def _in(half: _Half, who: Subject | str) -> bool:
    if half.everyone:
        return True
    if isinstance(who, str):
        return who in half.users or (half.microsoft and who in MICROSOFT)
    return who.user in half.users or bool(who.groups & half.groups) or (
        half.any_group and bool(who.groups)
    )


class _Table:
    """Microsoft's four rows, literally, over the closed world of one setting."""

    def __init__(self, users: _Half, apps: _Half) -> None:
        self.users, self.apps = users, apps
        self.subjects = [Subject(user=NOBODY), Subject(NOBODY, frozenset({OTHER_GROUP}))]
        self.subjects += [Subject(user=u) for u in sorted(users.users)]
        self.subjects += [Subject(user=NOBODY, groups=frozenset({g})) for g in sorted(users.groups)]
        self.app_ids = [NOWHERE_APP, *sorted(apps.users | ({A2} if apps.microsoft else set()))]

    def half_passes(self, half: _Half, who: Subject | str) -> bool:
        return _in(half, who) if half.access == "allowed" else not _in(half, who)

    def passes(self, who: Subject, app: str) -> bool:
        if self.users.access == "blocked" and self.apps.access == "blocked":
            if self.users.everyone:  # Entra: blocking all users blocks all applications
                return False
            return not (_in(self.users, who) and _in(self.apps, app))
        return self.half_passes(self.users, who) and self.half_passes(self.apps, app)

    def reach(self, part: str) -> Reach:
        half = self.users if part == USERS else self.apps
        world: list[Subject | str] = list(self.subjects if part == USERS else self.app_ids)
        found = {self.half_passes(half, x) for x in world}
        return Reach.ALL if found == {True} else Reach.NONE if found == {False} else Reach.SOME

    def allows_any(self) -> bool:
        return any(self.passes(s, a) for s in self.subjects for a in self.app_ids)


def _cfg(access: str, target: str, kind: str) -> dict[str, Any]:
    return {"accessType": access, "targets": [{"target": target, "targetType": kind}]}


IN_G1, NOT_IN_G1 = Subject(user=U1, groups=frozenset({G1})), Subject(user=NOBODY)
ALL_USERS = ("AllUsers", "user")
ALL_APPS = ("AllApplications", "application")
GROUP_G1 = (G1, "group")
APP_A1 = (A1, "application")


@pytest.mark.parametrize(
    ("users", "apps", "expected"),
    [
        # Each row of "Interpreting the API response" (crosstenantaccesspolicy-overview.md, v1.0,
        # microsoftgraph/microsoft-graph-docs-contrib@09455a6); expected is who gets through as
        # (g1 member -> a1, g1 member -> other app, non-member -> a1, non-member -> other app).
        pytest.param(("blocked", *ALL_USERS), ("blocked", *ALL_APPS), (0, 0, 0, 0),
                     id="Block all users and block all applications"),
        pytest.param(("allowed", *ALL_USERS), ("allowed", *ALL_APPS), (1, 1, 1, 1),
                     id="Allow all users and allow all applications"),
        pytest.param(("allowed", *GROUP_G1), ("allowed", *ALL_APPS), (1, 1, 0, 0),
                     id="Users in group 'g1' can access any app. All other users not in group "
                        "'g1' are blocked."),
        pytest.param(("allowed", *ALL_USERS), ("allowed", *APP_A1), (1, 0, 1, 0),
                     id="All users are only allowed to access application 'a1'"),
        pytest.param(("allowed", *GROUP_G1), ("blocked", *APP_A1), (0, 1, 0, 0),
                     id="All users in group 'g1' are allowed to access any application except "
                        "application 'a1'."),
        pytest.param(("blocked", *GROUP_G1), ("blocked", *ALL_APPS), (0, 0, 1, 1),
                     id="Users in group 'g1' can't access any application. Other users not in "
                        "group 'g1' have access to all applications."),
        pytest.param(("blocked", *GROUP_G1), ("allowed", *APP_A1), (0, 0, 1, 0),
                     id="Users in group 'g1' can't access any application. Any user not in group "
                        "'g1' can only access application 'a1'."),
        pytest.param(("allowed", *GROUP_G1), ("allowed", *APP_A1), (1, 0, 0, 0),
                     id="Users in group 'g1' are only allowed to access application 'a1'. All "
                        "users, including users in group 'g1', are blocked from accessing any "
                        "other application."),
        pytest.param(("blocked", *GROUP_G1), ("blocked", *APP_A1), (0, 1, 1, 1),
                     id="Users in group 'g1' are blocked from accessing application 'a1' only. "
                        "All users, including users in group 'g1' are able to access any other "
                        "application."),
    ],
)  # fmt: skip
def test_each_documented_row(
    users: tuple[str, str, str], apps: tuple[str, str, str], expected: tuple[int, ...]
) -> None:
    u, a = _cfg(*users), _cfg(*apps)
    got = tuple(
        int(evaluate(u, a, who, app).passes is True)
        for who in (IN_G1, NOT_IN_G1)
        for app in (A1, NOWHERE_APP)
    )
    assert got == expected
    assert allows_any(u, a) is any(expected)
    assert _disagreements(u, a) == []


def _app_request(app: str) -> str:
    return app if app == "Office365" else app.lower()


def _disagreements(users: Any, apps: Any) -> list[str]:
    """Every way the code's readings of one setting differ from the table."""
    u, a = _half(users, USERS), _half(apps, APPS)
    if u is None or a is None:
        found = []
        if allows_any(users, apps) is not None:
            found.append("allows_any of an unreadable half is not unknown")
        for config, part in ((users, USERS), (apps, APPS)):
            if access_type(config) is None and reach(config, part) is not Reach.UNKNOWN:
                found.append(f"reach of unreadable {part} is not UNKNOWN")
        return found
    table = _Table(u, a)
    found = []
    for part in (USERS, APPS):
        got = reach(users if part == USERS else apps, part)
        if got is not table.reach(part):
            found.append(f"reach({part}) = {got.value}, table: {table.reach(part).value}")
    if allows_any(users, apps) is not table.allows_any():
        found.append(f"allows_any = {allows_any(users, apps)}, table: {table.allows_any()}")
    for app in table.app_ids:
        got_app = lets_through(apps, APPS, app)
        if got_app is not None and got_app is not table.half_passes(a, app):
            found.append(f"lets_through(apps, {app}) = {got_app}")
        for who in table.subjects:
            verdict = evaluate(users, apps, who, _app_request(app)).passes
            # Unknown only where Office365 is in play (its app IDs are not published), or
            # AllMicrosoftApps with an app b2blint does not know as Microsoft's.
            if verdict is None and ("Office365" in a.users or a.microsoft):
                continue
            if verdict is not table.passes(who, app):
                found.append(f"evaluate({who}, {app}) = {verdict}, table: {table.passes(who, app)}")
    return found


def _settings(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every B2B-shaped mapping (one with usersAndGroups or applications) in a YAML value."""
    if isinstance(value, Mapping):
        if USERS in value or APPS in value:
            yield value.get(USERS), value.get(APPS)
        for child in value.values():
            yield from _settings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _settings(child)


def _fixture_settings() -> list[tuple[str, Any, Any]]:
    found = []
    for path in sorted(FIXTURES.rglob("*.yaml")):
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue  # the syntax-error fixtures
        for document in documents:
            for users, apps in _settings(document):
                found.append((str(path.relative_to(FIXTURES)), users, apps))
    return found


FIXTURE_SETTINGS = _fixture_settings()


def test_the_fixtures_hold_enough_settings_to_compare() -> None:
    # Guards the comparison against passing vacuously if the fixtures move.
    assert len(FIXTURE_SETTINGS) >= 50


@pytest.mark.parametrize(("where", "users", "apps"), FIXTURE_SETTINGS)
def test_every_fixture_setting_reads_as_the_table_says(where: str, users: Any, apps: Any) -> None:
    assert _disagreements(users, apps) == [], where


_target_values = st.sampled_from(
    ["AllUsers", "AllGroups", "AllApplications", "AllMicrosoftApps", "Office365", G1, G1.upper(),
     U1, A1, A2]
)
_target = st.fixed_dictionaries(
    {"target": _target_values | st.none() | st.integers(0, 3)},
    optional={"targetType": st.sampled_from(["user", "group", "application", "bogus"])},
)
_half_config = st.fixed_dictionaries(
    {"accessType": st.sampled_from(["allowed", "blocked", "unknownFutureValue"]) | st.none()},
    optional={"targets": st.lists(_target | st.just("not a mapping"), max_size=4) | st.none()},
) | st.none()


@settings(max_examples=600, deadline=None)
@given(users=_half_config, apps=_half_config)
def test_generated_settings_read_as_the_table_says(users: Any, apps: Any) -> None:
    assert _disagreements(users, apps) == []
