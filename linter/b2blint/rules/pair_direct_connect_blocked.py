"""## What it does
For two tenants of a fleet that are each other's partners, checks both halves of B2B direct
connect in each direction: the home tenant's `b2bDirectConnectOutbound` for the other tenant
and the resource tenant's `b2bDirectConnectInbound` for the home tenant, each as it really
applies (partner entry, else default, else service default, per half; the service default
blocks direct connect both ways). It reports a side whose partner entry allows B2B direct
connect while the other side's effective setting lets nobody through.

The finding sits on the setting that allows, with the other tenant's blocking value (or its
partner entry, when the service default blocks) as a related location, and names the error
the users see: **AADSTS500213** when the resource tenant's inbound setting blocks them,
**AADSTS500212** when their home tenant's outbound setting does.

Tenants in different Microsoft clouds are skipped: B2B direct connect is not supported across
clouds at all (XTA006 reports allowing it). Only tenants that both appear in the fleet are
compared; a partner outside the fleet keeps the one-sided rules.

It also reports two sides that both let someone through, when both `applications` halves
are allow lists of specific application IDs with none in common: a user gets through an allow
list only to an application in it (Graph's users x applications table), so nobody reaches
anything. The finding is on the resource tenant's inbound list when its partner entry writes
it, else on the home tenant's outbound list. An application only the resource tenant allows
meets AADSTS500212, one only the home tenant allows AADSTS500213. Lists with keywords
(`Office365`, `AllMicrosoftApps`) are not compared: Microsoft does not publish which
application IDs they cover.

## Why is this bad?
"B2B direct connect is possible only when both organizations allow access to and from the
other organization. For example, Contoso can allow inbound B2B direct connect from Fabrikam,
but sharing isn't possible until Fabrikam also enables outbound B2B direct connect with
Contoso." The side that allows looks ready, shared channels don't work, and the users meet
AADSTS500213 (NotAllowedByInboundPolicyTenant) or AADSTS500212
(NotAllowedByOutboundPolicyTenant).

## How to fix
Enable the missing half on the blocking side, for the same users and applications (Microsoft's
example: Contoso allows inbound and outbound direct connect for Fabrikam, and "Fabrikam also
needs to allow B2B direct connect with Contoso by configuring these same cross-tenant access
settings"), or stop allowing it on this side. If the difference is deliberate, suppress the
finding with the reason.

## References
- Cross-tenant access settings API overview, "Interpreting the API response" (users x
  applications): https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
- B2B direct connect overview ("possible only when both organizations allow access to and
  from the other organization"; examples 1 and 2):
  https://learn.microsoft.com/entra/external-id/b2b-direct-connect-overview
- Cross-tenant access overview ("Both your organization and the external organization need to
  mutually enable B2B direct connect"; no direct connect across clouds):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Microsoft Entra authentication and authorization error codes (AADSTS500212,
  AADSTS500213): https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

from b2blint.rules._pairs import one_side_blocks_rule

RULE = one_side_blocks_rule(
    id="PAIR002",
    name="pair-direct-connect-blocked",
    summary="One fleet tenant allows B2B direct connect with another that does not allow it back.",
    doc=__doc__ or "",
    inbound="b2bDirectConnectInbound",
    outbound="b2bDirectConnectOutbound",
    noun="B2B direct connect",
    cross_cloud=False,
)
