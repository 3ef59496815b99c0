"""The access matrix (the HTML report's): one state per partner x kind x direction.

Each case is one setting of one partner; the state and the deciding setting's line must agree
with what the simulator says about the same setting.
"""

from __future__ import annotations

import pytest

from b2blint.access.matrix import COLUMNS, MAX_ROWS, access_matrix, cell
from b2blint.access.simulate import AccessKind, Direction
from tests.access.helpers import A1, G1, partner_with, policy, target_config

ALL_USERS = [("AllUsers", "user")]
ALL_APPS = [("AllApplications", "application")]
GROUP = [(G1, "group")]
APP = [(A1, "application")]
DC_IN = (AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND)
COLLAB_IN = (AccessKind.B2B_COLLABORATION, Direction.INBOUND)


@pytest.mark.parametrize(
    ("users", "apps", "state"),
    [
        (("allowed", ALL_USERS), ("allowed", ALL_APPS), "allowed"),
        (("allowed", GROUP), ("allowed", ALL_APPS), "scoped"),
        (("allowed", ALL_USERS), ("allowed", APP), "scoped"),
        (("allowed", ALL_USERS), ("blocked", APP), "scoped"),
        # Two block lists of specific targets block only the pairs.
        (("blocked", GROUP), ("blocked", APP), "scoped"),
        # Blocking AllUsers blocks every application, whatever the other half says.
        (("blocked", ALL_USERS), ("allowed", ALL_APPS), "blocked"),
        (("allowed", ALL_USERS), ("blocked", ALL_APPS), "blocked"),
        (("blocked", ALL_USERS), ("blocked", APP), "blocked"),
    ],
)
def test_collaboration_inbound_states(
    users: tuple[str, list[tuple[str, str]]],
    apps: tuple[str, list[tuple[str, str]]],
    state: str,
) -> None:
    p = partner_with("b2bCollaborationInbound", target_config(*users), target_config(*apps))
    found = cell(p, p.partners[0], *COLLAB_IN)
    assert found.state == state
    assert found.setting == "b2bCollaborationInbound"
    assert found.source == "Fabrikam's entry"
    assert found.deciders, "a cell always names what decided it"
    assert all(d.ref is not None and d.ref.document.path == "p0.yaml" for d in found.deciders)


def test_direct_connect_inbound_without_mfa_trust_depends() -> None:
    users, apps = target_config("allowed", ALL_USERS), target_config("allowed", ALL_APPS)
    untrusted = partner_with("b2bDirectConnectInbound", users, apps)
    found = cell(untrusted, untrusted.partners[0], *DC_IN)
    assert found.state == "depends"
    assert "Conditional Access requires MFA" in found.reason
    assert found.deciders[0].text() == "(service default) inboundTrust.isMfaAccepted"
    trusted = partner_with("b2bDirectConnectInbound", users, apps, mfa_trust=True)
    assert cell(trusted, trusted.partners[0], *DC_IN).state == "allowed"


def test_half_without_access_type_depends() -> None:
    p = partner_with("b2bCollaborationInbound", "{targets: []}", target_config("allowed", ALL_APPS))
    found = cell(p, p.partners[0], *COLLAB_IN)
    assert found.state == "depends"
    assert "has no accessType" in found.reason


def test_other_cloud_blocks_direct_connect() -> None:
    users, apps = target_config("allowed", ALL_USERS), target_config("allowed", ALL_APPS)
    p = partner_with("b2bDirectConnectInbound", users, apps, cloud="usgov")
    found = cell(p, p.partners[0], *DC_IN)
    assert (found.state, found.scope) == ("blocked", "not supported across Microsoft clouds")
    assert [d.text() for d in found.deciders] == ["p0.yaml:6  $.partners[0].cloud"]


def test_rows_columns_and_the_default_row() -> None:
    p = partner_with(
        "b2bCollaborationInbound",
        target_config("allowed", GROUP),
        target_config("allowed", ALL_APPS),
    )
    matrix = access_matrix(p)
    assert [row.partner.name if row.partner else None for row in matrix.rows] == [
        "Fabrikam",
        None,
    ]
    assert all(len(row.cells) == len(COLUMNS) == 4 for row in matrix.rows)
    # Organizations without an entry get the service defaults (collaboration allowed, direct
    # connect blocked).
    assert [c.state for c in matrix.rows[1].cells] == ["allowed", "allowed", "blocked", "blocked"]
    assert [c.source for c in matrix.rows[1].cells] == ["the service default"] * 4
    assert matrix.omitted == 0


def test_rows_beyond_the_limit_are_counted_not_shown() -> None:
    entries = "\n".join(
        f"  - tenantId: 00000000-0000-0000-0000-{index:012d}" for index in range(1, 4)
    )
    p = policy(f"b2blint: 1\npartners:\n{entries}\n")
    matrix = access_matrix(p, limit=2)
    assert len(matrix.rows) == 3 and matrix.omitted == 1
    assert MAX_ROWS == 1000
