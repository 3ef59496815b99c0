"""## What it does
Reports `authorizationPolicy.guestUserRoleId` set to `a0b1b346-4d3e-4e8b-98f8-753987be4970`
(the User role: guests get the same access to directory data as members), and any value that
is none of the three role IDs Graph supports for guests.

## Why is this bad?
The guest user role decides what guests can see and do in the directory. With the User role,
"Guest users have the same access as members (most inclusive)": they can enumerate users,
groups and other directory objects like an employee. Microsoft's defaults are Guest User
(`10dae51f-b6af-4016-8d66-8c2a99b929b3`, limited) and, stricter, Restricted Guest User
(`2af84b1e-32c8-42b7-82bc-daa82404023b`, own objects only).

Graph documents exactly these three values ("Currently following roles are supported: User
..., Guest User ..., and Restricted Guest User ..."). Any other GUID passes the schema's GUID
format check but is not a supported guest role, so b2blint reports it under this same rule,
with its own message, rather than inventing a schema enumeration Microsoft might extend.

## How to fix
Use `10dae51f-b6af-4016-8d66-8c2a99b929b3` (limited, the default) or
`2af84b1e-32c8-42b7-82bc-daa82404023b` (restricted). If some guests really need member-level
directory access, convert those users to members instead of widening it for every guest.

## References
- authorizationPolicy (guestUserRoleId values):
  https://learn.microsoft.com/graph/api/resources/authorizationpolicy
- Restrict guest access permissions in Microsoft Entra ID:
  https://learn.microsoft.com/entra/identity/users/users-restrict-guest-permissions
- Configure external collaboration settings (guest user access):
  https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._rule import Context, Finding, Rule, Visit

MEMBER_ROLE = "a0b1b346-4d3e-4e8b-98f8-753987be4970"
GUEST_ROLE = "10dae51f-b6af-4016-8d66-8c2a99b929b3"
RESTRICTED_GUEST_ROLE = "2af84b1e-32c8-42b7-82bc-daa82404023b"
SUPPORTED = frozenset({MEMBER_ROLE, GUEST_ROLE, RESTRICTED_GUEST_ROLE})


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section("authorizationPolicy")
    if section is None or not isinstance(section.value, Mapping):
        return
    role = section.value.get("guestUserRoleId")
    if not isinstance(role, str):
        return
    at = section.ref.child("guestUserRoleId")
    if role.lower() == MEMBER_ROLE:
        yield Finding(
            at,
            "guestUserRoleId is the User role: guests get the same directory access as members; "
            f"use {GUEST_ROLE} (limited) or {RESTRICTED_GUEST_ROLE} (restricted).",
        )
    elif role.lower() not in SUPPORTED:
        yield Finding(
            at,
            f"guestUserRoleId {role} is not one of the three roles Graph supports for guests; use "
            f"{GUEST_ROLE} (limited) or {RESTRICTED_GUEST_ROLE} (restricted).",
        )


RULE = Rule(
    id="EXT006",
    name="guest-role-member",
    severity=Severity.ERROR,
    summary="guestUserRoleId gives guests member access (or is not a supported guest role).",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
