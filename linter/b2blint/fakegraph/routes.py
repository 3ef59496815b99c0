"""URL -> emulated resource. Graph matches path segments case-insensitively and takes a key as a
segment (``partners/{id}``) or in parentheses (``partners('{id}')``).

A path outside the emulated set gets what Graph sends for a segment its model lacks: 400
``BadRequest`` "Resource not found for the segment '...'"; that includes the beta-only resources
(externalIdentitiesPolicy, b2bManagementPolicies) under ``/v1.0`` [S22][S25].
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote

from . import auth
from .errors import GraphError, method_not_allowed, segment_not_found
from .schema import BETA, V1

VERSIONS = (V1, BETA)
KEY = "{key}"
_PAREN_KEY = re.compile(r"^([A-Za-z0-9_.]+)\('?([^')]*)'?\)$")
# A function call with one named parameter: ``findTenantInformationByTenantId(tenantId='x')``.
_FUNCTION_CALL = re.compile(r"^([A-Za-z0-9_.]+)\(([A-Za-z]+)='([^']*)'\)$")


@dataclasses.dataclass(frozen=True)
class Route:
    """An emulated resource: its name, permission area, verbs and the API versions it exists in."""

    name: str
    area: auth.Area
    methods: frozenset[str]
    versions: tuple[str, ...] = VERSIONS


_XTAP = ("policies", "crosstenantaccesspolicy")
_TENANT_INFO = ("tenantrelationships", "findtenantinformationbytenantid")
_MTO = ("tenantrelationships", "multitenantorganization")
_CA = ("identity", "conditionalaccess", "policies")
_ROUTES: dict[tuple[str, ...], Route] = {
    _XTAP: Route("policy", auth.XTAP, frozenset({"GET", "PATCH"})),
    (*_XTAP, "default"): Route("default", auth.XTAP, frozenset({"GET", "PATCH"})),
    (*_XTAP, "default", "resettosystemdefault"): Route("reset", auth.XTAP, frozenset({"POST"})),
    (*_XTAP, "default", "microsoft.graph.resettosystemdefault"): Route(
        "reset", auth.XTAP, frozenset({"POST"})
    ),
    (*_XTAP, "partners"): Route("partners", auth.XTAP, frozenset({"GET", "POST"})),
    (*_XTAP, "partners", KEY): Route("partner", auth.XTAP, frozenset({"GET", "PATCH", "DELETE"})),
    (*_XTAP, "partners", KEY, "identitysynchronization"): Route(
        "sync", auth.XTAP, frozenset({"GET", "PUT", "PATCH", "DELETE"})
    ),
    ("policies", "authorizationpolicy"): Route(
        "authorization", auth.AUTHORIZATION, frozenset({"GET", "PATCH"})
    ),
    # Beta docs address the one policy of the collection by its id [S20].
    ("policies", "authorizationpolicy", "authorizationpolicy"): Route(
        "authorization", auth.AUTHORIZATION, frozenset({"GET", "PATCH"}), (BETA,)
    ),
    (
        "policies",
        "authenticationmethodspolicy",
        "authenticationmethodconfigurations",
        "email",
    ): Route("email", auth.AUTH_METHODS, frozenset({"GET", "PATCH"})),
    ("policies", "externalidentitiespolicy"): Route(
        "external", auth.EXTERNAL_IDENTITIES, frozenset({"GET", "PATCH"}), (BETA,)
    ),
    ("policies", "b2bmanagementpolicies"): Route(
        "b2bs", auth.B2B_MANAGEMENT, frozenset({"GET", "POST"}), (BETA,)
    ),
    ("policies", "b2bmanagementpolicies", KEY): Route(
        "b2b", auth.B2B_MANAGEMENT, frozenset({"GET", "PATCH", "DELETE"}), (BETA,)
    ),
    # ``GET /tenantRelationships/findTenantInformationByTenantId(tenantId='{id}')`` [S70].
    (*_TENANT_INFO, KEY): Route("tenant-info", auth.TENANT_INFO, frozenset({"GET"})),
    # The multitenant organization and its tenants [S90][S91][S92]; the templates [S93][S94].
    _MTO: Route("mto", auth.MTO, frozenset({"GET", "PATCH", "PUT"})),
    (*_MTO, "tenants"): Route("mto-tenants", auth.MTO, frozenset({"GET", "POST"})),
    (*_MTO, "tenants", KEY): Route("mto-tenant", auth.MTO, frozenset({"PATCH"})),
    (*_XTAP, "templates", "multitenantorganizationpartnerconfiguration"): Route(
        "mto-partner-template", auth.XTAP, frozenset({"GET", "PATCH"})
    ),
    (*_XTAP, "templates", "multitenantorganizationidentitysynchronization"): Route(
        "mto-sync-template", auth.XTAP, frozenset({"GET", "PATCH"})
    ),
    # Conditional Access policies: read-only context for b2blint, so GET only; any write is the
    # 405 of a verb the route lacks (the emulator's choice: b2blint must never send one).
    _CA: Route("ca-policies", auth.CONDITIONAL_ACCESS, frozenset({"GET"})),
    (*_CA, KEY): Route("ca-policy", auth.CONDITIONAL_ACCESS, frozenset({"GET"})),
}
#: Segments after which the next one is a key.
_KEYED = {(*_XTAP, "partners"), ("policies", "b2bmanagementpolicies"), _TENANT_INFO, _CA}
_KEYED.add((*_MTO, "tenants"))


@dataclasses.dataclass(frozen=True)
class Match:
    """A resolved request path."""

    route: Route
    version: str
    key: str | None


def split_path(path: str) -> list[str]:
    """Decoded segments, with ``name('key')`` split into ``name``, ``key``."""
    segments: list[str] = []
    for raw in path.strip("/").split("/"):
        segment = unquote(raw)
        call = _FUNCTION_CALL.match(segment)
        paren = _PAREN_KEY.match(segment)
        if call and call.group(2).lower() == "tenantid":
            segments.extend([call.group(1), call.group(3)])
        elif paren:
            segments.extend([paren.group(1), paren.group(2)])
        else:
            segments.append(segment)
    return segments


def resolve(path: str, method: str) -> Match:
    """The route of ``method path``, or the 400/405 Graph sends."""
    segments = split_path(path)
    if not segments or segments[0] not in VERSIONS:
        raise GraphError(400, "BadRequest", f"Invalid version: {segments[0] if segments else ''}")
    version, rest = segments[0], segments[1:]
    if not rest:
        raise segment_not_found("")
    walked: list[str] = []
    key: str | None = None
    for segment in rest:
        lowered = segment.lower()
        if tuple(walked) in _KEYED and key is None:
            walked.append(KEY)
            key = segment
            continue
        candidate = (*walked, lowered)
        if not any(pattern[: len(candidate)] == candidate for pattern in _ROUTES):
            raise segment_not_found(segment)
        walked.append(lowered)
    route = _ROUTES.get(tuple(walked))
    if route is None:
        raise segment_not_found(rest[-1])
    if version not in route.versions:
        # Name the first segment that exists only in the other version.
        for index in range(len(walked)):
            prefix = tuple(walked[: index + 1])
            under = [r for p, r in _ROUTES.items() if p[: index + 1] == prefix]
            if all(version not in r.versions for r in under):
                raise segment_not_found(rest[index])
    if method not in route.methods:
        raise method_not_allowed()
    return Match(route, version, key)
