"""## What it does
Measures the cross-tenant access policy and compares it with Microsoft's 25 KB object limit.
What b2blint measures, exactly: the UTF-8 byte count of one compact JSON object (no
whitespace) holding the `crossTenantAccessPolicy` properties the files set, `"default"` with
the default's settings and `"partners"` with every partner's `tenantId` and settings, with an
`@odata.context` like a GET's. Not counted: settings left unset (null means inherit), identity
synchronization (its own entity), b2blint metadata (`name`, `cloud`, `domains`, `tenant`) and
read-only fields the service adds (`id`, `isServiceDefault`, ...). `b2blint size` shows the
breakdown.

Why that object: Microsoft's troubleshooting guide checks the limit on "the entire JSON
response" of `GET https://graph.microsoft.com/beta/policies/crosstenantaccesspolicy`,
compared with `1024*25` bytes. The beta "Get crossTenantAccessPolicy" example response shows
only the base properties (`displayName`, `definition`, `allowedCloudEndpoints`, ...), not the
default or the partners, so which bytes the service counts is not documented; b2blint counts
the default and the partners because they are what grows ("there will be no more limits on
the number of partners you can add" is how Microsoft words the lifting of the cap). The figure
is therefore an estimate of the policy's own content, not a copy of the service's measure.

It warns from 90 % of the limit (`warn-ratio`) and reports an error above the limit (`limit`,
25,600 bytes = 25 KB by default), and names the three biggest partners with their bytes.

The finding points at the `partners:` key of the first file that declares partners (or at
`default:` when there are none): the size belongs to the whole object, not to one line, and
partners are what makes it grow, so that is where one trims (drop settings that repeat the
default, see XTA011, or partners no longer needed). That line also stays put as partners come
and go, so a suppression comment for it keeps working.

## Why is this bad?
When the object would exceed the limit, every change to cross-tenant access settings fails with
"Failure to update policy due to object limit" (`400 Bad Request` from Graph), so `apply` stops
half-way and no partner can be added until something is removed.

Microsoft's documents disagree about whether the cap still applies. The Graph reference for
updating crossTenantAccessPolicy still says the object "is currently limited to 25KB" and the
troubleshooting guide gives the byte-count check; the Entra overview and the B2B collaboration
how-to say that after the storage migration that began on 30 August 2023 "you'll no longer be
capped with 25kb of storage space", and the FAQ says there is no limit on the number of
organizations. b2blint keeps the documented check on by default, because a tenant the change
has not reached still fails at 25 KB, and apply failing half-way is worse than a finding; once
you have confirmed that your tenant accepts bigger policies, raise the limit, lower the
severity, or turn the rule off in the configuration:

```yaml
# .b2blint.yaml (or [tool.b2blint.rules.XTA001] in pyproject.toml)
rules:
  XTA001:
    limit: 51200       # bytes (default 25600)
    warn-ratio: 0.9    # warn from 90 % of the limit
    severity: warning  # or: XTA001: off
```

## How to fix
Run `b2blint size` to see the biggest partners. Remove partner settings that only repeat the
default (XTA011 finds them and fixes them), move partners with identical settings back to the
default, and delete partners you no longer collaborate with.

## References
- Troubleshooting, "Failure to update policy due to object limit" (the size check):
  https://learn.microsoft.com/entra/external-id/troubleshoot
- Get crossTenantAccessPolicy (beta; the example response has the base properties only):
  https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-get?view=graph-rest-beta
- Update crossTenantAccessPolicy ("currently limited to 25KB", 400 Bad Request):
  https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-update
- Cross-tenant access overview (the 2023 storage model, "no longer be capped with 25kb"):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- B2B collaboration cross-tenant access settings (same note):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
- External ID FAQ (no limit on the number of organizations):
  https://learn.microsoft.com/entra/external-id/faq
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.graph.size import DEFAULT_LIMIT, PolicySize, policy_size
from b2blint.policy.model import Policy, Ref
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

DEFAULT_WARN_RATIO = 0.9
TOP_PARTNERS = 3


def option_limit(options: Mapping[str, Any]) -> int:
    """The configured limit in bytes (the default when the option is unusable)."""
    value = options.get("limit", DEFAULT_LIMIT)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return DEFAULT_LIMIT


def option_warn_ratio(options: Mapping[str, Any]) -> float:
    value = options.get("warn-ratio", DEFAULT_WARN_RATIO)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value)
    return DEFAULT_WARN_RATIO


def measure(policy: Policy) -> PolicySize:
    """The policy's serialized size (one serialization of the merged tree)."""
    return policy_size(policy.to_data())


def biggest_partners(policy: Policy, size: PolicySize, count: int) -> list[tuple[int, int]]:
    """(index into ``policy.partners``, bytes) of the ``count`` biggest partners, biggest first."""
    sizes = [(size_bytes, -index) for index, (_, size_bytes) in enumerate(size.partners)]
    return [(-neg_index, size_bytes) for size_bytes, neg_index in heapq.nlargest(count, sizes)]


def _anchor(policy: Policy) -> Ref | None:
    if policy.partners:
        return Ref(policy.partners[0].ref.document, ("partners",), key=True)
    for name in ("default", "crossTenantAccessPolicy"):
        section = policy.section(name)
        if section is not None:
            return section.ref.at_key()
    return None


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    limit = option_limit(ctx.options)
    ratio = option_warn_ratio(ctx.options)
    anchor = _anchor(policy)
    if anchor is None:
        return
    size = measure(policy)
    if size.total < limit * ratio:
        return
    share = 100 * size.total / limit
    top = biggest_partners(policy, size, TOP_PARTNERS)
    names = ", ".join(f"{policy.partners[i].label} with {b:,} bytes" for i, b in top)
    biggest = f"; biggest partners: {names}" if names else ""
    if size.total > limit:
        state = f"over the {limit:,}-byte limit by {size.total - limit:,} bytes"
        severity = Severity.ERROR
        advice = "where the 25 KB cap still applies, Graph refuses further changes"
    else:
        state = f"{share:.1f} % of the {limit:,}-byte limit, {limit - size.total:,} bytes left"
        severity = Severity.WARNING
        advice = "trim it before Graph refuses changes where the 25 KB cap still applies"
    yield Finding(
        anchor,
        f"the cross-tenant access policy is {size.total:,} bytes as b2blint measures it "
        f"(compact UTF-8 JSON with the default and every partner inlined), {state}"
        f"{biggest}; {advice} (run 'b2blint size')",
        related=tuple(
            Related(policy.partners[i].ref, f"{policy.partners[i].label}: {b:,} bytes")
            for i, b in top
        ),
        severity=severity,
    )


RULE = Rule(
    id="XTA001",
    name="policy-size-limit",
    severity=Severity.ERROR,
    summary="The cross-tenant access policy, as b2blint measures it, is near or over 25 KB.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    options={"limit": DEFAULT_LIMIT, "warn-ratio": DEFAULT_WARN_RATIO},
)
