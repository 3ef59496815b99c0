"""Partnerships between two tenants whose policies are both known (a fleet).

Each tenant's policy holds only its own half of a partnership: its inbound settings for the
other tenant's users and its outbound settings for its own. Microsoft evaluates both halves
on every cross-tenant sign-in ("The sign-in attempt is evaluated against cross-tenant access
settings in both the user's home tenant and the resource tenant", B2B direct connect overview;
"Fabrikam's outbound settings and Contoso's inbound settings", Authentication and Conditional
Access for External ID, step 2 [S30][S36]). When both policies are in one repository, the two
halves can be read together: `find_pairs` finds the tenants that are configured as each
other's partners, matched by tenant ID (a partner entry's ``tenantId`` equals the other
tenant's ``tenant.id``), and `Pair.directions` gives each (home, resource) ordering.

A partner that is not one of the given tenants is not part of any pair: its settings keep
b2blint's one-sided reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from b2blint.policy.model import Partner, Policy


class Side(NamedTuple):
    """One tenant of a pair: its name in the fleet, its policy and its entry for the other."""

    name: str
    policy: Policy
    partner: Partner  # this tenant's partner entry for the other tenant of the pair

    @property
    def label(self) -> str:
        """How messages name this tenant: its ``tenant.name``, else its fleet name."""
        declared = self.policy.section_value("tenant").get("name")
        return declared if isinstance(declared, str) and declared else self.name


class Direction(NamedTuple):
    """One way across a pair: users of ``home`` reach resources of ``resource``."""

    home: Side
    resource: Side


class Pair(NamedTuple):
    """Two tenants configured as each other's partners (``first`` sorts before ``second``)."""

    first: Side
    second: Side

    def directions(self) -> tuple[Direction, Direction]:
        """Both ways: first's users into second, then second's users into first."""
        return Direction(self.first, self.second), Direction(self.second, self.first)

    def sides(self) -> tuple[Side, Side]:
        return self.first, self.second


def _partners_by_id(policy: Policy) -> dict[str, Partner]:
    found: dict[str, Partner] = {}
    for partner in policy.partners:
        found.setdefault(partner.tenant_id.lower(), partner)
    return found


def find_pairs(policies: Mapping[str, Policy]) -> Iterator[Pair]:
    """Every pair of tenants in ``policies`` (by fleet name) that are each other's partners.

    Tenants are matched by tenant ID, case-insensitively (GUIDs). A tenant without a
    ``tenant.id``, or whose ID another tenant of ``policies`` already has, is in no pair (the
    fleet loader reports duplicate IDs). Pairs come sorted by the tenants' names. The cost is
    one pass over every tenant's partners (a fleet of 300 tenants is not 45,000 comparisons).
    """
    by_id: dict[str, str] = {}
    for name in sorted(policies):
        tenant_id = policies[name].tenant_id
        if tenant_id is not None and tenant_id.lower() not in by_id:
            by_id[tenant_id.lower()] = name
    entries = {name: _partners_by_id(policies[name]) for name in by_id.values()}
    found: list[Pair] = []
    for own_id, name in by_id.items():
        for partner_id, partner in entries[name].items():
            other = by_id.get(partner_id)
            if other is None or other <= name:
                continue  # not a fleet tenant, itself, or seen from the other side
            back = entries[other].get(own_id)
            if back is not None:
                found.append(
                    Pair(Side(name, policies[name], partner), Side(other, policies[other], back))
                )
    found.sort(key=lambda pair: (pair.first.name, pair.second.name))
    yield from found
