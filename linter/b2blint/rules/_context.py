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

from b2blint.diagnostics import Severity
from b2blint.policy import conditional_access as ca
from b2blint.policy.effective import resolve
from b2blint.policy.model import ConditionalAccessPolicy, Partner, Policy, Ref
from b2blint.rules._rule import Finding, Related

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
    memo: dict[tuple[int, str, ca.Trust], ca.Requirement]


#: The last policy's owners: each CAX rule asks for them in the same rule pass.
_LAST: list[tuple[Policy, Owners]] = []


def owners(policy: Policy) -> Owners:
    if _LAST and _LAST[0][0] is policy:
        return _LAST[0][1]
    found = _owners(policy)
    _LAST[:] = [(policy, found)]
    return found


def _owners(policy: Policy) -> Owners:
    by_trust: dict[ca.Trust, list[Partner]] = {}
    by_tenant: dict[str, tuple[Partner, ca.Trust]] = {}
    order: dict[str, int] = {}
    default_trust = ca.trust_for(policy, None)
    own_cloud = policy.tenant_cloud  # once, not once per partner (issue 9 item 10)
    for index, partner in enumerate(policy.partners):
        if partner.cloud != own_cloud:
            continue
        # As `b2blint.policy.effective.resolve`: the partner's own inboundTrust (a whole
        # object), else the default's; without building a `Resolved` per partner.
        own = partner.settings.get("inboundTrust")
        trust = ca.trust_of(own) if own is not None else default_trust
        by_trust.setdefault(trust, []).append(partner)
        key = partner.tenant_id.lower()
        by_tenant[key] = (partner, trust)
        order[key] = index
    return Owners(
        default_trust,
        by_trust,
        by_tenant,
        frozenset(p.tenant_id.lower() for p in policy.partners),
        order,
        {},
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
    memo = found.memo
    for kind in kinds:
        # The default: organizations without a partner entry (none of the partners).
        default = ca.scope(item, None, kind, app, partners=found.partner_ids)
        if default is not None and default.applies:
            trust = found.default_trust
            yield Reach((None,), kind, ca.effect_of(item, default, kind, trust, memo), trust)
        # Every partner the policy does not list: one scope, one requirement per trust.
        other = next((t for t in found.by_tenant if t not in listed), None)
        generic = ca.scope(item, other, kind, app) if other is not None else None
        if generic is not None and generic.applies:
            for trust, partners in found.by_trust.items():
                chosen = (
                    [p for p in partners if p.tenant_id.lower() not in listed]
                    if listed
                    else partners
                )
                if chosen:
                    effect = ca.effect_of(item, generic, kind, trust, memo)
                    yield Reach(tuple(chosen), kind, effect, trust)
        for tenant in sorted(listed, key=lambda t: found.order.get(t, -1)):
            owner = found.by_tenant.get(tenant)
            if owner is None:
                continue
            one = ca.scope(item, tenant, kind, app)
            if one is not None and one.applies:
                yield Reach(
                    (owner[0],), kind, ca.effect_of(item, one, kind, owner[1], memo), owner[1]
                )


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


def trust_finding(
    policy: Policy,
    item: ConditionalAccessPolicy,
    found: Owners,
    reached: Sequence[Reach],
    *,
    at: Ref,
    message: str,
) -> Finding:
    """A CAX finding at ``at`` in ``item``: the reached owners' inbound trust as related
    locations, and a warning rather than the rule's severity when ``item`` is report-only
    (it blocks nobody yet)."""
    return Finding(
        at,
        message,
        trust_related(policy, found, reached, "the inbound trust that applies"),
        severity=Severity.WARNING if item.state == ca.REPORT_ONLY else None,
    )
