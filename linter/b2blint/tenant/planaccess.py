"""The plan's "Access changes": effective access in the live tenant, and once the plan is applied.

"Before" is the live tenant (`LiveTenant.policy`); "after" is the YAML, read the way `plan`
writes it, so that the section describes what `apply` would do and nothing else:

* a tenant-wide section manages only the properties it names (`b2blint.tenant.plan`), so the
  live properties it leaves out stay as they are; the invitation domain list is replaced whole
  (`b2bdefinition.merge_definition`);
* a live partner the YAML does not declare is left alone unless ``--prune``;
* what Graph does not hold is taken from the YAML on both sides: the tenant (id, cloud) and each
  partner's ``cloud`` and ``domains`` (metadata, never sent; docs/format.md);
* the Conditional Access context (never written by apply): "after" has the repository's, and
  "before" the live policies when the live read holds them (``conditionalAccessPolicies`` in the
  live data), else the repository's too, so that a context change shows as the access change
  it causes, and a plan that does not read them shows none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b2blint.access.diff import access_diff_section, policy_from_data
from b2blint.policy.model import CONTEXT_KEY
from b2blint.policy.sections import MERGED_SECTIONS

#: Partner metadata the YAML knows and Graph does not.
PARTNER_METADATA = ("cloud", "domains")


def _partners(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    entries = data.get("partners")
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("tenantId"), str)]


def live_before(live: Mapping[str, Any], policy: Mapping[str, Any]) -> dict[str, Any]:
    """The live tenant's policy data, with the YAML's tenant and partner metadata."""
    declared = {str(e["tenantId"]).lower(): e for e in _partners(policy)}
    before = dict(live)
    if "tenant" in policy:
        before["tenant"] = policy["tenant"]
    partners = []
    for entry in _partners(live):
        mine = declared.get(str(entry["tenantId"]).lower(), {})
        extra = {name: mine[name] for name in PARTNER_METADATA if name in mine}
        partners.append({**entry, **extra})
    before["partners"] = partners
    return before


def planned_after(
    policy: Mapping[str, Any], live: Mapping[str, Any], *, prune: bool
) -> dict[str, Any]:
    """The tenant's policy data once the plan of ``policy`` is applied to ``live``."""
    after = dict(policy)
    for name in MERGED_SECTIONS:
        mine, theirs = policy.get(name), live.get(name)
        if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            after[name] = {**theirs, **mine}
    declared = _partners(policy)
    if not prune:
        keys = {str(e["tenantId"]).lower() for e in declared}
        kept = [e for e in _partners(live) if str(e["tenantId"]).lower() not in keys]
        after["partners"] = [*declared, *kept]
    return after


def access_section(
    policy: Mapping[str, Any],
    live: Mapping[str, Any],
    *,
    prune: bool,
    fmt: str,
    context: list[dict[str, Any]] | None = None,
) -> str:
    """The "Access changes" section for a plan (``fmt``: text or markdown); "" if none.

    ``policy`` is the merged YAML tree (``Policy.to_data()``), ``live`` the live tenant as
    policy data (``LiveTenant.policy()``), ``context`` the repository's Conditional Access
    context (``Policy.context_data()``; None: none).
    """
    before_data = live_before(live, policy)
    after_data = planned_after(policy, live, prune=prune)
    if context is not None:
        after_data[CONTEXT_KEY] = context
        live_context = live.get(CONTEXT_KEY)
        before_data[CONTEXT_KEY] = live_context if isinstance(live_context, list) else context
    before = policy_from_data(before_data, "live tenant")
    after = policy_from_data(after_data, "policy after apply")
    return access_diff_section(before, after, fmt)
