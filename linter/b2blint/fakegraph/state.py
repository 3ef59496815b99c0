"""The tenant the emulator serves, and its JSON file form (``--state FILE``, ``/_fake/state``).

File form (every key optional; a missing key means "as a new tenant has it")::

    {"tenantId": "<guid>",
     "crossTenantAccessPolicy": {...},
     "default": {...} | null,                  # null: the service default (isServiceDefault)
     "partners": [{"tenantId": "<guid>", ..., "identitySynchronization": {...}}],
     "authorizationPolicy": {...},
     "emailAuthenticationMethodConfiguration": {...},
     "externalIdentitiesPolicy": {...},
     "b2bManagementPolicies": [{"id": "...", ...}],
     "tenantInformation": [{"tenantId": "<guid>", "displayName": ..., "defaultDomainName": ...}],
     "multiTenantOrganization": {..., "tenants": [{"tenantId": "<guid>", "role": ...}]},
     "multiTenantOrganizationPartnerConfigurationTemplate": {...},
     "multiTenantOrganizationIdentitySyncPolicyTemplate": {...}}
     "conditionalAccessPolicies": [{"id": "<guid>", "displayName": ..., "conditions": ...}]}

``tenantInformation`` is the directory of other tenants that
``findTenantInformationByTenantId`` looks up [S70]: not part of this tenant, but Graph answers it.
``conditionalAccessPolicies`` are returned as stored, nested ``@odata.type`` included (Graph
writes it on a derived type such as ``conditionalAccessAllExternalTenants``); the emulator never
changes them (it serves Conditional Access read-only).

Objects are Graph JSON as a GET returns it. A state file may hold properties the emulator does
not know (to play a service that grew new fields, apply-guarantees §1.7 item 7): they are
returned by GETs but, like any unknown name, cannot be written.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any

from . import defaults
from .schema import GUID_RE

#: The measure of the cross-tenant policy for the size limit (see `policy_size`).
SIZE_CONTEXT = "https://graph.microsoft.com/beta/$metadata#policies/crossTenantAccessPolicy/$entity"


class StateError(ValueError):
    """A state document the emulator cannot load."""


@dataclasses.dataclass
class State:
    """Everything the emulated tenant holds. Keys of ``partners``/``syncs`` are lower-case GUIDs.

    Copy-on-write: a write runs on `fork`, which has its own containers but shares every stored
    object with the state it came from. A stored object is never changed in place once shared:
    a writer takes its own copy first (`writable_partner`, `writable_sync`, `writable_b2b`) or
    stores a new object. So the state before a write stays intact, whole, for the stale-read
    window and for a refused write, without copying the tenant.
    """

    policy: dict[str, Any] = dataclasses.field(default_factory=defaults.cross_tenant_access_policy)
    default: dict[str, Any] | None = None  # None: the service default is in effect
    partners: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    syncs: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    authorization: dict[str, Any] = dataclasses.field(default_factory=defaults.authorization_policy)
    email: dict[str, Any] = dataclasses.field(default_factory=defaults.email_configuration)
    external_identities: dict[str, Any] = dataclasses.field(
        default_factory=defaults.external_identities_policy
    )
    b2b_policies: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: Other tenants' public tenantInformation, by lower-case tenant ID (read-only to Graph).
    tenant_information: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: The multitenant organization (state "inactive": the tenant is in none), its tenants by
    #: lower-case tenant ID, and its two templates [S90][S92][S93][S94] (`fakegraph.mto`).
    mto: dict[str, Any] = dataclasses.field(default_factory=defaults.mto_inactive)
    mto_tenants: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    mto_partner_template: dict[str, Any] = dataclasses.field(
        default_factory=defaults.mto_partner_template
    )
    mto_sync_template: dict[str, Any] = dataclasses.field(
        default_factory=defaults.mto_sync_template
    )
    #: Conditional Access policies by id, in state-file order (read-only to the emulator).
    conditional_access: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: Measured partners for `policy_size`: key -> (the partner object measured, its bytes). An
    #: entry counts only while that very object is still stored under the key.
    _sizes: dict[str, tuple[dict[str, Any], int]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def copy(self) -> State:
        """A deep copy that shares nothing (the initial state, `set_state`, `reset`)."""
        return State(
            policy=copy.deepcopy(self.policy),
            default=copy.deepcopy(self.default),
            partners=copy.deepcopy(self.partners),
            syncs=copy.deepcopy(self.syncs),
            authorization=copy.deepcopy(self.authorization),
            email=copy.deepcopy(self.email),
            external_identities=copy.deepcopy(self.external_identities),
            b2b_policies=copy.deepcopy(self.b2b_policies),
            tenant_information=copy.deepcopy(self.tenant_information),
            mto=copy.deepcopy(self.mto),
            mto_tenants=copy.deepcopy(self.mto_tenants),
            mto_partner_template=copy.deepcopy(self.mto_partner_template),
            mto_sync_template=copy.deepcopy(self.mto_sync_template),
            conditional_access=copy.deepcopy(self.conditional_access),
        )

    def fork(self) -> State:
        """The trial state of one write: new containers, shared objects (copy-on-write).

        The singletons are copied one level deep because their writes are top-level merges
        (``update``) whose values are fresh copies of the request body.
        """
        forked = State(
            policy=dict(self.policy),
            default=self.default,  # only ever replaced whole
            partners=dict(self.partners),
            syncs=dict(self.syncs),
            authorization=dict(self.authorization),
            email=dict(self.email),
            external_identities=dict(self.external_identities),
            b2b_policies=dict(self.b2b_policies),
            tenant_information=self.tenant_information,  # never written through Graph
            mto=dict(self.mto),
            mto_tenants=dict(self.mto_tenants),  # a write stores a new member object
            mto_partner_template=dict(self.mto_partner_template),
            mto_sync_template=dict(self.mto_sync_template),
            conditional_access=self.conditional_access,  # never written through the emulator
        )
        forked._sizes = dict(self._sizes)
        return forked

    def writable_partner(self, key: str) -> dict[str, Any] | None:
        """The partner under ``key``, replaced by a private copy this state may change."""
        return _own(self.partners, key)

    def writable_sync(self, key: str) -> dict[str, Any] | None:
        """The identitySynchronization under ``key``, as a private copy (see `writable_partner`)."""
        return _own(self.syncs, key)

    def writable_b2b(self, identifier: str) -> dict[str, Any] | None:
        """The b2bManagementPolicy ``identifier``, as a private copy (see `writable_partner`)."""
        return _own(self.b2b_policies, identifier)

    def effective_default(self) -> dict[str, Any]:
        """The default configuration as GET returns it."""
        if self.default is None:
            return defaults.service_default()
        return copy.deepcopy(self.default)

    def policy_size(self) -> int:
        """UTF-8 bytes of the compact JSON of the whole cross-tenant policy.

        Entra's troubleshooting guide measures the 25 KB limit on the
        ``GET /beta/policies/crosstenantaccesspolicy`` JSON [S31]. The emulator counts
        ``{"@odata.context": ..., <policy>, "default": <default as GET returns it>,
        "partners": [<each partner as GET returns it>]}`` with ``separators=(",", ":")`` and
        non-ASCII as UTF-8; identitySynchronization objects are separate entities and not counted.

        Measured in parts, with the same bytes as one ``json.dumps`` of that document: the
        document with an empty partner list, plus each partner's own JSON, plus the commas
        between them. A partner is measured once and remembered while it is stored unchanged
        (copy-on-write: a changed partner is a new object), so a write re-measures only what it
        changed.
        """
        document: dict[str, Any] = {"@odata.context": SIZE_CONTEXT, **self.policy}
        document["default"] = self.effective_default()
        document["partners"] = []
        total = _json_bytes(document)
        for key, partner in self.partners.items():
            known = self._sizes.get(key)
            if known is None or known[0] is not partner:
                known = (partner, _json_bytes(partner))
                self._sizes[key] = known
            total += known[1]
        if len(self._sizes) > len(self.partners):  # forget deleted partners
            self._sizes = {key: self._sizes[key] for key in self.partners}
        return total + max(0, len(self.partners) - 1)

    def to_json(self, tenant_id: str) -> dict[str, Any]:
        """The file form (module docstring)."""
        partners = []
        for key, partner in self.partners.items():
            item = copy.deepcopy(partner)
            if key in self.syncs:
                item["identitySynchronization"] = copy.deepcopy(self.syncs[key])
            partners.append(item)
        return {
            "tenantId": tenant_id,
            "crossTenantAccessPolicy": copy.deepcopy(self.policy),
            "default": copy.deepcopy(self.default),
            "partners": partners,
            "authorizationPolicy": copy.deepcopy(self.authorization),
            "emailAuthenticationMethodConfiguration": copy.deepcopy(self.email),
            "externalIdentitiesPolicy": copy.deepcopy(self.external_identities),
            "b2bManagementPolicies": list(copy.deepcopy(self.b2b_policies).values()),
            "tenantInformation": list(copy.deepcopy(self.tenant_information).values()),
            "multiTenantOrganization": {
                **copy.deepcopy(self.mto),
                "tenants": list(copy.deepcopy(self.mto_tenants).values()),
            },
            "multiTenantOrganizationPartnerConfigurationTemplate": copy.deepcopy(
                self.mto_partner_template
            ),
            "multiTenantOrganizationIdentitySyncPolicyTemplate": copy.deepcopy(
                self.mto_sync_template
            ),
            "conditionalAccessPolicies": list(copy.deepcopy(self.conditional_access).values()),
        }


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _own(objects: dict[str, dict[str, Any]], key: str) -> dict[str, Any] | None:
    """Replace ``objects[key]`` with a deep copy and return it (None when absent)."""
    found = objects.get(key)
    if found is None:
        return None
    mine = copy.deepcopy(found)
    objects[key] = mine
    return mine


_KEYS = frozenset(
    {
        "tenantId",
        "crossTenantAccessPolicy",
        "default",
        "partners",
        "authorizationPolicy",
        "emailAuthenticationMethodConfiguration",
        "externalIdentitiesPolicy",
        "tenantInformation",
        "b2bManagementPolicies",
        "multiTenantOrganization",
        "multiTenantOrganizationPartnerConfigurationTemplate",
        "multiTenantOrganizationIdentitySyncPolicyTemplate",
        "conditionalAccessPolicies",
    }
)


def _object(data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise StateError(f"'{key}' must be a JSON object")
    return {k: v for k, v in copy.deepcopy(value).items() if not k.startswith("@odata.")}


def _list(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise StateError(f"'{key}' must be a list of JSON objects")
    return copy.deepcopy(value)


def load_state(data: Any) -> State:
    """A `State` from the file form; raise `StateError` on anything malformed."""
    if not isinstance(data, dict):
        raise StateError("the state must be a JSON object")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise StateError(f"unknown key(s) in the state: {', '.join(unknown)}")
    state = State()
    policy = _object(data, "crossTenantAccessPolicy")
    if policy is not None:
        state.policy = {**defaults.cross_tenant_access_policy(), **policy}
    default = _object(data, "default")
    if default is not None:
        # A stored default is a modified one unless the file says otherwise.
        state.default = {**defaults.service_default(), "isServiceDefault": False, **default}
    for entry in _list(data, "partners"):
        key = _guid_key(entry, "tenantId", state.partners, "partner", "partner")
        tenant = entry["tenantId"]
        sync = entry.pop("identitySynchronization", None)
        state.partners[key] = {**defaults.new_partner(key), **entry, "tenantId": key}
        if sync is not None:
            if not isinstance(sync, dict):
                raise StateError(f"identitySynchronization of {tenant} must be an object")
            state.syncs[key] = {**defaults.new_sync(key), **sync, "tenantId": key}
    _defaulted(
        data,
        state,
        ("authorizationPolicy", defaults.authorization_policy, "authorization"),
        ("emailAuthenticationMethodConfiguration", defaults.email_configuration, "email"),
        ("externalIdentitiesPolicy", defaults.external_identities_policy, "external_identities"),
    )
    for entry in _list(data, "b2bManagementPolicies"):
        identifier = entry.get("id")
        if not isinstance(identifier, str) or not identifier:
            raise StateError("every b2bManagementPolicy needs a string id")
        if identifier in state.b2b_policies:
            raise StateError(f"b2bManagementPolicy {identifier} appears twice")
        state.b2b_policies[identifier] = entry
    for entry in _list(data, "tenantInformation"):
        seen = state.tenant_information
        seen[_guid_key(entry, "tenantId", seen, "tenantInformation", "tenantInformation")] = entry
    _load_mto(data, state)
    for entry in _list(data, "conditionalAccessPolicies"):
        seen = state.conditional_access
        name = "conditionalAccessPolicy"
        seen[_guid_key(entry, "id", seen, name, name)] = entry
    return state


def _guid_key(
    entry: Mapping[str, Any], field: str, seen: Mapping[str, Any], name: str, repeated: str
) -> str:
    """The GUID ``entry[field]`` of one listed object, lowercased: the key it is stored under.
    Raise `StateError` when it is no GUID or ``seen`` already holds it."""
    value = entry.get(field)
    if not isinstance(value, str) or not GUID_RE.match(value):
        raise StateError(f"{name} {field} {value!r} is not a GUID")
    if value.lower() in seen:
        raise StateError(f"{repeated} {value} appears twice")
    return value.lower()


def _defaulted(
    data: Mapping[str, Any],
    state: State,
    *table: tuple[str, Callable[[], dict[str, Any]], str],
) -> None:
    """Each singleton object of the file (key, its defaults, the `State` attribute) over its
    defaults; an absent one keeps the state's default."""
    for key, factory, attribute in table:
        value = _object(data, key)
        if value is not None:
            setattr(state, attribute, {**factory(), **value})


def _load_mto(data: Mapping[str, Any], state: State) -> None:
    """The MTO, its tenants and its templates (missing: a tenant in no MTO, default templates)."""
    mto = _object(data, "multiTenantOrganization")
    if mto is not None:
        tenants = mto.pop("tenants", None) or []
        if not isinstance(tenants, list) or not all(isinstance(t, dict) for t in tenants):
            raise StateError("'multiTenantOrganization.tenants' must be a list of JSON objects")
        state.mto = {**defaults.mto_inactive(), "state": "active", **mto}
        for entry in tenants:
            seen = state.mto_tenants
            name = "multiTenantOrganization"
            key = _guid_key(entry, "tenantId", seen, name, f"{name} tenant")
            seen[key] = {**defaults.mto_member(entry["tenantId"]), **entry}
    _defaulted(
        data,
        state,
        (
            "multiTenantOrganizationPartnerConfigurationTemplate",
            defaults.mto_partner_template,
            "mto_partner_template",
        ),
        (
            "multiTenantOrganizationIdentitySyncPolicyTemplate",
            defaults.mto_sync_template,
            "mto_sync_template",
        ),
    )
