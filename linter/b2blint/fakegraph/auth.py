"""Bearer-token checks: who is calling, for which tenant, with which permissions.

Graph answers a missing or unusable token with 401 ``InvalidAuthenticationToken`` and a
``WWW-Authenticate: Bearer ...`` header, and a token without the permission an API lists with 403
``Authorization_RequestDenied`` "Insufficient privileges to complete the operation." [S39].
Permissions per API, least privileged first, are the docs' permission tables (graph-facts §1,
apply-guarantees §2.1): a higher permission of the same area also grants the read.

Not modelled: delegated callers' directory roles (``wids``: Security Administrator for
identitySynchronization, Privileged Role Administrator for authorizationPolicy [S18][S20]) and
Conditional Access protected actions (use the ``claimsChallenge`` fault for those).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import time
from collections.abc import Mapping
from typing import Any

from . import tokens
from .errors import GraphError

#: ``aud`` values Graph accepts: its app id, or a Graph host of any national cloud [S18].
AUDIENCES = frozenset(
    {
        tokens.GRAPH_APP_ID,
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn",
    }
)

WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/'
    f'authorize", client_id="{tokens.GRAPH_APP_ID}"'
)

INSUFFICIENT = "Insufficient privileges to complete the operation."


@dataclasses.dataclass(frozen=True)
class Area:
    """A family of endpoints that share permissions."""

    read: frozenset[str]
    write: frozenset[str]


def _area(read: tuple[str, ...], write: str) -> Area:
    return Area(frozenset((*read, write)), frozenset({write}))


# The emulator's own permission table, kept apart from the client's
# (`b2blint.tenant.auth.ENDPOINTS`) on purpose; tests/fakegraph/test_fakegraph_permissions.py
# checks that the two agree on every route. Application permissions of each page's table:
# XTAP [S16][S17][S18]: crosstenantaccesspolicy-get, -update, -list-partners, -post-partners;
# crosstenantaccesspolicyconfigurationdefault-get, -update, -resettosystemdefault;
# crosstenantaccesspolicyconfigurationpartner-get, -update, -delete, -put-identitysynchronization;
# crosstenantidentitysyncpolicypartner-get, -update, -delete: reads Policy.Read.All or
# Policy.ReadWrite.CrossTenantAccess, writes Policy.ReadWrite.CrossTenantAccess.
XTAP = _area((tokens.READ_ALL,), tokens.XTAP_WRITE)
# authorizationpolicy-get / -update [S20].
AUTHORIZATION = _area((tokens.READ_ALL,), tokens.AUTHORIZATION_WRITE)
# emailauthenticationmethodconfiguration-get / -update [S23].
AUTH_METHODS = _area((tokens.READ_ALL,), tokens.AUTH_METHOD_WRITE)
# externalidentitiespolicy-get / -update (beta) [S22].
EXTERNAL_IDENTITIES = _area((tokens.READ_ALL,), tokens.EXTERNAL_IDENTITIES_WRITE)
# policyroot-list-b2bmanagementpolicies, b2bmanagementpolicy-get (beta) list only the
# B2BManagementPolicy pair, not Policy.Read.All; policyroot-post-b2bmanagementpolicies,
# b2bmanagementpolicy-update, policyroot-delete-b2bmanagementpolicies the write one [S25].
B2B_MANAGEMENT = _area((tokens.B2B_READ,), tokens.B2B_WRITE)
# findTenantInformationByTenantId lists one permission and is a read-only function [S70].
TENANT_INFO = Area(frozenset({tokens.TENANT_INFO_READ}), frozenset())
# multitenantorganization-get, -update, -list-tenants, -post-tenants,
# multitenantorganizationmember-update: reads MultiTenantOrganization.Read.All (ReadBasic.All
# hides a tenant's role, b2blint never asks for it), writes ...ReadWrite.All [S90][S91][S92].
MTO = _area((tokens.MTO_READ,), tokens.MTO_WRITE)
# conditionalaccessroot-list-policies, conditionalaccesspolicy-get: Policy.Read.All only, "higher
# privileged: Not available" (https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies).
# The emulator serves reads only: b2blint never writes Conditional Access, so writes are 405.
CONDITIONAL_ACCESS = Area(frozenset({tokens.READ_ALL}), frozenset())


def decode_claims(token: str) -> dict[str, Any] | None:
    """The payload of a compact JWT, unverified; None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def bearer(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive)."""
    value = headers.get("authorization", "")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_key(claims: Mapping[str, Any] | None) -> str:
    """Whom a Retry-After was told to: the app (or user) and tenant of the token."""
    if not claims:
        return "anonymous"
    who = claims.get("appid") or claims.get("azp") or claims.get("oid") or "unknown"
    return f"{who}/{claims.get('tid')}"


def _unauthenticated(message: str) -> GraphError:
    return GraphError(
        401,
        "InvalidAuthenticationToken",
        message,
        headers={"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def authenticate(headers: Mapping[str, str], tenant_id: str) -> dict[str, Any]:
    """The claims of a token Graph would accept for ``tenant_id``, or the 401 it would send."""
    token = bearer(headers)
    if token is None:
        raise _unauthenticated("Access token is empty.")
    claims = decode_claims(token)
    if claims is None:
        raise _unauthenticated("CompactToken parsing failed with error code: 80049217")
    now = time.time()
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= now:
        raise _unauthenticated("Lifetime validation failed, the token is expired.")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and not isinstance(nbf, bool) and nbf > now + 300:
        raise _unauthenticated("Lifetime validation failed, the token is not yet valid.")
    audience = claims.get("aud")
    if not isinstance(audience, str) or audience.rstrip("/") not in AUDIENCES:
        raise _unauthenticated("Access token validation failure. Invalid audience.")
    tid = claims.get("tid")
    if not isinstance(tid, str) or tid.lower() != tenant_id.lower():
        # Real Graph serves the tenant named by ``tid``; the emulator hosts one tenant, so a
        # token for any other is refused outright (the client must check ``tid`` itself).
        raise _unauthenticated(
            "Access token validation failure. The token was issued for another tenant."
        )
    return claims


def granted(claims: Mapping[str, Any]) -> frozenset[str]:
    """Application ``roles`` plus delegated ``scp`` of a token."""
    found: set[str] = set()
    roles = claims.get("roles")
    if isinstance(roles, list):
        found.update(r for r in roles if isinstance(r, str))
    scopes = claims.get("scp")
    if isinstance(scopes, str):
        found.update(scopes.split())
    return frozenset(found)


def authorize(claims: Mapping[str, Any], area: Area, write: bool) -> None:
    """Raise 403 ``Authorization_RequestDenied`` unless the token holds a permission needed."""
    needed = area.write if write else area.read
    if not granted(claims) & needed:
        raise GraphError(403, "Authorization_RequestDenied", INSUFFICIENT)
