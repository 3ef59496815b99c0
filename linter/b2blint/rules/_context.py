"""What the CAX rules share: who a context policy reaches, and how findings name them.

Which policies apply and what they require is `b2blint.policy.conditional_access` (the one
reading, shared with the simulator); this module only walks the owners (the default and each
partner in this tenant's cloud) and words the lists.

Speed (bench/bench_context.py): a policy's answer depends on the owner only through the
inbound trust that applies and, for a policy that lists tenants, whether the owner is one of
them. So owners are grouped by trust once (`Owners`), each policy is evaluated once per group
and kind for every tenant it does not list, and only the default and the tenants it lists are
evaluated one by one: 200 policies x 1,000 partners is a few thousand evaluations, not 600,000.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from b2blint.policy import conditional_access as ca
from b2blint.policy.effective import resolve
from b2blint.policy.model import ConditionalAccessPolicy, Partner, Policy
from b2blint.rules._rule import Related

#: The external users whose access the cross-tenant settings decide, with their words.
KINDS = {
    ca.GUEST: "B2B collaboration guests",
    "b2bCollaborationMember": "B2B collaboration members",
    ca.DIRECT_CONNECT: "B2B direct connect users",
}


class Owners(NamedTuple):
    """The default and the partners in this tenant's cloud (the others can't use the trust the
    same way; the cloud rules report them), grouped by the inbound trust that applies."""

    default_trust: ca.Trust
    by_trust: dict[ca.Trust, list[Partner]]
    by_tenant: dict[str, tuple[Partner, ca.Trust]]
    partner_ids: frozenset[str]
    order: dict[str, int]


def owners(policy: Policy) -> Owners:
    by_trust: dict[ca.Trust, list[Partner]] = {}
    by_tenant: dict[str, tuple[Partner, ca.Trust]] = {}
    order: dict[str, int] = {}
    for index, partner in enumerate(policy.partners):
        if partner.cloud != policy.tenant_cloud:
            continue
        trust = ca.trust_for(policy, partner)
        by_trust.setdefault(trust, []).append(partner)
        key = partner.tenant_id.lower()
        by_tenant[key] = (partner, trust)
        order[key] = index
    return Owners(
        ca.trust_for(policy, None),
        by_trust,
        by_tenant,
        frozenset(p.tenant_id.lower() for p in policy.partners),
        order,
    )


class Reach(NamedTuple):
    """Owners (None: organizations without a partner entry) of one trust, x one user kind, that
    a policy certainly applies to, and what it means for them."""

    partners: tuple[Partner | None, ...]
    user_type: str
    effect: ca.Effect
    trust: ca.Trust


def live_policies(policy: Policy) -> Iterator[ConditionalAccessPolicy]:
    """The context policies that are enabled or report-only."""
    for item in policy.conditional_access or ():
        if item.state in (ca.ENABLED, ca.REPORT_ONLY):
            yield item


def grant(item: ConditionalAccessPolicy) -> dict[str, Any]:
    value = item.body.get("grantControls")
    return value if isinstance(value, dict) else {}


def any_app(item: ConditionalAccessPolicy) -> str:
    """The application to ask about: every one when the policy includes All, else what it names."""
    conditions = item.body.get("conditions")
    apps = conditions.get("applications") if isinstance(conditions, dict) else None
    include = ca.strings(apps.get("includeApplications")) if isinstance(apps, dict) else []
    if "All" in include or not include:
        return ca.ALL_APPLICATIONS
    return ca.OFFICE_365 if ca.OFFICE_365 in include else include[0]


def listed_tenants(item: ConditionalAccessPolicy) -> set[str]:
    """Every tenant ID a policy's externalTenants lists (include or exclude)."""
    conditions = item.body.get("conditions")
    users = conditions.get("users") if isinstance(conditions, dict) else None
    found: set[str] = set()
    if isinstance(users, dict):
        for clause in ("includeGuestsOrExternalUsers", "excludeGuestsOrExternalUsers"):
            found.update(ca.external_tenant_ids(users.get(clause)) or ())
    return found


def reaches(
    policy: Policy,
    item: ConditionalAccessPolicy,
    found: Owners,
    kinds: Sequence[str] = tuple(KINDS),
) -> Iterator[Reach]:
    """Every group of owners x kind the policy certainly applies to."""
    app = any_app(item)
    listed = listed_tenants(item)
    for kind in kinds:
        # The default: organizations without a partner entry (none of the partners).
        effect = ca.effect(item, None, kind, app, found.default_trust, partners=found.partner_ids)
        if effect is not None and effect.applies:
            yield Reach((None,), kind, effect, found.default_trust)
        for trust, partners in found.by_trust.items():
            generic = next((p for p in partners if p.tenant_id.lower() not in listed), None)
            if generic is None:
                continue
            effect = ca.effect(item, generic.tenant_id, kind, app, trust)
            if effect is not None and effect.applies:
                chosen = (
                    [p for p in partners if p.tenant_id.lower() not in listed]
                    if listed
                    else partners
                )
                yield Reach(tuple(chosen), kind, effect, trust)
        for tenant in sorted(listed, key=lambda t: found.order.get(t, -1)):
            owner = found.by_tenant.get(tenant)
            if owner is None:
                continue
            effect = ca.effect(item, tenant, kind, app, owner[1])
            if effect is not None and effect.applies:
                yield Reach((owner[0],), kind, effect, owner[1])


def _sorted_owners(found: Owners, reached: Sequence[Reach]) -> list[Partner | None]:
    seen: dict[str, Partner | None] = {}
    for reach in reached:
        for partner in reach.partners:
            seen.setdefault(partner.tenant_id.lower() if partner else "", partner)
    return [seen[key] for key in sorted(seen, key=lambda k: found.order.get(k, -1))]


def who(found: Owners, reached: Sequence[Reach], limit: int = 3) -> str:
    """``organizations without a partner entry, Fabrikam (3d0f...) and ... (+2 more)``."""
    names = [
        p.label if p else "organizations without a partner entry"
        for p in _sorted_owners(found, reached)
    ]
    shown = names[:limit]
    more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return text + more


def kinds_text(reached: Sequence[Reach]) -> str:
    kinds = [KINDS[k] for k in KINDS if any(r.user_type == k for r in reached)]
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


def trust_related(
    policy: Policy, found: Owners, reached: Sequence[Reach], what: str
) -> tuple[Related, ...]:
    """Where the trust of the first few owners is written (or would be)."""
    related: list[Related] = []
    for owner in _sorted_owners(found, reached)[:3]:
        trust = resolve(policy, owner, "inboundTrust")
        if trust.ref is not None:
            related.append(Related(trust.ref.at_key(), what))
        elif owner is not None:
            related.append(Related(owner.ref, what))
    return tuple(related)
