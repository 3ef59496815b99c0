"""Graph objects -> policy data: the inverse of `b2blint.graph.mapping.resources_from_policy`.

Read-only, service and unmanaged fields (`model.NOT_IMPORTED`) and ``@``-annotations are left
out, the former named in `ImportedPolicy.dropped`; unknown or miscased properties are carried
over untouched so that `lint` reports them (SCH002) instead of b2blint dropping them silently.
A partner's
``tenantId`` becomes the entry key, its ``displayName`` (undocumented, seen in real responses
[S39]) or else its identitySynchronization ``displayName`` seeds ``name``.

A partner may arrive in pieces (a partner list, plus a ``$select=tenantId&$expand=
identitySynchronization`` list, plus single identitySynchronization GETs): pieces merge, but
the same piece twice is an error, as is any tenant-wide resource twice.

Nothing from the JSON is trusted: a partner's tenantId becomes a file name and a URL, so every
tenant ID must be a GUID (`b2blint.identifiers.is_guid`; Graph documents tenantId as "The tenant
identifier for the partner Microsoft Entra organization",
https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner),
and every kept value must be writable to YAML (no lone surrogates, no non-finite numbers).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

from b2blint.files.jsonpos import JsonPath, format_path, shown
from b2blint.graph.b2bdefinition import DefinitionError, parse_definition, split_definition
from b2blint.graph.kinds import (
    ALL_KINDS,
    NOT_IMPORTED,
    POLICY_KEY,
    SINGLETONS,
    UNDOCUMENTED_PARTNER,
    ResourceKind,
)
from b2blint.graph.odata import strip_annotations
from b2blint.graph.recognize import Recognized, recognize
from b2blint.identifiers import is_guid

#: Partner fields that leave ``settings``: the key, the name seed, the sync policy.
PARTNER_FIELDS_MOVED = frozenset({"tenantId", "displayName", "identitySynchronization"})


class GraphMappingError(ValueError):
    """Objects that cannot form one policy (a singleton twice, a partner twice, no tenantId).

    ``origin``/``path`` say where: the `Recognized.origin` of the object and a JSON path in its
    body. ``first`` is the (origin, path) of the object it clashes with, if any.
    """

    def __init__(
        self,
        message: str,
        origin: Any = None,
        path: JsonPath = (),
        first: tuple[Any, JsonPath] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.path = path
        self.first = first


@dataclasses.dataclass(frozen=True)
class ImportedPolicy:
    """`build_policy`'s result.

    ``dropped`` names each read-only or unmanaged field left out, as ``<resource>.<property>``.
    ``unmanaged`` holds whole Graph objects b2blint manages only in part: today the
    b2bManagementPolicy (annotations removed), of which only the domain list is in the policy.
    ``response_only``: per partner (lower-case tenant ID), the members some beta responses
    carry but neither metadata has (`UNDOCUMENTED_PARTNER`): never written to Graph, so the
    writer keeps them as a comment in the partner's file instead of naming them as left out.
    """

    policy: dict[str, Any]
    dropped: tuple[str, ...]
    unmanaged: dict[str, Any]
    response_only: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def policy_from_graph(objects: Iterable[Recognized | Mapping[str, Any]]) -> dict[str, Any]:
    """Policy data from Graph objects: response bodies, list items or `Recognized`."""
    return build_policy(objects).policy


def build_policy(objects: Iterable[Recognized | Mapping[str, Any]]) -> ImportedPolicy:
    """Like `policy_from_graph`, and say what was left out. Raises `GraphMappingError`.

    A plain mapping goes through `recognize` (so it may be a whole response body); its
    `Recognized.origin` is its index in ``objects``.
    """
    builder = _Builder()
    for index, item in enumerate(objects):
        if isinstance(item, Recognized):
            builder.add(item)
        else:
            for found in recognize(dict(item)):
                builder.add(dataclasses.replace(found, origin=index))
    return builder.result()


class _Builder:
    def __init__(self) -> None:
        self.singletons: dict[ResourceKind, tuple[Recognized, Any]] = {}
        self.partners: dict[str, dict[str, Any]] = {}  # by lower-cased tenantId, first seen first
        self.settings_from: dict[str, Recognized] = {}
        self.sync_from: dict[str, tuple[Any, JsonPath]] = {}
        self.dropped: set[str] = set()
        self.unmanaged: dict[str, Any] = {}
        self.response_only: dict[str, dict[str, Any]] = {}
        self.members: dict[str, tuple[dict[str, Any], Recognized]] = {}  # MTO tenants, by id

    def add(self, found: Recognized) -> None:
        kind = found.kind
        if kind in SINGLETONS:
            if kind in self.singletons:
                first = self.singletons[kind][0]
                raise GraphMappingError(
                    f"a second {kind.value} body (a tenant has one)",
                    found.origin,
                    found.path,
                    (first.origin, first.path),
                )
            self.singletons[kind] = (found, self._convert(found))
        elif kind is ResourceKind.PARTNER:
            self._partner(found)
        elif kind is ResourceKind.MTO_MEMBER:
            self._member(found.data, found)
        else:
            tenant_id = found.data.get("tenantId", found.tenant_hint)
            if tenant_id is None:
                raise GraphMappingError(
                    "identitySynchronization without a tenantId: save the response of "
                    "GET .../partners/{tenantId}/identitySynchronization unchanged",
                    found.origin,
                    found.path,
                )
            if "tenantId" in found.data:
                where: JsonPath = (*found.path, "tenantId")
            else:  # the id came from the @odata.context, of the object or of its body
                context = "@odata.context" in found.data
                where = (*found.path, "@odata.context") if context else ("@odata.context",)
            _check_tenant(tenant_id, "identitySynchronization", found.origin, where)
            self._sync(tenant_id, found.data, found.origin, found.path)

    def _member(self, data: Mapping[str, Any], found: Recognized, path: JsonPath = ()) -> None:
        """One tenant of the multitenant organization: tenantId, displayName, role [S92]."""
        where = path or found.path
        tenant_id = data.get("tenantId")
        what = "multiTenantOrganization tenant"
        _check_tenant(tenant_id, what, found.origin, (*where, "tenantId"))
        first = self.members.get(str(tenant_id).lower())
        if first is not None:
            raise GraphMappingError(
                f"multiTenantOrganization tenant {tenant_id} appears twice",
                found.origin,
                (*where, "tenantId"),
                (first[1].origin, (*first[1].path, "tenantId")),
            )
        entry = self._fields(ResourceKind.MTO_MEMBER, data, origin=found.origin, path=where)
        self.members[str(tenant_id).lower()] = (entry, dataclasses.replace(found, path=where))

    def _mto(self, found: Recognized) -> Any:
        """The MTO section; a live read carries its tenants inline (`tenant.live`)."""
        data = dict(found.data)
        tenants = data.pop("tenants", None)
        if isinstance(tenants, list):
            for index, item in enumerate(tenants):
                if not isinstance(item, Mapping):
                    raise GraphMappingError(
                        "a multiTenantOrganization tenant is not an object",
                        found.origin,
                        (*found.path, "tenants", index),
                    )
                self._member(item, found, (*found.path, "tenants", index))
        elif tenants is not None:
            where = (*found.path, "tenants")
            raise GraphMappingError("'tenants' is not a list", found.origin, where)
        if data.get("state") == "inactive":  # the tenant is in no multitenant organization [S90]
            self.dropped.add(f"{ResourceKind.MULTI_TENANT_ORGANIZATION.value}.state")
            return None
        return self._fields(found.kind, data, origin=found.origin, path=found.path)

    def _convert(self, found: Recognized) -> Any:
        if found.kind is ResourceKind.MULTI_TENANT_ORGANIZATION:
            return self._mto(found)
        if found.kind is not ResourceKind.B2B_MANAGEMENT_POLICY:
            return self._fields(found.kind, found.data, origin=found.origin, path=found.path)
        data = found.data
        self.unmanaged[ResourceKind.B2B_MANAGEMENT_POLICY.value] = strip_annotations(data)
        definition = data.get("definition")
        strings = [definition] if isinstance(definition, str) else definition
        if not isinstance(strings, list) or not strings:
            return None
        where = (*found.path, "definition") + (() if isinstance(definition, str) else (0,))
        if not isinstance(strings[0], str):
            raise GraphMappingError("definition[0] is not a string", found.origin, where)
        try:
            domains, _ = split_definition(parse_definition(strings[0]))
        except DefinitionError as error:
            raise GraphMappingError(f"b2bManagementPolicy {error}", found.origin, where) from None
        return domains

    def _fields(
        self,
        kind: ResourceKind,
        data: Mapping[str, Any],
        skip: frozenset[str] = frozenset(),
        *,
        origin: Any = None,
        path: JsonPath = (),
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            if "@" in key or key in skip:
                continue
            if kind is ResourceKind.PARTNER and key in UNDOCUMENTED_PARTNER:
                continue  # kept as a comment by `_partner`, not "left out"
            if key in NOT_IMPORTED[kind]:
                self.dropped.add(f"{kind.value}.{key}")
                continue
            out[key] = strip_annotations(value)
        _check_value(out, origin, path)
        return out

    def _entry(self, tenant_id: str) -> dict[str, Any]:
        entry = self.partners.get(tenant_id.lower())
        if entry is None:
            entry = {"tenantId": tenant_id}
            self.partners[tenant_id.lower()] = entry
        return entry

    def _partner(self, found: Recognized) -> None:
        data = found.data
        tenant_id = data.get("tenantId")
        if tenant_id is None:
            raise GraphMappingError("partner without a tenantId", found.origin, found.path)
        _check_tenant(tenant_id, "partner", found.origin, (*found.path, "tenantId"))
        entry = self._entry(tenant_id)
        name = data.get("displayName")
        if isinstance(name, str) and name:
            _check_value(name, found.origin, (*found.path, "displayName"))
            entry["name"] = name
        if any("@" not in key and key not in PARTNER_FIELDS_MOVED for key in data):
            first = self.settings_from.get(tenant_id.lower())
            if first is not None:
                raise GraphMappingError(
                    f"partner {tenant_id} appears twice",
                    found.origin,
                    (*found.path, "tenantId"),
                    (first.origin, (*first.path, "tenantId")),
                )
            self.settings_from[tenant_id.lower()] = found
            entry["settings"] = self._fields(
                ResourceKind.PARTNER,
                data,
                skip=PARTNER_FIELDS_MOVED,
                origin=found.origin,
                path=found.path,
            )
        kept = {
            key: strip_annotations(value)
            for key, value in data.items()
            if key in UNDOCUMENTED_PARTNER
        }
        if kept:
            _check_value(kept, found.origin, found.path)
            self.response_only[tenant_id.lower()] = kept
        sync = data.get("identitySynchronization")
        sync_path = (*found.path, "identitySynchronization")
        if isinstance(sync, Mapping):
            self._sync(tenant_id, sync, found.origin, sync_path)
        elif sync is not None:
            raise GraphMappingError(
                "identitySynchronization is not an object", found.origin, sync_path
            )

    def _sync(self, tenant_id: str, data: Mapping[str, Any], origin: Any, path: JsonPath) -> None:
        own = data.get("tenantId", tenant_id)
        if not isinstance(own, str) or own.lower() != tenant_id.lower():
            raise GraphMappingError(
                f"identitySynchronization tenantId {shown(own)} is not its partner's "
                f"({tenant_id}) at {format_path((*path, 'tenantId'))}",
                origin,
                (*path, "tenantId"),
            )
        entry = self._entry(tenant_id)
        first = self.sync_from.get(tenant_id.lower())
        if first is not None:
            raise GraphMappingError(
                f"identitySynchronization of partner {tenant_id} appears twice",
                origin,
                path,
                first,
            )
        self.sync_from[tenant_id.lower()] = (origin, path)
        entry["identitySynchronization"] = self._fields(
            ResourceKind.IDENTITY_SYNCHRONIZATION,
            data,
            skip=frozenset({"tenantId"}),
            origin=origin,
            path=path,
        )
        name = data.get("displayName")
        if "name" not in entry and isinstance(name, str) and name:
            _check_value(name, origin, (*path, "displayName"))
            entry["name"] = name

    def result(self) -> ImportedPolicy:
        policy: dict[str, Any] = {}
        for kind in ALL_KINDS:
            if kind is ResourceKind.PARTNER:
                if self.partners:
                    policy["partners"] = [_entry_in_order(e) for e in self.partners.values()]
            elif kind in self.singletons and self.singletons[kind][1] is not None:
                policy[POLICY_KEY[kind]] = self.singletons[kind][1]
            if kind is ResourceKind.MULTI_TENANT_ORGANIZATION and self.members:
                section = policy.setdefault(POLICY_KEY[kind], {})
                section["tenants"] = [entry for entry, _ in self.members.values()]
        return ImportedPolicy(
            policy, tuple(sorted(self.dropped)), self.unmanaged, self.response_only
        )


def _check_tenant(tenant_id: Any, what: str, origin: Any, path: JsonPath) -> None:
    """A tenant ID becomes a file name and a URL segment: it must be exactly one GUID."""
    if not is_guid(tenant_id):
        raise GraphMappingError(
            f"{what} tenantId {shown(tenant_id)} is not a GUID (Graph's tenant IDs are) "
            f"at {format_path(path)}",
            origin,
            path,
        )


def _check_value(value: Any, origin: Any, path: JsonPath) -> None:
    """Refuse what no YAML file can hold: lone surrogates (keys too), non-finite numbers."""
    stack: list[tuple[Any, JsonPath]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            bad = _surrogate(item)
            if bad is not None:
                raise GraphMappingError(
                    f"string at {format_path(where)} holds a lone surrogate (U+{ord(bad):04X}), "
                    "which is not Unicode text and cannot be written to YAML",
                    origin,
                    where,
                )
        elif isinstance(item, float) and not math.isfinite(item):
            raise GraphMappingError(f"number at {format_path(where)} is not finite", origin, where)
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if _surrogate(str(key)) is not None:
                    raise GraphMappingError(
                        f"a key in {format_path(where)} holds a lone surrogate, which is not "
                        "Unicode text and cannot be written to YAML",
                        origin,
                        where,
                    )
                stack.append((child, (*where, key)))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, (*where, index)) for index, child in enumerate(item))


def _surrogate(text: str) -> str | None:
    if text.isascii():
        return None
    return next((char for char in text if "\ud800" <= char <= "\udfff"), None)


def _entry_in_order(entry: dict[str, Any]) -> dict[str, Any]:
    out = {"tenantId": entry["tenantId"]}
    if "name" in entry:
        out["name"] = entry["name"]
    out["settings"] = entry.get("settings", {})
    if "identitySynchronization" in entry:
        out["identitySynchronization"] = entry["identitySynchronization"]
    return out
