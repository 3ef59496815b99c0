"""Access tokens for Microsoft Graph, and the checks made on them before anything is written.

A token comes from exactly one place, chosen explicitly: a ready token in
``B2BLINT_ACCESS_TOKEN``, or one azure-identity credential named by ``--auth`` /
``B2BLINT_AUTH``. b2blint never uses ``DefaultAzureCredential``: Microsoft's own guidance warns
of "unpredictable behavior" when a chain picks up whatever the environment holds
(``azure-dev-docs: sdk/authentication/credential-chains.md``). azure-identity is an optional
extra (``pip install 'b2blint[azure]'``) imported only when a credential is built.

The token's claims are read locally (never verified: Graph does that) to refuse a token for
another tenant (``tid``) and to name a missing permission (``roles`` / ``scp``) before the
first write. Every token and secret is registered with `b2blint.redact` the moment it is seen.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.conditionalaccess import CONTEXT_SECTION, POLICIES_PATH
from b2blint.redact import redact, register_secret
from b2blint.tenant.clouds import Cloud

if TYPE_CHECKING:
    from b2blint.tenant.bounded import ClientLimits

ENV_TOKEN = "B2BLINT_ACCESS_TOKEN"
ENV_AUTH = "B2BLINT_AUTH"
AUTH_METHODS = ("secret", "certificate", "workload-identity", "managed-identity", "azure-cli")

#: Environment variables whose values are secrets wherever they appear.
SECRET_ENV = (
    ENV_TOKEN,
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)

READ_ALL = "Policy.Read.All"
XTAP_WRITE = "Policy.ReadWrite.CrossTenantAccess"
AUTHORIZATION_WRITE = "Policy.ReadWrite.Authorization"
AUTH_METHOD_WRITE = "Policy.ReadWrite.AuthenticationMethod"
EXTERNAL_IDENTITIES_WRITE = "Policy.ReadWrite.ExternalIdentities"
B2B_READ = "Policy.Read.B2BManagementPolicy"
B2B_WRITE = "Policy.ReadWrite.B2BManagementPolicy"

_LEARN = "https://learn.microsoft.com/graph/api/"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One request b2blint (or the emulator) makes, and what Microsoft's page says it needs.

    ``permissions`` are the application permissions of the page's "Permissions" table, least
    privileged first: any one of them is enough. ``section`` is the policy-file key whose
    reading or writing sends the request (the key `--section` takes).
    """

    method: str
    path: str  # without the version; ``{id}`` stands for one key segment
    versions: tuple[str, ...]
    permissions: tuple[str, ...]
    section: str
    page: str  # the Graph API reference page (learn.microsoft.com/graph/api/<page>)

    @property
    def url(self) -> str:
        beta = "" if "v1.0" in self.versions else "?view=graph-rest-beta"
        return f"{_LEARN}{self.page}{beta}"


_XTAP = "/policies/crossTenantAccessPolicy"
_SYNC = _XTAP + "/partners/{id}/identitySynchronization"
_EMAIL = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email"
_B2B = "/policies/b2bManagementPolicies"
_CA = POLICIES_PATH
_BOTH = ("v1.0", "beta")
_XTAP_READ = (READ_ALL, XTAP_WRITE)
MTO_READ = "MultiTenantOrganization.Read.All"
MTO_WRITE = "MultiTenantOrganization.ReadWrite.All"
_MTO = "/tenantRelationships/multiTenantOrganization"
_MTO_KEY = "multiTenantOrganization"
_MTO_READ = (MTO_READ, MTO_WRITE)
_MTO_PARTNER = _XTAP + "/templates/multiTenantOrganizationPartnerConfiguration"
_MTO_SYNC = _XTAP + "/templates/multiTenantOrganizationIdentitySynchronization"

#: Every endpoint b2blint calls, with its documented permissions [S16][S17][S18][S20][S22]
#: [S23][S25]: the one table the client's messages, docs/graph.md and the emulator's own
#: table (checked by tests/fakegraph/test_fakegraph_permissions.py) agree with.
ENDPOINTS: tuple[Endpoint, ...] = (
    # export's partner names: a function, one call per partner [S70] (the key is its parameter).
    Endpoint(
        "GET",
        "/tenantRelationships/findTenantInformationByTenantId(tenantId='{id}')",
        _BOTH,
        ("CrossTenantInformation.ReadBasic.All",),
        "partners",
        "tenantrelationship-findtenantinformationbytenantid",
    ),
    Endpoint(
        "GET", _XTAP, _BOTH, _XTAP_READ, "crossTenantAccessPolicy", "crosstenantaccesspolicy-get"
    ),
    Endpoint(
        "PATCH",
        _XTAP,
        _BOTH,
        (XTAP_WRITE,),
        "crossTenantAccessPolicy",
        "crosstenantaccesspolicy-update",
    ),
    Endpoint(
        "GET",
        _XTAP + "/default",
        _BOTH,
        _XTAP_READ,
        "default",
        "crosstenantaccesspolicyconfigurationdefault-get",
    ),
    Endpoint(
        "PATCH",
        _XTAP + "/default",
        _BOTH,
        (XTAP_WRITE,),
        "default",
        "crosstenantaccesspolicyconfigurationdefault-update",
    ),
    Endpoint(
        "POST",
        _XTAP + "/default/resetToSystemDefault",
        _BOTH,
        (XTAP_WRITE,),
        "default",
        "crosstenantaccesspolicyconfigurationdefault-resettosystemdefault",
    ),
    Endpoint(
        "GET",
        _XTAP + "/partners",
        _BOTH,
        _XTAP_READ,
        "partners",
        "crosstenantaccesspolicy-list-partners",
    ),
    Endpoint(
        "POST",
        _XTAP + "/partners",
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantaccesspolicy-post-partners",
    ),
    Endpoint(
        "GET",
        _XTAP + "/partners/{id}",
        _BOTH,
        _XTAP_READ,
        "partners",
        "crosstenantaccesspolicyconfigurationpartner-get",
    ),
    Endpoint(
        "PATCH",
        _XTAP + "/partners/{id}",
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantaccesspolicyconfigurationpartner-update",
    ),
    Endpoint(
        "DELETE",
        _XTAP + "/partners/{id}",
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantaccesspolicyconfigurationpartner-delete",
    ),
    Endpoint(
        "GET", _SYNC, _BOTH, _XTAP_READ, "partners", "crosstenantidentitysyncpolicypartner-get"
    ),
    Endpoint(
        "PUT",
        _SYNC,
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantaccesspolicyconfigurationpartner-put-identitysynchronization",
    ),
    Endpoint(
        "PATCH",
        _SYNC,
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantidentitysyncpolicypartner-update",
    ),
    Endpoint(
        "DELETE",
        _SYNC,
        _BOTH,
        (XTAP_WRITE,),
        "partners",
        "crosstenantidentitysyncpolicypartner-delete",
    ),
    Endpoint(
        "GET",
        "/policies/authorizationPolicy",
        _BOTH,
        (READ_ALL, AUTHORIZATION_WRITE),
        "authorizationPolicy",
        "authorizationpolicy-get",
    ),
    Endpoint(
        "PATCH",
        "/policies/authorizationPolicy",
        _BOTH,
        (AUTHORIZATION_WRITE,),
        "authorizationPolicy",
        "authorizationpolicy-update",
    ),
    # Beta addresses the one policy of the collection by its id [S20].
    Endpoint(
        "GET",
        "/policies/authorizationPolicy/authorizationPolicy",
        ("beta",),
        (READ_ALL, AUTHORIZATION_WRITE),
        "authorizationPolicy",
        "authorizationpolicy-get",
    ),
    Endpoint(
        "PATCH",
        "/policies/authorizationPolicy/authorizationPolicy",
        ("beta",),
        (AUTHORIZATION_WRITE,),
        "authorizationPolicy",
        "authorizationpolicy-update",
    ),
    Endpoint(
        "GET",
        _EMAIL,
        _BOTH,
        (READ_ALL, AUTH_METHOD_WRITE),
        "emailOtp",
        "emailauthenticationmethodconfiguration-get",
    ),
    Endpoint(
        "PATCH",
        _EMAIL,
        _BOTH,
        (AUTH_METHOD_WRITE,),
        "emailOtp",
        "emailauthenticationmethodconfiguration-update",
    ),
    Endpoint(
        "GET",
        "/policies/externalIdentitiesPolicy",
        ("beta",),
        (READ_ALL, EXTERNAL_IDENTITIES_WRITE),
        "externalIdentitiesPolicy",
        "externalidentitiespolicy-get",
    ),
    Endpoint(
        "PATCH",
        "/policies/externalIdentitiesPolicy",
        ("beta",),
        (EXTERNAL_IDENTITIES_WRITE,),
        "externalIdentitiesPolicy",
        "externalidentitiespolicy-update",
    ),
    # Not Policy.Read.All: the b2bManagementPolicy pages list only their own pair [S25].
    Endpoint(
        "GET",
        _B2B,
        ("beta",),
        (B2B_READ, B2B_WRITE),
        "invitationDomains",
        "policyroot-list-b2bmanagementpolicies",
    ),
    Endpoint(
        "POST",
        _B2B,
        ("beta",),
        (B2B_WRITE,),
        "invitationDomains",
        "policyroot-post-b2bmanagementpolicies",
    ),
    Endpoint(
        "GET",
        _B2B + "/{id}",
        ("beta",),
        (B2B_READ, B2B_WRITE),
        "invitationDomains",
        "b2bmanagementpolicy-get",
    ),
    Endpoint(
        "PATCH",
        _B2B + "/{id}",
        ("beta",),
        (B2B_WRITE,),
        "invitationDomains",
        "b2bmanagementpolicy-update",
    ),
    Endpoint(
        "DELETE",
        _B2B + "/{id}",
        ("beta",),
        (B2B_WRITE,),
        "invitationDomains",
        "policyroot-delete-b2bmanagementpolicies",
    ),
    # The multitenant organization: MultiTenantOrganization.ReadBasic.All is left out, it
    # reads "only the displayName and tenantId" of a tenant, not its role [S90][S92].
    Endpoint("GET", _MTO, _BOTH, _MTO_READ, _MTO_KEY, "multitenantorganization-get"),
    Endpoint("PATCH", _MTO, _BOTH, (MTO_WRITE,), _MTO_KEY, "multitenantorganization-update"),
    Endpoint(  # create: the creator tenant becomes its owner [S100]
        "PUT", _MTO, _BOTH, (MTO_WRITE,), _MTO_KEY, "tenantrelationship-put-multitenantorganization"
    ),
    Endpoint(
        "GET", _MTO + "/tenants", _BOTH, _MTO_READ, _MTO_KEY, "multitenantorganization-list-tenants"
    ),
    Endpoint(
        "POST",
        _MTO + "/tenants",
        _BOTH,
        (MTO_WRITE,),
        _MTO_KEY,
        "multitenantorganization-post-tenants",
    ),
    Endpoint(
        "PATCH",
        _MTO + "/tenants/{id}",
        _BOTH,
        (MTO_WRITE,),
        _MTO_KEY,
        "multitenantorganizationmember-update",
    ),
    # The templates: read with Policy.Read.All, written with ...CrossTenantAccess [S93][S94].
    Endpoint(
        "GET",
        _MTO_PARTNER,
        _BOTH,
        _XTAP_READ,
        "multiTenantOrganizationPartnerConfiguration",
        "multitenantorganizationpartnerconfigurationtemplate-get",
    ),
    Endpoint(
        "PATCH",
        _MTO_PARTNER,
        _BOTH,
        (XTAP_WRITE,),
        "multiTenantOrganizationPartnerConfiguration",
        "multitenantorganizationpartnerconfigurationtemplate-update",
    ),
    Endpoint(
        "GET",
        _MTO_SYNC,
        _BOTH,
        _XTAP_READ,
        "multiTenantOrganizationIdentitySynchronization",
        "multitenantorganizationidentitysyncpolicytemplate-get",
    ),
    Endpoint(
        "PATCH",
        _MTO_SYNC,
        _BOTH,
        (XTAP_WRITE,),
        "multiTenantOrganizationIdentitySynchronization",
        "multitenantorganizationidentitysyncpolicytemplate-update",
    ),
    # Conditional Access: read-only context (docs/graph.md), never written. Policy.Read.All
    # only; the pages say "higher privileged: Not available" [S120].
    Endpoint(
        "GET",
        _CA,
        _BOTH,
        (READ_ALL,),
        CONTEXT_SECTION,
        "conditionalaccessroot-list-policies",
    ),
    Endpoint(
        "GET",
        _CA + "/{id}",
        _BOTH,
        (READ_ALL,),
        CONTEXT_SECTION,
        "conditionalaccesspolicy-get",
    ),
)

# A token holding a higher permission of the same area also passes the preflight.
_HIGHER: dict[str, frozenset[str]] = {
    READ_ALL: frozenset({"Policy.ReadWrite.All"}),
    B2B_READ: frozenset({B2B_WRITE}),
}


_FUNCTION_CALL = re.compile(r"^([^(]+)\(\w+='([^']*)'\)$")


def _segments(path: str) -> list[str]:
    """Lower-cased segments; an action may be namespaced (``microsoft.graph.resetTo...``); a
    function call ``name(key='value')`` counts as two segments, ``name`` and ``value``."""
    out: list[str] = []
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        call = _FUNCTION_CALL.match(segment)
        parts = [call.group(1), call.group(2)] if call else [segment]
        out += [part.lower().removeprefix("microsoft.graph.") for part in parts]
    return out


def endpoint_for(method: str, path: str) -> Endpoint | None:
    """The `ENDPOINTS` entry of ``method path`` (a ``/v1.0``/``/beta`` prefix and a query are
    allowed; segments match case-insensitively, as Graph matches them); None if not one."""
    bare = path.split("?", 1)[0]
    segments = _segments(bare)
    version = "v1.0"
    if segments and segments[0] in ("v1.0", "beta"):
        version = segments.pop(0)
    for endpoint in ENDPOINTS:
        pattern = _segments(endpoint.path)
        if (
            endpoint.method == method.upper()
            and version in endpoint.versions
            and len(pattern) == len(segments)
            and all(p in ("{id}", s) for p, s in zip(pattern, segments, strict=True))
        ):
            return endpoint
    return None


def permissions_for(method: str, path: str) -> tuple[str, ...]:
    """Every documented permission for ``method path``, least privileged first (() if unknown)."""
    endpoint = endpoint_for(method, path)
    return endpoint.permissions if endpoint is not None else ()


def permission_for(method: str, path: str) -> str | None:
    """The least-privileged permission Graph wants for ``method path`` (None if unknown)."""
    found = permissions_for(method, path)
    return found[0] if found else None


def denied_hint(method: str, path: str) -> str:
    """What a 403 on ``method path`` tells the user: the permission(s) Microsoft documents."""
    endpoint = endpoint_for(method, path)
    if endpoint is None:
        return "the app lacks a Graph permission for this call"
    least, *higher = endpoint.permissions
    also = f" (or the higher {', '.join(higher)})" if higher else ""
    return f"the app needs the Graph permission {least}{also}, admin-consented ({endpoint.url})"


def skip_hint(method: str, path: str, command: str, sections: Sequence[str]) -> str | None:
    """How to go on without the section a read was refused for: `--section` with the others.

    None when the refused request is not a read of one section, or no other section is left.
    """
    endpoint = endpoint_for(method, path)
    if endpoint is None or endpoint.method != "GET":
        return None
    others = [s for s in sections if s != endpoint.section]
    if not others or len(others) == len(sections):
        return None
    flags = " ".join(f"--section {s}" for s in others)
    return f"to {command} without {endpoint.section}, name the other sections: {flags}"


def _satisfies(granted: frozenset[str], needed: str) -> bool:
    return needed in granted or bool(granted & _HIGHER.get(needed, frozenset()))


def read_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT access token, unverified; None if it is not a readable JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def granted_permissions(claims: Mapping[str, Any]) -> frozenset[str] | None:
    """Application ``roles`` or delegated ``scp`` of a token; None if it carries neither."""
    roles = claims.get("roles")
    scopes = claims.get("scp")
    found: set[str] = set()
    if isinstance(roles, list):
        found.update(r for r in roles if isinstance(r, str))
    if isinstance(scopes, str):
        found.update(scopes.split())
    if not isinstance(roles, list) and not isinstance(scopes, str):
        return None
    return frozenset(found)


def missing_permissions(claims: Mapping[str, Any], needed: Iterable[str]) -> list[str]:
    """The needed permissions the token lacks ([] when it says nothing about its permissions)."""
    granted = granted_permissions(claims)
    if granted is None:
        return []
    return sorted({p for p in needed if not _satisfies(granted, p)})


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """What b2blint learned from a token, without the token itself."""

    tenant_id: str | None
    app_id: str | None
    claims: Mapping[str, Any]


class TokenSource(Protocol):
    """Anything that hands out a currently valid Graph access token (thread-safe)."""

    def token(self) -> str: ...

    def describe(self) -> str: ...


class StaticToken:
    """A ready token (``B2BLINT_ACCESS_TOKEN``): used as is, never refreshed."""

    def __init__(self, value: str, origin: str = ENV_TOKEN) -> None:
        register_secret(value)
        self._value = value
        self._origin = origin

    def token(self) -> str:
        return self._value

    def describe(self) -> str:
        return f"the token in {self._origin}"


class CredentialToken:
    """An azure-identity credential; tokens are cached until five minutes before expiry.

    b2blint cannot bound azure-identity's own HTTP (its transport, retries and, for
    ``azure-cli``, the ``az`` subprocess with azure-identity's own 10 s ``process_timeout``);
    what it bounds is how long it waits: each ``get_token`` runs on a worker thread, and after
    ``timeout`` seconds (``B2BLINT_REQUEST_TIMEOUT``) the command fails and the thread is
    abandoned (a daemon: it ends with the process). The GitHub Actions OIDC request that
    ``workload-identity`` makes through b2blint is bounded fully (`github_assertion`).
    """

    def __init__(
        self, credential: Any, scope: str, label: str, timeout: float | None = None
    ) -> None:
        self._credential = credential
        self._scope = scope
        self._label = label
        self._timeout = timeout
        self._lock = threading.Lock()
        self._value: str | None = None
        self._expires = 0.0

    def token(self) -> str:
        with self._lock:
            if self._value is None or time.time() > self._expires - 300:
                self._value, self._expires = self._fetch()
            return self._value

    def _get_token(self) -> Any:
        """``get_token`` within the deadline (the worker's exception re-raised here)."""
        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                outcome.append((True, self._credential.get_token(self._scope)))
            except BaseException as error:  # any error: re-raised on the waiting thread
                outcome.append((False, error))

        worker = threading.Thread(target=run, name="b2blint-get-token", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if not outcome:
            from b2blint.tenant.bounded import ENV_REQUEST_TIMEOUT

            raise B2BLintError(
                f"cannot get a Graph token with {self._label}: no token within "
                f"{self._timeout:g} s ({ENV_REQUEST_TIMEOUT})",
                exit_code=EXIT_FAILED,
            )
        done, value = outcome[0]
        if not done:
            raise value
        return value

    def _fetch(self) -> tuple[str, float]:
        from azure.core.exceptions import AzureError  # the optional extra is installed

        try:
            access = self._get_token()
        except AzureError as error:
            raise B2BLintError(
                f"cannot get a Graph token with {self._label}: "
                f"{redact(str(error)).splitlines()[0] if str(error) else type(error).__name__}",
                exit_code=EXIT_FAILED,
            ) from None
        value = str(access.token)
        register_secret(value)
        return value, float(access.expires_on)

    def describe(self) -> str:
        return self._label


def token_info(source: TokenSource) -> TokenInfo:
    """Read the claims of the source's current token."""
    claims = read_claims(source.token()) or {}
    tenant = claims.get("tid")
    app = claims.get("appid", claims.get("azp"))
    return TokenInfo(
        tenant if isinstance(tenant, str) else None,
        app if isinstance(app, str) else None,
        claims,
    )


def check_tenant(info: TokenInfo, expected: str, source: TokenSource) -> None:
    """Refuse (exit 1) unless the token was issued by ``expected`` (the YAML's tenant.id)."""
    if info.tenant_id is None:
        raise B2BLintError(
            f"cannot tell which tenant {source.describe()} is for (no 'tid' claim); "
            f"refusing to use it for tenant {expected}",
            exit_code=EXIT_FAILED,
        )
    if info.tenant_id.lower() != expected.lower():
        raise B2BLintError(
            f"{source.describe()} is for tenant {info.tenant_id}, but the policy is for tenant "
            f"{expected}; refusing to touch the wrong tenant",
            exit_code=EXIT_FAILED,
        )
    expires = info.claims.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        raise B2BLintError(f"{source.describe()} has expired; get a new one", exit_code=EXIT_FAILED)


def check_permissions(info: TokenInfo, needed: Iterable[str], why: str) -> None:
    """Refuse (exit 1) when the token's roles/scopes lack a permission ``why`` needs."""
    missing = missing_permissions(info.claims, needed)
    if missing:
        raise B2BLintError(
            f"the token lacks the Graph permission{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} needed to {why}; grant it to the app (admin consent) "
            "and get a new token",
            exit_code=EXIT_FAILED,
        )


def register_environment_secrets(environ: Mapping[str, str] | None = None) -> None:
    """Make every secret-bearing environment variable's value redactable."""
    env = os.environ if environ is None else environ
    for name in SECRET_ENV:
        register_secret(env.get(name))


def _need(env: Mapping[str, str], name: str, method: str) -> str:
    value = env.get(name)
    if not value:
        raise B2BLintError(
            f"--auth {method} needs the environment variable {name}", exit_code=EXIT_FAILED
        )
    return value


#: GitHub's OIDC answer is one JSON object with a JWT of a few KB (``{"count": .., "value":
#: ".."}``); anything far larger is not one.
OIDC_MAX_BYTES = 64 * 1024


def github_assertion(env: Mapping[str, str]) -> Callable[[], str]:
    """A callable that fetches a fresh GitHub Actions OIDC token for Entra (per token request).

    ``GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange`` with the request
    token as bearer; the job needs ``permissions: id-token: write`` (GitHub's OIDC docs). The
    request is bounded like a Graph request (`b2blint.tenant.bounded`): a deadline of
    ``B2BLINT_REQUEST_TIMEOUT`` inside every socket operation, at most `OIDC_MAX_BYTES`, the
    same JSON limits, no redirects, no compression.
    """
    from b2blint.tenant.bounded import ClientLimits

    url = env["ACTIONS_ID_TOKEN_REQUEST_URL"]
    request_token = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
    register_secret(request_token)
    limits = ClientLimits.from_environment(env)

    def assertion() -> str:
        try:
            value = _fetch_oidc(url, request_token, limits)
        except _OIDCError as error:
            raise B2BLintError(
                f"cannot get the GitHub Actions OIDC token: {redact(str(error))}",
                exit_code=EXIT_FAILED,
            ) from None
        register_secret(value)
        return value

    return assertion


class _OIDCError(Exception):
    """Why the OIDC token could not be had, in a few words."""


def _with_audience(url: str) -> str:
    """``url`` plus the audience, keeping its own query: GitHub's URL carries one
    (``?api-version=2.0``) and its docs append ``&audience=...``; httpx's ``params=`` would
    replace it."""
    return f"{url}{'&' if '?' in url else '?'}audience=api%3A%2F%2FAzureADTokenExchange"


def _fetch_oidc(url: str, request_token: str, limits: ClientLimits) -> str:
    import httpx

    from b2blint.tenant.bounded import (
        ENV_REQUEST_TIMEOUT,
        BadJSON,
        Deadline,
        DeadlineTransport,
        environment_proxy,
        parse_json,
    )

    cap = min(OIDC_MAX_BYTES, limits.max_response_bytes)
    deadline = Deadline()
    transport = DeadlineTransport(deadline, httpx.Limits(max_connections=1), environment_proxy(url))
    client = httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(limits.request_timeout),
        follow_redirects=False,
        headers={"Accept": "application/json", "Accept-Encoding": "identity"},
    )
    deadline.at = time.monotonic() + limits.request_timeout
    try:
        with client.stream(
            "GET", _with_audience(url), headers={"Authorization": f"Bearer {request_token}"}
        ) as response:
            if response.status_code != 200:
                raise _OIDCError(f"HTTP {response.status_code} from the token endpoint")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _OIDCError(f"the answer is too large (Content-Length {int(declared)})")
            body = bytearray()
            for chunk in response.iter_raw():
                body += chunk
                if len(body) > cap:
                    raise _OIDCError(f"the answer is too large (more than {cap} bytes)")
        answer = parse_json(bytes(body))
    except httpx.TimeoutException:
        raise _OIDCError(
            f"no complete answer within {limits.request_timeout:g} s ({ENV_REQUEST_TIMEOUT})"
        ) from None
    except httpx.HTTPError as error:
        raise _OIDCError(f"{type(error).__name__}: {error}") from None
    except BadJSON as error:
        raise _OIDCError(f"the answer is not JSON b2blint accepts ({error})") from None
    finally:
        deadline.at = None
        client.close()
    value = answer.get("value") if isinstance(answer, dict) else None
    if not isinstance(value, str) or not value:
        raise _OIDCError("the answer has no 'value'")
    return value


def credential_source(
    method: str, tenant_id: str, cloud: Cloud, environ: Mapping[str, str] | None = None
) -> CredentialToken:
    """Build exactly one azure-identity credential for ``method`` (see `AUTH_METHODS`)."""
    env = os.environ if environ is None else environ
    if method not in AUTH_METHODS:
        raise B2BLintError(
            f"unknown --auth '{method}' (choose one of: {', '.join(AUTH_METHODS)})",
            exit_code=EXIT_FAILED,
        )
    try:
        from azure import identity
    except ImportError:
        raise B2BLintError(
            f"--auth {method} needs azure-identity: pip install 'b2blint[azure]' "
            f"(or pass a ready token in {ENV_TOKEN})",
            exit_code=EXIT_FAILED,
        ) from None
    authority = cloud.authority_host
    client_id = env.get("AZURE_CLIENT_ID")
    credential: Any
    label = f"--auth {method}"
    if method == "secret":
        secret = _need(env, "AZURE_CLIENT_SECRET", method)
        register_secret(secret)
        credential = identity.ClientSecretCredential(
            tenant_id, _need(env, "AZURE_CLIENT_ID", method), secret, authority=authority
        )
    elif method == "certificate":
        password = env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD")
        register_secret(password)
        credential = identity.CertificateCredential(
            tenant_id,
            _need(env, "AZURE_CLIENT_ID", method),
            _need(env, "AZURE_CLIENT_CERTIFICATE_PATH", method),
            password=password,
            authority=authority,
        )
    elif method == "workload-identity":
        if env.get("AZURE_FEDERATED_TOKEN_FILE"):
            credential = identity.WorkloadIdentityCredential(
                tenant_id=tenant_id,
                client_id=_need(env, "AZURE_CLIENT_ID", method),
                token_file_path=env["AZURE_FEDERATED_TOKEN_FILE"],
                authority=authority,
            )
        elif env.get("ACTIONS_ID_TOKEN_REQUEST_URL"):
            credential = identity.ClientAssertionCredential(
                tenant_id,
                _need(env, "AZURE_CLIENT_ID", method),
                github_assertion(env),
                authority=authority,
            )
            label += " (GitHub Actions OIDC)"
        else:
            raise B2BLintError(
                "--auth workload-identity needs AZURE_FEDERATED_TOKEN_FILE, or a GitHub Actions "
                "job with 'permissions: id-token: write' (ACTIONS_ID_TOKEN_REQUEST_URL)",
                exit_code=EXIT_FAILED,
            )
    elif method == "managed-identity":
        credential = identity.ManagedIdentityCredential(client_id=client_id)
    else:
        credential = identity.AzureCliCredential(tenant_id=tenant_id)
    from b2blint.tenant.bounded import ClientLimits

    timeout = ClientLimits.from_environment(env).request_timeout
    return CredentialToken(credential, cloud.scope, label, timeout)


def token_source(
    method: str | None, tenant_id: str, cloud: Cloud, environ: Mapping[str, str] | None = None
) -> TokenSource:
    """The one token source the user chose: ``--auth`` / ``B2BLINT_AUTH``, else the ready token."""
    env = os.environ if environ is None else environ
    register_environment_secrets(env)
    chosen = method or env.get(ENV_AUTH) or None
    if chosen:
        return credential_source(chosen, tenant_id, cloud, env)
    ready = env.get(ENV_TOKEN, "").strip()
    if ready:
        if ready.lower().startswith("bearer "):
            ready = ready[7:].strip()
        return StaticToken(ready)
    raise B2BLintError(
        f"no Graph credentials: set {ENV_TOKEN} to an access token, or choose "
        f"--auth {{{'|'.join(AUTH_METHODS)}}} (see docs/graph.md)",
        exit_code=EXIT_FAILED,
    )


def permissions_markdown() -> str:
    """`ENDPOINTS` as the Markdown table of docs/graph.md (a test keeps the two equal)."""
    rows = [
        "| request | API | section | application permissions, least privileged first "
        "| Microsoft's page |",
        "|---|---|---|---|---|",
    ]
    for endpoint in ENDPOINTS:
        listed = " or ".join(f"`{p}`" for p in endpoint.permissions)
        rows.append(
            f"| `{endpoint.method} {endpoint.path}` | {', '.join(endpoint.versions)} "
            f"| `{endpoint.section}` | {listed} | [{endpoint.page}]({endpoint.url}) |"
        )
    return "\n".join(rows) + "\n"


def with_skip_hint(error: B2BLintError, command: str, sections: Sequence[str]) -> B2BLintError:
    """``error``, plus how to skip the section when it is a 403 on reading one of ``sections``
    (the sections ``command`` was reading, in order); otherwise ``error`` unchanged."""
    status = getattr(error, "status", None)
    method = getattr(error, "method", None)
    url = getattr(error, "url", None)
    if status != 403 or not isinstance(method, str) or not isinstance(url, str):
        return error
    hint = skip_hint(method, urlsplit(url).path, command, sections)
    if hint is None:
        return error
    return B2BLintError(f"{error.message}; {hint}", exit_code=error.exit_code)
