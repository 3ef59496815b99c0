"""Effective access in words (what `b2blint diff` and `simulate` print), per documented case."""

from __future__ import annotations

import pytest

from b2blint.access.words import facets, setting_phrase

G1 = "fe222329-6889-495b-b149-4e18eb56a3c1"
A1 = "efebdfa0-8339-455f-ba47-c1caf7f66d17"


def _half(access: str, *targets: tuple[str, str]) -> dict[str, object]:
    return {"accessType": access, "targets": [{"target": t, "targetType": k} for t, k in targets]}


ALL_USERS = ("AllUsers", "user")
ALL_APPS = ("AllApplications", "application")
GROUP = (G1, "group")
APP = (A1, "application")


@pytest.mark.parametrize(
    ("users", "apps", "words"),
    [
        (_half("allowed", ALL_USERS), _half("allowed", ALL_APPS), "users: all; apps: all"),
        (_half("blocked", ALL_USERS), _half("blocked", ALL_APPS), "blocked for everyone"),
        (
            # Keywords of crossTenantAccessPolicyTarget (beta lists AllGroups; AllMicrosoftApps
            # "Refers to any Microsoft cloud application"): neither is everyone/everything.
            _half("allowed", ("AllGroups", "group")),
            _half("allowed", ("AllMicrosoftApps", "application")),
            "users: only AllGroups; apps: only AllMicrosoftApps",
        ),
        (
            _half("allowed", GROUP),
            _half("allowed", ALL_APPS),
            "users: only group fe222329…; apps: all",
        ),
        (
            _half("allowed", GROUP),
            _half("blocked", APP),
            "users: only group fe222329…; apps: all except app efebdfa0…",
        ),
        (
            _half("blocked", GROUP),
            _half("blocked", ALL_APPS),
            "users: all except group fe222329…; apps: all",
        ),
        (
            _half("blocked", GROUP),
            _half("allowed", APP),
            "users: all except group fe222329…; apps: only app efebdfa0…",
        ),
        (
            _half("blocked", GROUP),
            _half("blocked", APP),
            "all users and apps, except group fe222329… blocked from app efebdfa0…",
        ),
        (
            # "If you block access for all users and groups, this also blocks all external
            # applications from being accessed via B2B collaboration" (Entra, b2b-collaboration).
            _half("blocked", ALL_USERS),
            _half("blocked", APP),
            "blocked for everyone",
        ),
        (_half("allowed", ALL_USERS), _half("blocked", ALL_APPS), "blocked for everyone"),
        (_half("allowed"), _half("allowed", ALL_APPS), "blocked for everyone"),
        (_half("blocked"), _half("blocked", ALL_APPS), "users: all; apps: all"),
        (
            {"targets": []},
            _half("allowed", ALL_APPS),
            "users: unreadable (accessType None); apps: all",
        ),
    ],
)
def test_phrases(users: dict[str, object], apps: dict[str, object], words: str) -> None:
    """One case per row of Graph's "Interpreting the API response" table, plus edge cases."""
    value = {"usersAndGroups": users, "applications": apps}
    assert setting_phrase(value) == words
    assert set(facets(value)) in ({"users", "apps"}, {"access"})
