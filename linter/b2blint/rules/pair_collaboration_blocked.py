"""## What it does
For two tenants of a fleet that are each other's partners, checks both halves of B2B
collaboration in each direction: the home tenant's `b2bCollaborationOutbound` for the other
tenant and the resource tenant's `b2bCollaborationInbound` for the home tenant, each as it
really applies (partner entry, else default, else service default, per half). It reports a
side whose partner entry allows B2B collaboration (some users reach some application) while
the other side's effective setting lets nobody through.

The finding sits on the setting that allows, with the other tenant's blocking value as a
related location, and names the error the users see: **AADSTS500213** when the resource
tenant's inbound setting blocks them, **AADSTS500212** when their home tenant's outbound
setting does. A side that allows only by inheritance (its default, or the service default,
which allows B2B collaboration) is not reported: that is no sign that anyone expects the
access to work.

Only tenants that both appear in the fleet are compared (`b2blint lint` on a fleet root); a
partner outside the fleet keeps the one-sided rules.

It also reports two sides that both let someone through, when both `applications` halves
are allow lists of specific application IDs with none in common: a user gets through an allow
list only to an application in it (Graph's users x applications table), so nobody reaches
anything. The finding is on the resource tenant's inbound list when its partner entry writes
it, else on the home tenant's outbound list. An application only the resource tenant allows
meets AADSTS500212, one only the home tenant allows AADSTS500213. Lists with keywords
(`Office365`, `AllMicrosoftApps`) are not compared: Microsoft does not publish which
application IDs they cover.

## Why is this bad?
Microsoft evaluates both tenants' settings on every sign-in: "the Microsoft Entra security
token service (STS) ... checks whether the Fabrikam user is allowed access by evaluating
cross-tenant access settings (Fabrikam's outbound settings and Contoso's inbound
settings)". When one of them lets nobody through, the other side's allow is dead
configuration that reviewers read as working access; users meet "AADSTS500213:
NotAllowedByInboundPolicyTenant - The resource tenant's cross-tenant access policy doesn't
allow this user to access this tenant" or "AADSTS500212: NotAllowedByOutboundPolicyTenant -
The user's administrator has set an outbound access policy that doesn't allow access to the
resource tenant".

## How to fix
Decide which side is right. Allow the users (or a group of them) and applications on the
blocking side, or block the setting on the allowing side as well, so that both files say the
same thing. If the difference is deliberate, suppress the finding with the reason.

## References
- Cross-tenant access settings API overview, "Interpreting the API response" (users x
  applications): https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
- Authentication and Conditional Access for External ID, "Authentication flow for external
  Microsoft Entra users", step 2:
  https://learn.microsoft.com/entra/external-id/authentication-conditional-access
- Cross-tenant access overview (inbound and outbound settings; defaults):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- Microsoft Entra authentication and authorization error codes (AADSTS500212,
  AADSTS500213): https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

from b2blint.rules._pairs import one_side_blocks_rule

RULE = one_side_blocks_rule(
    id="PAIR001",
    name="pair-collaboration-blocked",
    summary="One fleet tenant allows B2B collaboration with another that blocks it entirely.",
    doc=__doc__ or "",
    inbound="b2bCollaborationInbound",
    outbound="b2bCollaborationOutbound",
    noun="B2B collaboration",
)
