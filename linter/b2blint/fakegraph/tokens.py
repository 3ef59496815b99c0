"""Unsigned access tokens for the emulator: ``mint()`` for tests, and a CLI for shells.

A token is a JWT with header ``{"alg": "none", "typ": "JWT"}``, the claims below, and an empty
signature (``header.payload.``). The emulator reads the claims and never checks a signature: it
is a test double on loopback, not a security boundary. The claims follow Entra v1.0 app-only
access tokens for Graph (``aud``, ``iss``, ``tid``, ``roles``, ``appid``, ``idtyp``...):
application permissions travel in ``roles`` (a list), delegated ones in ``scp`` (space-separated).

    python -m b2blint.fakegraph.tokens --tenant-id 11111111-2222-3333-4444-555555555555
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

GRAPH_AUDIENCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
DEFAULT_APP_ID = "f4ce0000-b2b1-4e11-8000-000000000001"

READ_ALL = "Policy.Read.All"
XTAP_WRITE = "Policy.ReadWrite.CrossTenantAccess"
AUTHORIZATION_WRITE = "Policy.ReadWrite.Authorization"
AUTH_METHOD_WRITE = "Policy.ReadWrite.AuthenticationMethod"
EXTERNAL_IDENTITIES_WRITE = "Policy.ReadWrite.ExternalIdentities"
B2B_READ = "Policy.Read.B2BManagementPolicy"
B2B_WRITE = "Policy.ReadWrite.B2BManagementPolicy"
#: findTenantInformationByTenantId, delegated and application alike [S70].
TENANT_INFO_READ = "CrossTenantInformation.ReadBasic.All"
#: The multitenant organization and its tenants [S90][S92].
MTO_READ = "MultiTenantOrganization.Read.All"
MTO_WRITE = "MultiTenantOrganization.ReadWrite.All"

#: Every permission an emulated endpoint asks for: the default of `mint`.
ALL_ROLES: tuple[str, ...] = (
    READ_ALL,
    XTAP_WRITE,
    AUTHORIZATION_WRITE,
    AUTH_METHOD_WRITE,
    EXTERNAL_IDENTITIES_WRITE,
    B2B_READ,
    B2B_WRITE,
    TENANT_INFO_READ,
    MTO_READ,
    MTO_WRITE,
)
#: What a read-only (plan) identity holds.
READ_ONLY_ROLES: tuple[str, ...] = (READ_ALL, B2B_READ, MTO_READ)


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def mint(
    tenant_id: str,
    roles: Iterable[str] | None = ALL_ROLES,
    *,
    scp: str | None = None,
    lifetime: int = 3600,
    **claims: Any,
) -> str:
    """An unsigned JWT for ``tenant_id``; ``claims`` override or add any claim.

    ``roles=None`` leaves the ``roles`` claim out (a delegated token then carries ``scp``).
    Pass e.g. ``exp=0`` for an expired token or ``aud="api://other"`` for a wrong audience.
    """
    now = int(time.time())
    body: dict[str, Any] = {
        "aud": GRAPH_AUDIENCE,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "appid": DEFAULT_APP_ID,
        "app_displayname": "b2blint fakegraph",
        "idtyp": "app" if scp is None else "user",
        "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"fakegraph:{tenant_id}")),
        "tid": tenant_id,
        "ver": "1.0",
    }
    if roles is not None:
        body["roles"] = list(roles)
    if scp is not None:
        body["scp"] = scp
    body.update(claims)
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(body)}."


def main(argv: Sequence[str] | None = None) -> int:
    """Print one token (``B2BLINT_ACCESS_TOKEN=$(python -m b2blint.fakegraph.tokens ...)``)."""
    parser = argparse.ArgumentParser(
        prog="python -m b2blint.fakegraph.tokens",
        description="Print an unsigned access token that the fakegraph emulator accepts.",
    )
    parser.add_argument("--tenant-id", required=True, help="the tid claim (the emulator's tenant)")
    parser.add_argument(
        "--role",
        action="append",
        dest="roles",
        metavar="PERMISSION",
        help="an application permission for the roles claim (repeatable; default: all of them)",
    )
    parser.add_argument(
        "--read-only", action="store_true", help=f"roles = {', '.join(READ_ONLY_ROLES)}"
    )
    parser.add_argument("--scp", help="a delegated token: space-separated scopes, no roles claim")
    parser.add_argument("--lifetime", type=int, default=3600, help="seconds until exp (3600)")
    parser.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="add or override a claim; the value is JSON if it parses, else a string",
    )
    args = parser.parse_args(argv)
    roles: Iterable[str] | None
    if args.scp is not None:
        roles = args.roles
    elif args.read_only:
        roles = READ_ONLY_ROLES
    else:
        roles = args.roles or ALL_ROLES
    extra: dict[str, Any] = {}
    for item in args.claim:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            parser.error(f"--claim {item!r}: expected NAME=VALUE")
        try:
            extra[name] = json.loads(raw)
        except json.JSONDecodeError:
            extra[name] = raw
    token = mint(args.tenant_id, roles, scp=args.scp, lifetime=args.lifetime, **extra)
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
