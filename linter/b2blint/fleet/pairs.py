"""The other side of a partnership, when it is a fleet tenant too (two-sided ``simulate``).

A partner entry names the other organization by tenant ID; when a tenant of the same fleet
has that ``tenant.id``, its assembled policy holds the other half of every cross-tenant
sign-in (its outbound for our inbound, its inbound for our outbound), and the simulator
evaluates both (`b2blint.access.simulate.two_sided`). A partner outside the fleet has no
such policy: the simulator keeps its one-sided answer.
"""

from __future__ import annotations

from b2blint.fleet.assemble import read_fleet
from b2blint.fleet.fleetfile import Fleet
from b2blint.policy.model import Policy


def partner_policy(fleet: Fleet, name: str, policy: Policy, partner: str) -> Policy | None:
    """The policy of the fleet tenant that ``policy``'s partner ``partner`` (tenant ID or
    name, as ``--partner`` takes it) is, if any; None for a partner outside the fleet, the
    ``default`` pseudo-partner or a name that matches no single partner (the simulator then
    answers, or reports the unknown partner, as for a single tenant)."""
    entry = policy.partner(partner)
    if entry is None:
        return None
    wanted = entry.tenant_id.lower()
    # Not strict: a file anywhere in the fleet that does not parse is already in the lint
    # warning `simulate --tenant` prints (its tenant reader reads the whole fleet); the other
    # side answers from what parsed, as this side does, instead of failing the command.
    for tree in read_fleet(fleet).tenants:
        if tree.name != name and (tree.policy.tenant_id or "").lower() == wanted:
            return tree.policy
    return None
