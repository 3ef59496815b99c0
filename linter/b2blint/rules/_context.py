"""What the CAX rules share: who a context policy reaches, and how findings name them.

Which policies apply and what they require is `b2blint.policy.conditional_access` (the one
reading, shared with the simulator); this module only walks the owners (the default and each
partner in this tenant's cloud) and words the lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

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


class Reach(NamedTuple):
    """One owner (None: organizations without a partner entry) x user kind a policy reaches."""

    partner: Partner | None
    user_type: str
    effect: ca.Effect
    trust: ca.Trust


def live_policies(policy: Policy) -> Iterator[ConditionalAccessPolicy]:
    """The context policies that are enabled or report-only."""
    for item in policy.conditional_access or ():
        if item.state in (ca.ENABLED, ca.REPORT_ONLY):
            yield item


def any_app(item: ConditionalAccessPolicy) -> str:
    """The application to ask about: every one when the policy includes All, else what it names."""
    conditions = item.body.get("conditions")
    apps = conditions.get("applications") if isinstance(conditions, dict) else None
    include = ca.strings(apps.get("includeApplications")) if isinstance(apps, dict) else []
    if "All" in include or not include:
        return ca.ALL_APPLICATIONS
    return ca.OFFICE_365 if ca.OFFICE_365 in include else include[0]


def owners(policy: Policy) -> Iterator[Partner | None]:
    """The default, then every partner in this tenant's cloud (the others can't use the trust
    the same way; cloud rules report them)."""
    yield None
    for partner in policy.partners:
        if partner.cloud == policy.tenant_cloud:
            yield partner


def reaches(
    policy: Policy, item: ConditionalAccessPolicy, kinds: Sequence[str] = tuple(KINDS)
) -> Iterator[Reach]:
    """Every (owner, kind) the policy certainly applies to."""
    app = any_app(item)
    partners = frozenset(p.tenant_id.lower() for p in policy.partners)
    for partner in owners(policy):
        trust = ca.trust_for(policy, partner)
        tenant = partner.tenant_id if partner is not None else None
        for kind in kinds:
            found = ca.effect(item, tenant, kind, app, trust, partners=partners)
            if found is not None and found.applies:
                yield Reach(partner, kind, found, trust)


def who(reached: Sequence[Reach], limit: int = 3) -> str:
    """``Fabrikam (3d0f...) and organizations without a partner entry (+2 more)``."""
    names: list[str] = []
    for reach in reached:
        name = reach.partner.label if reach.partner else "organizations without a partner entry"
        if name not in names:
            names.append(name)
    shown = names[:limit]
    more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return text + more


def kinds_text(reached: Sequence[Reach]) -> str:
    kinds = [KINDS[k] for k in KINDS if any(r.user_type == k for r in reached)]
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


def trust_related(policy: Policy, reached: Sequence[Reach], what: str) -> tuple[Related, ...]:
    """Where the trust of the first few owners is written (or would be)."""
    related: list[Related] = []
    seen: set[str] = set()
    for reach in reached:
        key = reach.partner.tenant_id if reach.partner else ""
        if key in seen:
            continue
        seen.add(key)
        trust = resolve(policy, reach.partner, "inboundTrust")
        if trust.ref is not None:
            related.append(Related(trust.ref.at_key(), what))
        elif reach.partner is not None:
            related.append(Related(reach.partner.ref, what))
        if len(related) == 3:
            break
    return tuple(related)
