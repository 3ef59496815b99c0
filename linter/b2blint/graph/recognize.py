"""Recognise a saved Graph response body: which managed resource(s) it holds, and where.

Order of evidence: the body's ``@odata.context`` (what the service says it returned), else
each object's ``@odata.type``, else its shape (most Microsoft doc examples carry neither).
A collection (``{"value": [...]}``) yields each item; a singleton wrapped in ``"value": {...}``
(as several doc examples print it, graph-facts §6) is unwrapped. A crossTenantAccessPolicy
that carries ``default``/``partners`` inline yields those as objects of their own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from b2blint.files.jsonpos import JsonPath, shown
from b2blint.graph.kinds import (
    AUTHORIZATION_SETTINGS,
    EMAIL_SETTINGS,
    EXTERNAL_IDENTITIES_SETTINGS,
    MTO_MEMBER_SETTINGS,
    MTO_SETTINGS,
    MTO_TEMPLATE_LEVEL,
    ODATA_TYPE,
    SYNC_SETTINGS,
    XTAP_SETTINGS,
    ResourceKind,
)


@dataclasses.dataclass(frozen=True)
class Recognized:
    """One managed object found in a response body.

    ``path`` locates it inside the body; ``origin`` is whatever the caller passes to identify the
    body (import uses the file name) and comes back in `MappingConflict` errors.
    """

    kind: ResourceKind
    data: Mapping[str, Any]
    path: JsonPath = ()
    origin: Any = None
    tenant_hint: str | None = None  # a partner id taken from @odata.context


class UnrecognizedBody(ValueError):
    """The body (or the object at ``path``) is not a resource b2blint imports."""

    def __init__(self, message: str, path: JsonPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


MTO_KIND = ResourceKind.MULTI_TENANT_ORGANIZATION
_TYPE_TO_KIND = {odata.lstrip("#").lower(): kind for kind, odata in ODATA_TYPE.items()}
_AUTH_METHOD_TYPE = re.compile(r"microsoft\.graph\.\w*authenticationmethodconfiguration")

# @odata.context fragments (after '#', lower-cased, query removed) -> (kind, is collection)
_SELECT = r"(?:\([^/]*\))?"
_ENTITY = r"(/\$entity)?"
_CONTEXTS: tuple[tuple[re.Pattern[str], ResourceKind], ...] = tuple(
    (re.compile(pattern + "$"), kind)
    for pattern, kind in (
        (
            r"policies/crosstenantaccesspolicy" + _SELECT + _ENTITY,
            ResourceKind.CROSS_TENANT_ACCESS_POLICY,
        ),
        (r"policies/crosstenantaccesspolicy/default" + _SELECT + _ENTITY, ResourceKind.DEFAULT),
        (
            r"policies/crosstenantaccesspolicy/partners\('(?P<tenant>[^']*)'\)"
            r"/identitysynchronization" + _SELECT + _ENTITY,
            ResourceKind.IDENTITY_SYNCHRONIZATION,
        ),
        (r"policies/crosstenantaccesspolicy/partners" + _SELECT + _ENTITY, ResourceKind.PARTNER),
        (r"policies/authorizationpolicy" + _SELECT + _ENTITY, ResourceKind.AUTHORIZATION_POLICY),
        (r"policies/b2bmanagementpolicies" + _SELECT + _ENTITY, ResourceKind.B2B_MANAGEMENT_POLICY),
        (
            r"(?:policies/authenticationmethodspolicy/)?authenticationmethodconfigurations"
            r"(?:\('email'\))?" + _SELECT + _ENTITY,
            ResourceKind.EMAIL_OTP,
        ),
        (
            r"policies/externalidentitiespolicy" + _SELECT + _ENTITY,
            ResourceKind.EXTERNAL_IDENTITIES_POLICY,
        ),
        (r"tenantrelationships/multitenantorganization" + _SELECT + _ENTITY, MTO_KIND),
        (
            r"tenantrelationships/multitenantorganization/tenants" + _SELECT + _ENTITY,
            ResourceKind.MTO_MEMBER,
        ),
        (
            r"policies/crosstenantaccesspolicy/templates/multitenantorganizationpartnerconfiguration"
            + _SELECT
            + _ENTITY,
            ResourceKind.MTO_PARTNER_TEMPLATE,
        ),
        (
            r"policies/crosstenantaccesspolicy/templates/"
            r"multitenantorganizationidentitysynchronization" + _SELECT + _ENTITY,
            ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE,
        ),
    )
)

SUPPORTED = (
    "GET /policies/crossTenantAccessPolicy, .../default, .../partners (also with "
    "$expand=identitySynchronization), .../partners/{id}/identitySynchronization, "
    "/policies/authorizationPolicy, /policies/b2bManagementPolicies, "
    "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email, "
    "/policies/externalIdentitiesPolicy, /tenantRelationships/multiTenantOrganization, "
    ".../multiTenantOrganization/tenants, "
    "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationPartnerConfiguration, "
    ".../templates/multiTenantOrganizationIdentitySynchronization, "
    "/identity/conditionalAccess/policies (and one policy, as read-only context)"
)


def recognize(body: Any) -> list[Recognized]:
    """Every managed object in one response body, in order; raise `UnrecognizedBody`."""
    if isinstance(body, list):
        return _items(body, (), None, None)
    if not isinstance(body, dict):
        raise UnrecognizedBody("a Graph response body is a JSON object, not a " + _json_type(body))
    context = _context(body)
    value = body.get("value")
    wrapper = (
        "value" in body
        and "@odata.type" not in body
        and all(key == "value" or "@" in key for key in body)
    )
    if wrapper and isinstance(value, list):
        return _items(value, ("value",), *context)
    if wrapper and isinstance(value, dict):
        inner = _context(value)
        kind, hint = context if context[0] is not None else inner
        return _expand(_one(value, ("value",), kind, hint))
    return _expand(_one(body, (), *context))


def classify(obj: Mapping[str, Any]) -> ResourceKind | None:
    """The managed resource an object is, by its ``@odata.type`` or else by its shape."""
    odata_type = obj.get("@odata.type")
    if isinstance(odata_type, str):
        kind = _TYPE_TO_KIND.get(odata_type.lstrip("#").lower())
        if kind is not None:
            return kind
        if _AUTH_METHOD_TYPE.fullmatch(odata_type.lstrip("#").lower()):
            return None
    keys = {key for key in obj if "@" not in key}
    ident = obj.get("id")
    if MTO_TEMPLATE_LEVEL in keys:
        if "userSyncInbound" in keys:
            return ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE
        return ResourceKind.MTO_PARTNER_TEMPLATE
    if "tenantId" in keys and keys & MTO_MEMBER_SETTINGS:
        return ResourceKind.MTO_MEMBER
    if "state" in keys and keys <= MTO_SETTINGS:
        return MTO_KIND
    if "tenantId" in keys:
        if keys & SYNC_SETTINGS and not keys & XTAP_SETTINGS:
            return ResourceKind.IDENTITY_SYNCHRONIZATION
        return ResourceKind.PARTNER
    if keys & AUTHORIZATION_SETTINGS or ident == "authorizationPolicy":
        return ResourceKind.AUTHORIZATION_POLICY
    if keys & EMAIL_SETTINGS or (isinstance(ident, str) and ident.lower() == "email"):
        return ResourceKind.EMAIL_OTP
    if keys & EXTERNAL_IDENTITIES_SETTINGS:
        return ResourceKind.EXTERNAL_IDENTITIES_POLICY
    if keys & XTAP_SETTINGS:
        return ResourceKind.DEFAULT
    if "allowedCloudEndpoints" in keys or keys & {"default", "partners"}:
        return ResourceKind.CROSS_TENANT_ACCESS_POLICY
    definition = obj.get("definition")
    if "isOrganizationDefault" in keys or "B2BManagementPolicy" in str(definition):
        return ResourceKind.B2B_MANAGEMENT_POLICY
    if obj.get("displayName") == "CrossTenantAccessPolicy":
        return ResourceKind.CROSS_TENANT_ACCESS_POLICY
    return None


def _context(body: Mapping[str, Any]) -> tuple[ResourceKind | None, str | None]:
    raw = body.get("@odata.context")
    if not isinstance(raw, str):
        return None, None
    fragment = raw.partition("#")[2].partition("?")[0]
    lowered = fragment.lower()
    for pattern, kind in _CONTEXTS:
        match = pattern.match(lowered)
        if match:
            hint = None
            if "tenant" in pattern.groupindex and match.group("tenant") is not None:
                start = match.start("tenant")
                hint = fragment[start : match.end("tenant")]
            return kind, hint
    raise UnrecognizedBody(
        f"@odata.context {shown(raw, 200)} is not a response b2blint imports; it reads {SUPPORTED}"
    )


def _items(
    items: list[Any], path: JsonPath, kind: ResourceKind | None, hint: str | None
) -> list[Recognized]:
    found: list[Recognized] = []
    for index, item in enumerate(items):
        item_path = (*path, index)
        if not isinstance(item, dict):
            raise UnrecognizedBody(
                f"list item is a {_json_type(item)}, not a Graph object", item_path
            )
        found.extend(_expand(_one(item, item_path, kind, hint)))
    return found


def _one(
    obj: dict[str, Any], path: JsonPath, kind: ResourceKind | None, hint: str | None
) -> Recognized:
    if kind is None:
        own_kind, own_hint = _context(obj)
        if own_kind is not None:
            kind, hint = own_kind, own_hint
    odata_type = obj.get("@odata.type")
    if kind is None:
        kind = classify(obj)
    if kind is None:
        what = f"@odata.type {shown(odata_type)}" if isinstance(odata_type, str) else "this object"
        raise UnrecognizedBody(
            f"{what} is not a resource b2blint imports (no @odata.context, and its properties "
            f"match none of them); it reads {SUPPORTED}",
            path,
        )
    if kind is ResourceKind.EMAIL_OTP:
        _check_email(obj, path)
    elif isinstance(odata_type, str) and _kind_of_type(odata_type) is not kind:
        raise UnrecognizedBody(
            f"@odata.type {shown(odata_type)} does not match the {kind.value} response", path
        )
    return Recognized(kind=kind, data=obj, path=path, tenant_hint=hint)


def _kind_of_type(odata_type: str) -> ResourceKind | None:
    return _TYPE_TO_KIND.get(odata_type.lstrip("#").lower())


def _check_email(obj: Mapping[str, Any], path: JsonPath) -> None:
    odata_type = obj.get("@odata.type")
    ident = obj.get("id")
    if isinstance(odata_type, str) and odata_type.lstrip("#").lower() != (
        ODATA_TYPE[ResourceKind.EMAIL_OTP].lstrip("#").lower()
    ):
        raise UnrecognizedBody(
            f"this is the {shown(odata_type)} authentication method; b2blint imports only the "
            "email method (GET .../authenticationMethodConfigurations/email)",
            path,
        )
    if isinstance(ident, str) and ident.lower() != "email":
        raise UnrecognizedBody(
            f"this is the {shown(ident)} authentication method; b2blint imports only the "
            "email method",
            path,
        )


def _expand(found: Recognized) -> list[Recognized]:
    """Split a crossTenantAccessPolicy that carries default/partners inline into its parts."""
    if found.kind is not ResourceKind.CROSS_TENANT_ACCESS_POLICY:
        return [found]
    data = dict(found.data)
    parts: list[Recognized] = []
    default = data.pop("default", None)
    partners = data.pop("partners", None)
    parts.append(dataclasses.replace(found, data=data))
    if isinstance(default, dict):
        parts.append(Recognized(ResourceKind.DEFAULT, default, (*found.path, "default")))
    elif default is not None:
        raise UnrecognizedBody("'default' is not an object", (*found.path, "default"))
    if isinstance(partners, list):
        parts.extend(_items(partners, (*found.path, "partners"), ResourceKind.PARTNER, None))
    elif partners is not None:
        raise UnrecognizedBody("'partners' is not a list", (*found.path, "partners"))
    return parts


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"
