"""The other side of a partnership, when it is a fleet tenant too (two-sided ``simulate``).

A partner entry names the other organization by tenant ID; when a tenant of the same fleet
has that ``tenant.id``, its assembled policy holds the other half of every cross-tenant
sign-in (its outbound for our inbound, its inbound for our outbound), and the simulator
evaluates both (`b2blint.access.simulate.two_sided`). A partner outside the fleet has no
such policy: the simulator keeps its one-sided answer.
"""

from __future__ import annotations

from b2blint.fleet.assemble import tenant_policies
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
    for other, other_policy in tenant_policies(fleet).items():
        if other != name and (other_policy.tenant_id or "").lower() == wanted:
            return other_policy
    return None
