"""`allows_any`, the rules' view of a B2B setting, against Microsoft's interpretation table.

Source: https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview,
"Interpreting the API response" (every row with its documented interpretation).
"""

from __future__ import annotations

from typing import Any

import pytest

from b2blint.policy.targets import allows_any

G1 = "5e3a0b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8"
A1 = "0f1e2d3c-4b5a-4968-8776-655443322110"


def half(access: str, target: str, kind: str) -> dict[str, Any]:
    return {"accessType": access, "targets": [{"target": target, "targetType": kind}]}


@pytest.mark.parametrize(
    ("users", "apps", "anyone"),
    [
        # "Block all users and block all applications"
        (
            half("blocked", "AllUsers", "user"),
            half("blocked", "AllApplications", "application"),
            False,
        ),
        # "Allow all users and allow all applications"
        (
            half("allowed", "AllUsers", "user"),
            half("allowed", "AllApplications", "application"),
            True,
        ),
        # "Users in group 'g1' can access any app. All other users not in group 'g1' are blocked."
        (half("allowed", G1, "group"), half("allowed", "AllApplications", "application"), True),
        # "All users are only allowed to access application 'a1'"
        (half("allowed", "AllUsers", "user"), half("allowed", A1, "application"), True),
        # "All users in group 'g1' are allowed to access any application except application 'a1'."
        (half("allowed", G1, "group"), half("blocked", A1, "application"), True),
        # "Users in group 'g1' can't access any application. Other users ... all applications."
        (half("blocked", G1, "group"), half("blocked", "AllApplications", "application"), True),
        # "Users in group 'g1' can't access any application. Any user not in 'g1' ... only 'a1'."
        (half("blocked", G1, "group"), half("allowed", A1, "application"), True),
        # "Users in group 'g1' are only allowed to access application 'a1'."
        (half("allowed", G1, "group"), half("allowed", A1, "application"), True),
        # "Users in group 'g1' are blocked from accessing application 'a1' only."
        (half("blocked", G1, "group"), half("blocked", A1, "application"), True),
        # Blocking AllUsers blocks every application, whatever the app half: "Blocking access for
        # all external users and groups also blocks all your internal applications from being
        # shared via B2B direct connect" (Entra, cross-tenant-access-settings-b2b-direct-connect).
        (half("blocked", "AllUsers", "user"), half("blocked", A1, "application"), False),
        # An allow list of nothing but a blocked-everyone half: nobody.
        (half("allowed", G1, "group"), half("blocked", "AllApplications", "application"), False),
    ],
)
def test_allows_any_follows_the_documented_table(
    users: dict[str, Any], apps: dict[str, Any], anyone: bool
) -> None:
    assert allows_any(users, apps) is anyone


def test_unknown_access_type_is_unknown() -> None:
    assert allows_any({"targets": []}, half("allowed", A1, "application")) is None
