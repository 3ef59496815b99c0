"""## What it does
Serializes `invitationDomains` into the b2bManagementPolicy `definition` string, exactly as
b2blint sends it (compact JSON,
`{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":{"AllowedDomains":[...]}}}`),
and reports it when it is longer than the `limit` option (an integer, default 25,000
characters).

## Why is this bad?
"The number of domains you can add to an allowlist or blocklist is limited only by the size
of the policy. This limit applies to the number of characters ... The maximum size of the
entire policy is 25 KB (25,000 characters), which includes the allowlist or blocklist and any
other parameters configured for other features." A policy over the limit cannot be saved.

The count here covers only the domain section that b2blint manages. Other sections of the live
definition (for example `AutoRedeemPolicy`) count toward the same 25,000 characters and are not
in the policy files, so a list just under the limit can still fail: lower `limit` to keep
headroom for them.

## How to fix
Shorten the list: drop domains nobody invites from, and prefer a block list of the few
domains you refuse over an allow list of everyone you accept (or the reverse, whichever is
shorter). Partner organizations with Entra tenants can be controlled per partner with
cross-tenant access settings instead.

## References
- Allow or block B2B collaboration with organizations (25 KB / 25,000 characters):
  https://learn.microsoft.com/entra/external-id/allow-deny-list
- b2bManagementPolicy (beta; the `definition` string):
  https://learn.microsoft.com/graph/api/resources/b2bmanagementpolicy?view=graph-rest-beta
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from b2blint.diagnostics import Severity
from b2blint.graph.b2bdefinition import format_definition, merge_definition
from b2blint.policy.model import Policy
from b2blint.rules._rule import Context, Finding, Rule, Visit

DEFAULT_LIMIT = 25_000


def definition_length(invitation_domains: Mapping[str, object]) -> int:
    """Characters of the definition string that ``invitation_domains`` produces."""
    return len(format_definition(merge_definition(invitation_domains)))


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section("invitationDomains")
    if section is None or not isinstance(section.value, Mapping):
        return
    limit = ctx.options.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool):
        limit = DEFAULT_LIMIT
    length = definition_length(section.value)
    if length <= limit:
        return
    yield Finding(
        section.ref.at_key(),
        f"the domain policy definition is {length:,} characters, over the limit of {limit:,} "
        "for the whole b2bManagementPolicy; shorten the domain list.",
    )


RULE = Rule(
    id="EXT004",
    name="domain-policy-size",
    severity=Severity.ERROR,
    summary="The invitation domain policy definition is longer than 25,000 characters.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    options={"limit": DEFAULT_LIMIT},
)
