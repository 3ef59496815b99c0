"""Read the live tenant with a constant number of requests, whatever the number of partners.

One GET per managed singleton and one paged list of partners with
``$expand=identitySynchronization`` (graph-facts §1: the list "supports ``$select``,
``$expand=identitySynchronization``"), never one GET per partner. The singletons are read
concurrently. Only the resources the caller names are read, so a plan of cross-tenant access
settings needs no permission on, say, the authentication methods policy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from b2blint.graph.kinds import (
    ALL_KINDS,
    AUTHORIZATION_POLICY_BETA_PATH,
    B2B_POLICIES,
    BETA,
    MTO_TENANTS,
    PARTNERS,
    SINGLETON_PATH,
    ResourceKind,
)
from b2blint.graph.mapping import ResourceKey, build_policy, without_unset
from b2blint.graph.odata import strip_annotations
from b2blint.graph.recognize import Recognized
from b2blint.identifiers import is_guid
from b2blint.tenant.client import GraphClient


def object_key(kind: ResourceKind, tenant_id: str | None = None) -> ResourceKey:
    """b2blint's key of one live object: ``default``, ``partner:<id lower-case>``, ..."""
    return f"{kind.value}:{tenant_id.lower()}" if tenant_id else kind.value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class LiveTenant:
    """The live objects b2blint read, keyed by `object_key`, annotations stripped.

    A partner's object excludes its identitySynchronization, which has its own key; an object
    that does not exist is absent from ``objects``. ``kinds`` says what was read, so that
    "absent" and "not read" are never confused.
    """

    kinds: frozenset[ResourceKind]
    objects: Mapping[ResourceKey, dict[str, Any]]
    partner_ids: tuple[str, ...]  # as Graph spells them, in listing order
    b2b_policy: dict[str, Any] | None  # the live b2bManagementPolicy, with its id
    requests: int

    def get(self, key: ResourceKey) -> dict[str, Any] | None:
        return self.objects.get(key)

    def hash_of(self, key: ResourceKey) -> str:
        return digest(self.objects.get(key))

    def partner_list_hash(self) -> str:
        return digest(sorted(tenant.lower() for tenant in self.partner_ids))

    def partner_name(self, tenant_id: str) -> str | None:
        found = self.objects.get(object_key(ResourceKind.PARTNER, tenant_id), {})
        name = found.get("displayName")
        return name if isinstance(name, str) and name else None

    def recognized(self) -> list[Recognized]:
        """The objects as `mapping.build_policy` takes them (the kind is known, not guessed)."""
        found: list[Recognized] = []
        for key, data in self.objects.items():
            kind = ResourceKind(key.partition(":")[0])
            if kind is ResourceKind.B2B_MANAGEMENT_POLICY:
                continue
            found.append(Recognized(kind=kind, data=data))
        if self.b2b_policy is not None:
            found.append(Recognized(kind=ResourceKind.B2B_MANAGEMENT_POLICY, data=self.b2b_policy))
        return found

    def policy(self) -> dict[str, Any]:
        """The live tenant as policy data (the same mapping `import` uses), unset values dropped."""
        return without_unset(build_policy(self.recognized()).policy)


def _singleton(
    client: GraphClient, kind: ResourceKind, beta: bool
) -> tuple[ResourceKind, dict[str, Any] | None]:
    if kind is ResourceKind.B2B_MANAGEMENT_POLICY:
        items = client.list(B2B_POLICIES, BETA)
        chosen = next((i for i in items if i.get("isOrganizationDefault") is True), None)
        return kind, chosen or (items[0] if items else None)
    path, version = SINGLETON_PATH[kind]
    if beta and kind is ResourceKind.AUTHORIZATION_POLICY:
        path, version = AUTHORIZATION_POLICY_BETA_PATH, BETA
    elif beta:
        version = BETA
    found = client.get_optional(path, version)
    # The MTO's tenants are a second request; a tenant in no MTO reads state "inactive" [S90].
    mto = kind is ResourceKind.MULTI_TENANT_ORGANIZATION
    if mto and found is not None and found.get("state") != "inactive":
        tenants = [strip_annotations(item) for item in client.list(MTO_TENANTS, version)]
        found = {**found, "tenants": tenants}
    return kind, found


def read_live(
    client: GraphClient,
    kinds: Iterable[ResourceKind] = ALL_KINDS,
    *,
    beta: Iterable[ResourceKind] = (),
    concurrency: int = 4,
    progress: Callable[[str], None] | None = None,
) -> LiveTenant:
    """Read ``kinds`` from Graph (``beta``: the kinds to read from /beta, for beta-only fields)."""
    wanted = frozenset(kinds)
    use_beta = frozenset(beta)
    before = client.requests_sent
    singles = [k for k in ALL_KINDS if k in wanted and k is not ResourceKind.PARTNER]
    objects: dict[ResourceKey, dict[str, Any]] = {}
    partner_ids: list[str] = []
    b2b: dict[str, Any] | None = None
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(_singleton, client, kind, kind in use_beta) for kind in singles]
        if ResourceKind.PARTNER in wanted:
            version = BETA if ResourceKind.PARTNER in use_beta else "v1.0"
            items = client.list(PARTNERS, version, {"$expand": "identitySynchronization"})
            if progress is not None:
                progress(f"read {len(items)} partners")
            for index, item in enumerate(items):
                _add_partner(objects, partner_ids, strip_annotations(item), index)
        for future in futures:
            kind, found = future.result()
            if found is None:
                continue
            if kind is ResourceKind.B2B_MANAGEMENT_POLICY:
                b2b = strip_annotations(found)
                _check_b2b_policy_id(b2b)
                objects[object_key(kind)] = b2b
            else:
                objects[object_key(kind)] = strip_annotations(found)
    return LiveTenant(wanted, objects, tuple(partner_ids), b2b, client.requests_sent - before)


def _check_b2b_policy_id(policy: dict[str, Any]) -> None:
    """The b2bManagementPolicy's id becomes a URL segment of apply's PATCH
    (``/beta/policies/b2bManagementPolicies/{id}``); Graph's examples show a GUID
    (https://learn.microsoft.com/graph/api/b2bmanagementpolicy-get?view=graph-rest-beta).
    ``../authorizationPolicy`` from a hostile server would otherwise PATCH another policy."""
    policy_id = policy.get("id")
    if not is_guid(policy_id):
        from b2blint.files.jsonpos import shown
        from b2blint.tenant.client import GraphError

        raise GraphError(
            f"the b2bManagementPolicy has id {shown(policy_id)}, not a GUID (malformed response)",
            method="GET",
            url=B2B_POLICIES,
            code="MalformedResponse",
        )


def _add_partner(
    objects: dict[ResourceKey, dict[str, Any]], ids: list[str], item: dict[str, Any], index: int
) -> None:
    """Keep one listed partner; its tenantId must be a GUID, as Graph documents it.

    The id becomes a URL segment in `plan`/`apply` (``.../partners/{tenantId}``) and a file name
    in `export`: ``../..`` or a ``/`` from a hostile or broken server must never get that far.
    """
    tenant_id = item.get("tenantId")
    if not isinstance(tenant_id, str) or not tenant_id or not is_guid(tenant_id):
        from b2blint.files.jsonpos import shown
        from b2blint.tenant.client import GraphError

        what = (
            "has no tenantId" if not tenant_id else f"has tenantId {shown(tenant_id)}, not a GUID"
        )
        raise GraphError(
            f"partner {index + 1} of the list {what} (malformed response)",
            method="GET",
            url=PARTNERS,
            code="MalformedResponse",
        )
    sync = item.pop("identitySynchronization", None)
    ids.append(tenant_id)
    objects[object_key(ResourceKind.PARTNER, tenant_id)] = item
    if isinstance(sync, dict):
        sync.setdefault("tenantId", tenant_id)
        objects[object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, tenant_id)] = sync


#: findTenantInformationByTenantId: one GET per tenant, global service only [S70].
TENANT_INFO_PATH = "tenantRelationships/findTenantInformationByTenantId(tenantId='{}')"
#: The permission that function lists, delegated and application alike [S70].
TENANT_INFO_PERMISSION = "CrossTenantInformation.ReadBasic.All"
#: A display name longer than this is not used: b2blint's own bound (a name is for people to read).
MAX_TENANT_NAME = 256


@dataclasses.dataclass(frozen=True)
class TenantInfo:
    """What export uses of another tenant's public tenantInformation [S71]: checked values."""

    name: str | None
    domain: str | None  # defaultDomainName, lower-case, a valid DNS name


@dataclasses.dataclass(frozen=True)
class TenantLookup:
    """Names and default domains found for partner tenants, and why any are missing."""

    found: Mapping[str, TenantInfo]  # lower-case tenant ID -> info
    warnings: tuple[str, ...]
    requests: int


def resolve_tenants(
    client: GraphClient, tenant_ids: Iterable[str], *, concurrency: int = 8
) -> TenantLookup:
    """Look up each tenant's name and default domain, ``concurrency`` requests at a time.

    Everything returned is hostile: the display name becomes a YAML value and a file-name slug
    (the writer escapes and slugs it), so it must be a non-empty string of at most
    `MAX_TENANT_NAME` characters; the default domain must be a valid domain name, else it is
    dropped with a warning. A 404 (tenant unknown) leaves that partner unnamed; a 403 (the
    token lacks `TENANT_INFO_PERMISSION`) stops the lookups: every other call would fail too.
    """
    from b2blint.tenant.client import GraphError

    ids = list(dict.fromkeys(tenant.lower() for tenant in tenant_ids))
    before = client.requests_sent
    denied: list[str] = []

    def one(tenant: str) -> tuple[str, dict[str, Any] | None, str | None]:
        if denied:
            return tenant, None, None
        try:
            return tenant, client.get_optional(TENANT_INFO_PATH.format(tenant)), None
        except GraphError as error:
            if error.status == 403:
                denied.append(tenant)
                return tenant, None, None
            return tenant, None, f"partner {tenant}: name not resolved: {error.message}"

    found: dict[str, TenantInfo] = {}
    warnings: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for tenant, body, failure in pool.map(one, ids):
            if failure is not None:
                warnings.append(failure)
            elif body is None and not denied:
                warnings.append(f"partner {tenant}: Graph does not know this tenant (404)")
            elif body is not None:
                info = _tenant_info(tenant, body, warnings)
                if info is not None:
                    found[tenant] = info
    if denied:
        warnings.insert(
            0,
            f"partner names not resolved: the token lacks {TENANT_INFO_PERMISSION} "
            "(403); grant it or pass --no-resolve-names",
        )
    return TenantLookup(found, tuple(warnings), client.requests_sent - before)


def _tenant_info(tenant: str, body: dict[str, Any], warnings: list[str]) -> TenantInfo | None:
    from b2blint.files.jsonpos import shown
    from b2blint.rules.invalid_domain import domain_problem

    returned = body.get("tenantId")
    if not isinstance(returned, str) or returned.lower() != tenant:
        warnings.append(f"partner {tenant}: Graph answered for another tenant; name not used")
        return None
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TENANT_NAME:
        if name is not None:
            warnings.append(f"partner {tenant}: displayName {shown(name)} is not usable; left out")
        name = None
    domain = body.get("defaultDomainName")
    if domain is not None:
        problem = domain_problem(domain) if isinstance(domain, str) else "is not a string"
        if problem is not None:
            warnings.append(
                f"partner {tenant}: defaultDomainName {shown(domain)} {problem}; left out"
            )
            domain = None
    return TenantInfo(name, domain.lower() if isinstance(domain, str) else None)
