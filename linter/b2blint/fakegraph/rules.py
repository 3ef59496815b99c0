"""Service-side rules beyond property types: what Graph refuses in a well-typed body.

Each rule names its source. Where the docs state a rule but no error body was ever published,
the status is 400 ``Request_BadRequest`` and the wording is the emulator's own (unverified;
docs/fakegraph.md lists them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .defaults import GUEST_ROLE_IDS
from .errors import GraphError
from .schema import GUID_RE, bad_request

#: Settings made of a users/groups half and an applications half [S12][S11].
PAIRED_SETTINGS = (
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "tenantRestrictions",
)
#: Target keywords [S8]. AllMicrosoftApps is listed on the v1.0 page as a synonym.
USER_KEYWORDS = frozenset({"AllUsers", "AllGroups"})  # AllGroups: listed on the beta page [S8]
APP_KEYWORDS = frozenset({"AllApplications", "AllMicrosoftApps", "Office365"})
ALL_APPS = frozenset({"AllApplications", "AllMicrosoftApps"})
#: allowedCloudEndpoints values [S1].
CLOUD_ENDPOINTS = frozenset(
    {"microsoftonline.com", "microsoftonline.us", "partner.microsoftonline.cn"}
)

SIZE_MESSAGE = "Failure to update policy due to object limit"  # Entra troubleshooting [S31]


def _none_allowed(config: Mapping[str, Any], everything: frozenset[str]) -> bool:
    """True when a target configuration lets nobody (or nothing) through."""
    targets = [t.get("target") for t in config.get("targets") or () if isinstance(t, dict)]
    if config.get("accessType") == "blocked":
        return any(target in everything for target in targets)
    return config.get("accessType") == "allowed" and not targets


def check_pairing(name: str, setting: Mapping[str, Any]) -> None:
    """Users/groups and applications must not conflict [S26][S27][S35] (graph-facts §5.3).

    "The access settings you configure for users and groups must match the access settings for
    applications": blocking all users requires blocking all applications, and allowing users
    requires at least one allowed application. A *blocked* list of users with every application
    blocked is not a conflict: Graph's overview documents it ("Users in group 'g1' can't access
    any application", crossTenantAccessPolicy overview [S2]), and Microsoft's own default
    update example sends it [S18]. Checked only when the setting has both halves (a half-filled
    setting is accepted, as in the docs' POST example [S17]).
    """
    users = setting.get("usersAndGroups")
    apps = setting.get("applications")
    if not isinstance(users, dict) or not isinstance(apps, dict):
        return
    users_none, apps_none = _none_allowed(users, USER_KEYWORDS), _none_allowed(apps, ALL_APPS)
    if users_none == apps_none:
        return
    if apps_none and users.get("accessType") == apps.get("accessType") == "blocked":
        return  # two block lists block only the pairs both name [S2]
    raise bad_request(
        f"Invalid '{name}': the access settings for users and groups conflict with the "
        "access settings for applications. Blocking all users requires blocking all "
        "applications, and allowing users requires allowing at least one application."
    )


def _target_configurations(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, dict):
        if isinstance(value.get("targets"), list):
            yield value
        for item in value.values():
            yield from _target_configurations(item)


def check_targets(body: Mapping[str, Any]) -> None:
    """A target is an object id (GUID) or a documented keyword [S8] (graph-facts §5a)."""
    for config in _target_configurations(dict(body)):
        for entry in config["targets"]:
            target = entry.get("target") if isinstance(entry, dict) else None
            if not isinstance(target, str):
                continue
            if GUID_RE.match(target) or target in USER_KEYWORDS or target in APP_KEYWORDS:
                continue
            raise bad_request(
                f"Invalid target '{target}': expected an object ID or one of AllUsers, "
                "AllApplications, Office365."
            )


def check_xtap_settings(body: Mapping[str, Any]) -> None:
    """The rules on a default or partner write."""
    check_targets(body)
    for name in PAIRED_SETTINGS:
        setting = body.get(name)
        if isinstance(setting, dict):
            check_pairing(name, setting)


def check_policy_body(body: Mapping[str, Any]) -> None:
    """allowedCloudEndpoints takes only the three documented clouds [S1]."""
    for endpoint in body.get("allowedCloudEndpoints") or ():
        if endpoint not in CLOUD_ENDPOINTS:
            raise bad_request(
                f"Invalid value '{endpoint}' for property 'allowedCloudEndpoints'. Supported "
                "values: microsoftonline.com, microsoftonline.us, partner.microsoftonline.cn."
            )


def check_authorization_body(body: Mapping[str, Any]) -> None:
    """guestUserRoleId takes one of three role template ids [S20][S38]."""
    role = body.get("guestUserRoleId")
    if role is not None and str(role).lower() not in GUEST_ROLE_IDS:
        raise bad_request(f"Invalid value '{role}' for property 'guestUserRoleId'.")


def check_size(size: int, limit: int) -> None:
    """Refuse a write that would take the cross-tenant policy over ``limit`` bytes [S16][S31]."""
    if limit and size > limit:
        raise GraphError(400, "Request_BadRequest", SIZE_MESSAGE)


def _parse_definition(text: str) -> Any:
    """The definition JSON; the docs write it with single quotes [S25], so accept that too."""
    for candidate in (text, text.replace("'", '"')):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    return None


def check_b2b_definition(definition: list[str], limit: int) -> None:
    """The B2B management policy rules of allow-deny-list.md [S33].

    The whole policy is at most 25,000 characters, and it holds an allow list or a block list,
    never both. A definition that is not JSON is stored as is (the service's parser is unknown).
    """
    if limit and sum(len(item) for item in definition) > limit:
        raise GraphError(400, "Request_BadRequest", SIZE_MESSAGE)
    for item in definition:
        parsed = _parse_definition(item)
        if not isinstance(parsed, dict):
            continue
        root = parsed.get("B2BManagementPolicy")
        if not isinstance(root, dict):
            continue
        domains = root.get("InvitationsAllowedAndBlockedDomainsPolicy")
        if isinstance(domains, dict) and {"AllowedDomains", "BlockedDomains"} <= set(domains):
            raise bad_request(
                "InvitationsAllowedAndBlockedDomainsPolicy can hold AllowedDomains or "
                "BlockedDomains, not both."
            )
