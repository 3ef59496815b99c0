"""THE correspondence between the policy-file format and Microsoft Graph JSON.

`import`, `export`, `plan`, `apply` and the size rule all go through this module, so they can
never disagree about what a YAML file means in Graph terms. Pure functions: no HTTP, no files.

Policy data is the plain-dict form of docs/format.md (one merged tree): top-level resource keys
(``crossTenantAccessPolicy``, ``default``, ``partners``, ``authorizationPolicy``,
``invitationDomains``, ``emailOtp``, ``externalIdentitiesPolicy``) whose contents are Graph's
own property names and values, plus metadata (``b2blint``, ``tenant``, a partner's ``name``,
``cloud``, ``domains``) that is never sent.

* `resources_from_policy` gives, per `ResourceKey`, the Graph entity URL, the exact request
  body (camelCase as written; nothing renamed, nothing invented except the ``@odata.type`` the
  email-OTP PATCH requires [S23]) and how to create the object when it does not exist.
* `policy_from_graph` (and `build_policy`, which also reports what it left out) is the inverse:
  Graph objects -> policy data. Read-only, service and unmanaged fields (`model.NOT_IMPORTED`) and
  ``@``-annotations are left out; unknown or miscased properties are carried over untouched so
  that `lint` reports them. For every managed field, policy -> graph -> policy is the identity.
* Requests never carry what import leaves out (`model.NOT_IMPORTED`: read-only and unmanaged
  fields): a service ignores read-only values in a write (OData v4.01 Part 1 §11.4.3), so
  sending them changes nothing, and a value that is never read back would show as a change in
  every plan. Lint reports them (SCH003).
* Absent and ``null`` mean the same for a partner setting (inherit the default [S2]);
  `without_unset` drops the nulls Graph prints for every unset property.
* invitationDomains <-> b2bManagementPolicy ``definition``: see `b2bdefinition`.
* `serialized_policy_bytes` / `policy_size`: what the size rule (XTA001) counts; exactly what
  is in it is documented in `b2blint.graph.size`.

Everything others need is importable from here (see ``__all__``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from b2blint.graph.b2bdefinition import (
    format_definition,
    merge_definition,
    parse_definition,
    split_definition,
)
from b2blint.graph.fromgraph import (
    GraphMappingError,
    ImportedPolicy,
    build_policy,
    policy_from_graph,
)
from b2blint.graph.kinds import (
    AUTHORIZATION_POLICY_BETA_PATH,
    B2B_POLICIES,
    BETA,
    BETA_ONLY,
    NOT_IMPORTED,
    ODATA_TYPE,
    PARTNERS,
    POLICY_KEY,
    SINGLETON_PATH,
    V1,
    V1_ONLY,
    ResourceKind,
)
from b2blint.graph.recognize import Recognized, UnrecognizedBody, classify, recognize
from b2blint.graph.size import PolicySize, policy_size, serialized_policy_bytes
from b2blint.graph.values import compact_json, plain, without_unset
from b2blint.identifiers import is_guid

__all__ = [
    "GraphMappingError",
    "GraphRequest",
    "GraphResource",
    "ImportedPolicy",
    "PolicySize",
    "Recognized",
    "ResourceKey",
    "ResourceKind",
    "UnrecognizedBody",
    "b2b_update_request",
    "build_policy",
    "classify",
    "compact_json",
    "identity_sync_key",
    "mto_tenants",
    "parse_resource_key",
    "partner_key",
    "policy_from_graph",
    "policy_size",
    "recognize",
    "resources_from_policy",
    "serialized_policy_bytes",
    "without_unset",
]

ResourceKey = str
"""``crossTenantAccessPolicy``, ``default``, ``partner:<tenantId>``,
``identitySynchronization:<tenantId>``, ``authorizationPolicy``, ``b2bManagementPolicy``,
``emailOtp`` or ``externalIdentitiesPolicy``."""

B2B_CREATE_NAME = "B2B management policy"
B2B_CREATE_DESCRIPTION = "Domain allow or block list for B2B invitations (managed by b2blint)"


def partner_key(tenant_id: str) -> ResourceKey:
    return f"{ResourceKind.PARTNER.value}:{tenant_id}"


def identity_sync_key(tenant_id: str) -> ResourceKey:
    return f"{ResourceKind.IDENTITY_SYNCHRONIZATION.value}:{tenant_id}"


def parse_resource_key(key: ResourceKey) -> tuple[ResourceKind, str | None]:
    """``"partner:<id>"`` -> (PARTNER, id); ``"default"`` -> (DEFAULT, None): a `ResourceKind`."""
    name, _, tenant = key.partition(":")
    return ResourceKind(name), tenant or None


@dataclasses.dataclass(frozen=True)
class GraphRequest:
    """One HTTP request: method, path below ``/{api_version}``, JSON body (or None)."""

    method: str
    path: str
    api_version: str
    body: dict[str, Any] | None


@dataclasses.dataclass(frozen=True)
class GraphResource:
    """The desired state of one Graph object, as the YAML declares it.

    ``path`` is the entity URL (GET, PATCH, DELETE); for the b2bManagementPolicy it ends in
    ``{id}``, known only from the live object (see `b2b_update_request`). ``body`` is the PATCH
    body; ``entity`` is the object as a GET returns it (key and ``@odata.type`` included), so
    `policy_from_graph` reads it back; ``create`` is the request that makes a missing object.
    """

    key: ResourceKey
    kind: ResourceKind
    path: str
    api_version: str
    body: dict[str, Any]
    entity: dict[str, Any]
    create: GraphRequest | None

    def update_request(self) -> GraphRequest:
        return GraphRequest("PATCH", self.path, self.api_version, self.body)


# --------------------------------------------------------------------------- policy -> Graph


def resources_from_policy(policy: Mapping[str, Any]) -> dict[ResourceKey, GraphResource]:
    """The Graph objects ``policy`` declares, keyed by `ResourceKey`, in apply order."""
    out: dict[ResourceKey, GraphResource] = {}
    seen: set[str] = set()
    for kind in (ResourceKind.CROSS_TENANT_ACCESS_POLICY, ResourceKind.DEFAULT):
        if POLICY_KEY[kind] in policy:
            out[kind.value] = _singleton(kind, _settings(policy, POLICY_KEY[kind]))
    for index, entry in enumerate(policy.get("partners") or ()):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("tenantId"), str):
            raise GraphMappingError(f"partners[{index}] has no tenantId", path=("partners", index))
        tenant_id: str = entry["tenantId"]
        if tenant_id.lower() in seen:
            message = f"partner {tenant_id} is declared twice"
            raise GraphMappingError(message, path=("partners", index))
        seen.add(tenant_id.lower())
        settings = plain(entry.get("settings") or {})
        out[partner_key(tenant_id)] = _partner(tenant_id, settings)
        sync = entry.get("identitySynchronization")
        if sync is not None:
            out[identity_sync_key(tenant_id)] = _identity_sync(tenant_id, plain(sync))
    if POLICY_KEY[ResourceKind.AUTHORIZATION_POLICY] in policy:
        out[ResourceKind.AUTHORIZATION_POLICY.value] = _singleton(
            ResourceKind.AUTHORIZATION_POLICY, _settings(policy, "authorizationPolicy")
        )
    if "invitationDomains" in policy:
        out[ResourceKind.B2B_MANAGEMENT_POLICY.value] = _b2b(_settings(policy, "invitationDomains"))
    for kind in (ResourceKind.EMAIL_OTP, ResourceKind.EXTERNAL_IDENTITIES_POLICY):
        if POLICY_KEY[kind] in policy:
            out[kind.value] = _singleton(kind, _settings(policy, POLICY_KEY[kind]))
    for kind in MTO_KINDS:
        if POLICY_KEY[kind] in policy:
            out[kind.value] = _singleton(kind, _settings(policy, POLICY_KEY[kind]))
    return out


#: The multitenant organization and its two templates, in apply order (docs/mto.md).
MTO_KINDS = (
    ResourceKind.MULTI_TENANT_ORGANIZATION,
    ResourceKind.MTO_PARTNER_TEMPLATE,
    ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE,
)


def mto_tenants(resource: GraphResource) -> dict[str, dict[str, Any]]:
    """The MTO tenants a `GraphResource` of the MTO section names, by lower-cased tenantId.

    They are never in the PATCH body (``tenants`` is a relationship, written one tenant at a
    time [S92]); the entity carries them, as a live read does.
    """
    out: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(resource.entity.get("tenants") or ()):
        key = POLICY_KEY[ResourceKind.MULTI_TENANT_ORGANIZATION]
        if not isinstance(entry, Mapping) or not is_guid(entry.get("tenantId")):
            message = f"{key}.tenants[{index}] has no tenantId that is a GUID"
            raise GraphMappingError(message, path=(key, "tenants", index))
        tenant_id: str = entry["tenantId"]
        if tenant_id.lower() in out:
            message = f"{key}: tenant {tenant_id} is declared twice"
            raise GraphMappingError(message, path=(key, "tenants", index))
        out[tenant_id.lower()] = _writable(ResourceKind.MTO_MEMBER, plain(entry))
    return out


def b2b_update_request(resource: GraphResource, live: Mapping[str, Any]) -> GraphRequest:
    """The PATCH for the live b2bManagementPolicy: its other definition sections are kept."""
    base: dict[str, Any] | None = None
    definition = live.get("definition")
    strings = [definition] if isinstance(definition, str) else list(definition or ())
    if strings and isinstance(strings[0], str):
        base = parse_definition(strings[0])
    wanted = parse_definition(resource.body["definition"][0])
    domains, _ = split_definition(wanted)
    merged = merge_definition(domains or {}, base)
    body = {"definition": [format_definition(merged), *strings[1:]]}
    if not is_guid(live.get("id")):  # the live read refuses it first; never build such a URL
        raise GraphMappingError("the live b2bManagementPolicy id is not a GUID")
    path = f"{B2B_POLICIES}/{live['id']}"
    return GraphRequest("PATCH", path, BETA, body)


def _settings(policy: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = policy[key]
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise GraphMappingError(f"'{key}' is not a mapping", path=(key,))
    out: dict[str, Any] = plain(value)
    return out


def _writable(kind: ResourceKind, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without the fields import leaves out (read-only or unmanaged)."""
    return {key: value for key, value in body.items() if key not in NOT_IMPORTED[kind]}


def _version(kind: ResourceKind, body: Mapping[str, Any], default: str) -> str:
    """/beta when the body has a beta-only property; never for a body with a v1.0-only member
    (/beta does not have it [S61]): that is a GraphMappingError (lint reports it as SCH001)."""
    beta = BETA_ONLY.get(kind, frozenset()) & body.keys()
    if not beta:
        return default
    for path in sorted(V1_ONLY.get(kind, frozenset())):
        value: Any = body
        for name in path:
            value = value.get(name) if isinstance(value, Mapping) else None
        if value is not None:
            raise GraphMappingError(
                f"{POLICY_KEY.get(kind, kind.value)}: '{'.'.join(path)}' exists only in Graph "
                f"v1.0, but beta-only '{sorted(beta)[0]}' sends it to /beta; set one or the other",
                path=(POLICY_KEY.get(kind, kind.value), *path),
            )
    return BETA


def _singleton(kind: ResourceKind, body: dict[str, Any]) -> GraphResource:
    body = _writable(kind, body)
    path, default_version = SINGLETON_PATH[kind]
    version = _version(kind, body, default_version)
    if kind is ResourceKind.AUTHORIZATION_POLICY and version == BETA:
        path = AUTHORIZATION_POLICY_BETA_PATH
    if kind is ResourceKind.EMAIL_OTP:
        # "@odata.type ... must be included in the body" of this PATCH [S23].
        body = {"@odata.type": ODATA_TYPE[kind], **body}
    entity = {"@odata.type": ODATA_TYPE[kind], **plain(body)}
    if kind is ResourceKind.MULTI_TENANT_ORGANIZATION:
        body.pop("tenants", None)
    return GraphResource(kind.value, kind, path, version, body, entity, None)


def _partner(tenant_id: str, settings: dict[str, Any]) -> GraphResource:
    settings = _writable(ResourceKind.PARTNER, settings)
    version = _version(ResourceKind.PARTNER, settings, V1)
    entity = {
        "@odata.type": ODATA_TYPE[ResourceKind.PARTNER],
        "tenantId": tenant_id,
        **plain(settings),
    }
    create_body = {"tenantId": tenant_id, **plain(settings)}
    return GraphResource(
        partner_key(tenant_id),
        ResourceKind.PARTNER,
        f"{PARTNERS}/{tenant_id}",
        version,
        settings,
        entity,
        GraphRequest("POST", PARTNERS, version, create_body),
    )


def _identity_sync(tenant_id: str, sync: dict[str, Any]) -> GraphResource:
    kind = ResourceKind.IDENTITY_SYNCHRONIZATION
    sync = _writable(kind, sync)
    version = _version(kind, sync, V1)
    path = f"{PARTNERS}/{tenant_id}/identitySynchronization"
    entity = {"@odata.type": ODATA_TYPE[kind], "tenantId": tenant_id, **plain(sync)}
    # Created with PUT on the same URL [S17]; 409 if it already exists [S39].
    create = GraphRequest("PUT", path, version, plain(sync))
    return GraphResource(identity_sync_key(tenant_id), kind, path, version, sync, entity, create)


def _b2b(domains: dict[str, Any]) -> GraphResource:
    kind = ResourceKind.B2B_MANAGEMENT_POLICY
    body = {"definition": [format_definition(merge_definition(domains))]}
    create = {
        "displayName": B2B_CREATE_NAME,  # displayName, description and definition are
        "description": B2B_CREATE_DESCRIPTION,  # required on create [S25]
        "definition": body["definition"],
        "isOrganizationDefault": True,
    }
    entity = {"@odata.type": ODATA_TYPE[kind], **body}
    path = f"{B2B_POLICIES}/{{id}}"
    return GraphResource(
        kind.value, kind, path, BETA, body, entity, GraphRequest("POST", B2B_POLICIES, BETA, create)
    )
