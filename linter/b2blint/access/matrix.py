"""The access matrix: for every partner, who may cross in each direction, and what decides it.

One row per partner (and one for organizations without a partner entry), one cell per B2B
collaboration / B2B direct connect x inbound / outbound. Each cell is read with the project's
one reading of the settings, never a second one: the verdict and the deciding settings come
from `b2blint.access.simulate.simulate` (Microsoft cloud settings, the effective setting of
`b2blint.policy.effective`, MFA trust for inbound direct connect), and how much of each half
gets through from `b2blint.policy.targets.reach`.

A cell is:

* ``blocked``: nobody gets through (the simulator says blocked for anyone and any app, or the
  setting lets nobody reach anything, `targets.allows_any`);
* ``allowed``: every user reaches every application, and the simulator says allowed;
* ``scoped``: some users or some applications get through, not all (an allow list, or a block
  list of specific targets);
* ``depends``: every user and app would get through the setting, but the verdict hangs on
  something the files cannot say (Conditional Access requiring MFA without MFA trust, a half
  Graph does not document, a half without a usable ``accessType``): the reason says which.

The report (`b2blint.report.html`) shows the state, the simulator's reason and the deciding
settings (file:line) of every cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from b2blint.access.simulate import (
    ALLOWED,
    BLOCKED,
    DEFAULT_PARTNER,
    SETTINGS,
    AccessKind,
    Decider,
    Direction,
    Question,
    cloud_block,
    simulate,
    source_words,
)
from b2blint.access.words import setting_phrase
from b2blint.policy.effective import resolve
from b2blint.policy.model import Partner, Policy
from b2blint.policy.targets import APPS, USERS, Reach, allows_any, reach

ALLOWED_STATE, SCOPED, BLOCKED_STATE, DEPENDS_STATE = "allowed", "scoped", "blocked", "depends"
STATES = (ALLOWED_STATE, SCOPED, BLOCKED_STATE, DEPENDS_STATE)

#: The matrix's columns, in order: (kind, direction).
COLUMNS: tuple[tuple[AccessKind, Direction], ...] = (
    (AccessKind.B2B_COLLABORATION, Direction.INBOUND),
    (AccessKind.B2B_COLLABORATION, Direction.OUTBOUND),
    (AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND),
    (AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND),
)

#: Rows beyond this many partners are left out (the report says how many): each cell asks the
#: simulator, whose partner lookup is linear, and a page of 50,000 rows helps nobody.
MAX_ROWS = 1000


class Cell(NamedTuple):
    """One partner x kind x direction: the state, the simulator's reason, what decided."""

    state: str
    setting: str  # the partner/default property that governs the cell
    reason: str
    deciders: tuple[Decider, ...]
    scope: str  # in short: ``users: all; apps: only Office365``, or why the cloud blocks
    source: str  # where the setting comes from: ``Fabrikam's entry``, ``the default``, ...


class Row(NamedTuple):
    partner: Partner | None  # None: organizations without a partner entry
    cells: tuple[Cell, ...]  # in `COLUMNS` order


class Matrix(NamedTuple):
    rows: tuple[Row, ...]
    omitted: int  # partners left out beyond `MAX_ROWS`


def cell(policy: Policy, partner: Partner | None, kind: AccessKind, direction: Direction) -> Cell:
    """The state of one cell, from the simulator and `targets.reach` (module docstring)."""
    setting = SETTINGS[(kind, direction)]
    key = partner.tenant_id if partner is not None else DEFAULT_PARTNER
    verdict = simulate(policy, Question(key, kind, direction))
    by_cloud = cloud_block(policy, partner, kind)
    if by_cloud is not None:
        words = (verdict.reason, verdict.decided_by, by_cloud.short, "Microsoft cloud settings")
        return Cell(BLOCKED_STATE, setting, *words)
    resolved = resolve(policy, partner, setting)
    users, apps = resolved.parts[USERS].value, resolved.parts[APPS].value
    scope, source = setting_phrase(resolved.value), source_words(resolved, partner)
    through = allows_any(users, apps)
    if verdict.verdict == BLOCKED or through is False:
        return Cell(BLOCKED_STATE, setting, verdict.reason, verdict.decided_by, scope, source)
    everyone = reach(users, USERS) is Reach.ALL and reach(apps, APPS) is Reach.ALL
    if through is None:
        state = DEPENDS_STATE  # a half without a usable accessType
    elif not everyone:
        state = SCOPED
    else:
        state = ALLOWED_STATE if verdict.verdict == ALLOWED else DEPENDS_STATE
    return Cell(state, setting, verdict.reason, verdict.decided_by, scope, source)


def row(policy: Policy, partner: Partner | None) -> Row:
    return Row(partner, tuple(cell(policy, partner, *column) for column in COLUMNS))


def access_matrix(policy: Policy, limit: int = MAX_ROWS) -> Matrix:
    """Rows for the first ``limit`` partners (policy order), then the default's row."""
    shown: Sequence[Partner] = policy.partners[:limit]
    rows = [row(policy, partner) for partner in shown]
    rows.append(row(policy, None))
    return Matrix(tuple(rows), len(policy.partners) - len(shown))
