"""The emulated Graph APIs: one function per resource and verb.

Status codes and semantics per the v1.0/beta API pages [S16]-[S25] (graph-facts §1):
create is 201 + body, update/PUT/delete are 204 (b2bManagementPolicy PATCH is 200 + body [S25]).
PATCH merges: a property left out keeps its value, and ``null`` on a partner resets the setting
to "inherit from the default" [S2][S18][S39]. A complex value such as ``b2bCollaborationInbound``
is replaced whole by default; ``nested_patch="merge"`` keeps the members a PATCH leaves out, as
OData v4.01 Part 1 §11.4.3 says ("Missing properties of the containing entity or complex
property ... MUST NOT be directly altered" [S62]). Graph's own behaviour is undocumented.
Read-only properties in a write are ignored (§11.4.3: "the service MUST ignore that value"), or
refused with ``read_only_writes="refuse"``.

A write handler gets a trial state (`State.fork`); the emulator keeps it only if the handler
returns without raising (so a refused write changes nothing). The trial shares its objects with
the live state (copy-on-write), so a handler never changes a stored object in place: it stores a
new one, or changes the private copy ``call.state.writable_*`` hands it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from . import defaults, odata, rules
from .errors import GraphError, not_found
from .odata import Query, context
from .options import Options
from .reply import Reply
from .routes import Match
from .schema import (
    BETA,
    GUID_RE,
    bad_request,
    check_body,
    hidden_names,
    hide_nested,
    is_annotation,
    properties,
)
from .state import State

PARTNER = "crossTenantAccessPolicyConfigurationPartner"
DEFAULT = "crossTenantAccessPolicyConfigurationDefault"
POLICY = "crossTenantAccessPolicy"
SYNC = "crossTenantIdentitySyncPolicyPartner"
AUTHORIZATION = "authorizationPolicy"
EMAIL = "emailAuthenticationMethodConfiguration"
EXTERNAL = "externalIdentitiesPolicy"
B2B = "b2bManagementPolicy"

EMAIL_ODATA_TYPE = "#microsoft.graph.emailAuthenticationMethodConfiguration"
B2B_ODATA_TYPE = "#microsoft.graph.b2bManagementPolicy"
XTAP_CONTEXT = "policies/crossTenantAccessPolicy"

JSON_UNREADABLE = (
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is "
    "of valid JSON format."
)


@dataclasses.dataclass
class Call:
    """One request as a handler sees it."""

    method: str
    match: Match
    path: str
    raw_body: bytes
    content_type: str
    origin: str
    state: State
    options: Options
    query: Query
    new_id: Callable[[], str]

    @property
    def version(self) -> str:
        return self.match.version

    @property
    def key(self) -> str:
        return (self.match.key or "").lower()

    def body(self) -> dict[str, Any]:
        """The JSON object sent, or the 400 Graph gives for a missing or unreadable one."""
        if not self.raw_body.strip():
            raise GraphError(400, "BadRequest", "Empty Payload. JSON content expected.")
        if "json" not in self.content_type.lower():
            raise GraphError(400, "BadRequest", JSON_UNREADABLE)
        try:
            value = json.loads(self.raw_body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise GraphError(400, "BadRequest", JSON_UNREADABLE) from None
        if not isinstance(value, dict):
            raise GraphError(400, "BadRequest", JSON_UNREADABLE)
        return value


Handler = Callable[[Call], Reply]


def _plain(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without instance annotations (``@odata.type`` ...), deep-copied for storing."""
    return {k: copy.deepcopy(v) for k, v in body.items() if not is_annotation(k)}


def _shape(item: dict[str, Any], type_name: str, version: str) -> dict[str, Any]:
    """An object as ``version`` returns it: v1.0 leaves out beta-only properties, beta the
    v1.0-only ones (``defaultUserRolePermissions.permissionGrantPoliciesAssigned`` [S61])."""
    hidden = hidden_names(type_name, version)
    shaped = {k: copy.deepcopy(v) for k, v in item.items() if k not in hidden}
    if type_name == AUTHORIZATION and version == BETA:
        shaped = hide_nested(shaped, type_name, version)
    return shaped


def _checked(
    call: Call, body: dict[str, Any], type_name: str, forbidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`check_body` with the emulator's read-only option: the part of ``body`` to apply."""
    return check_body(
        body,
        type_name,
        call.version,
        forbidden=forbidden,
        refuse_read_only=call.options.read_only_writes == "refuse",
    )


def _patch_into(stored: dict[str, Any], body: dict[str, Any], mode: str) -> None:
    """Apply a PATCH ``body`` to ``stored`` (a private copy): ``merge`` keeps the members of a
    complex value the body leaves out [S62]; ``replace`` sets each named value whole. A nested
    value is never changed in place (it may be shared with an older snapshot)."""
    for name, value in body.items():
        if is_annotation(name):
            continue
        old = stored.get(name)
        if mode == "merge" and isinstance(value, dict) and isinstance(old, dict):
            merged = dict(old)
            _patch_into(merged, value, mode)
            stored[name] = merged
        else:
            stored[name] = copy.deepcopy(value)


def _selected(call: Call, type_name: str, item: dict[str, Any]) -> tuple[str, ...]:
    known = set(properties(type_name, call.version)) | set(item)
    return odata.resolve_names(call.query.select, known, type_name)


def _expanded(call: Call, type_name: str, navigation: tuple[str, ...]) -> tuple[str, ...]:
    return odata.resolve_names(call.query.expand, navigation, type_name, what="navigation property")


def _entity(
    call: Call,
    fragment: str,
    type_name: str,
    item: dict[str, Any],
    *,
    status: int = 200,
    odata_type: str | None = None,
) -> Reply:
    shaped = _shape(item, type_name, call.version)
    select = _selected(call, type_name, shaped) if call.method == "GET" else ()
    _expanded(call, type_name, ())
    head: dict[str, Any] = {"@odata.context": context(call.version, fragment)}
    if odata_type:
        head["@odata.type"] = odata_type
    return Reply(status, {**head, **odata.project(shaped, select)})


def _collection(call: Call, items: list[dict[str, Any]], context_url: str) -> Reply:
    """200 + one page of ``items`` as an OData collection: ``@odata.context``, then
    ``@odata.nextLink`` when more remain, then ``value``."""
    chunk, next_link = odata.page(items, call.query, call.options.page_size, call.origin, call.path)
    body: dict[str, Any] = {"@odata.context": context_url}
    if next_link:
        body["@odata.nextLink"] = next_link
    body["value"] = chunk
    return Reply(200, body)


def _no_content() -> Reply:
    return Reply(204)


def _check_size(call: Call) -> None:
    """The size limit [S16][S31]; with no limit (0) there is nothing to measure."""
    limit = call.options.size_limit
    if limit:
        rules.check_size(call.state.policy_size(), limit)


# ---- crossTenantAccessPolicy ------------------------------------------------------------


def policy_get(call: Call) -> Reply:
    """GET /policies/crossTenantAccessPolicy [S17]."""
    return _entity(call, f"{XTAP_CONTEXT}/$entity", POLICY, call.state.policy)


def policy_patch(call: Call) -> Reply:
    """PATCH /policies/crossTenantAccessPolicy: displayName, allowedCloudEndpoints only [S16]."""
    body = _checked(call, call.body(), POLICY)
    rules.check_policy_body(body)
    _patch_into(call.state.policy, body, call.options.nested_patch)
    _check_size(call)
    return _no_content()


def default_get(call: Call) -> Reply:
    """GET .../default: the service default until first changed (isServiceDefault) [S17]."""
    return _entity(call, f"{XTAP_CONTEXT}/default/$entity", DEFAULT, call.state.effective_default())


def default_patch(call: Call) -> Reply:
    """PATCH .../default [S17][S18]; automaticUserConsentSettings is read-only on it [S3]."""
    body = _checked(call, call.body(), DEFAULT)
    for name, value in body.items():
        if value is None and not is_annotation(name):
            # The default has nothing to inherit from; what Graph does with null is unverified.
            raise bad_request(f"Property '{name}' of the default configuration cannot be null.")
    updated = call.state.effective_default()
    _patch_into(updated, body, call.options.nested_patch)
    rules.check_xtap_settings({name: updated.get(name) for name in body})
    if any(not is_annotation(name) for name in body):  # an ignored-only body changes nothing
        updated["isServiceDefault"] = False
    call.state.default = updated
    _check_size(call)
    return _no_content()


def default_reset(call: Call) -> Reply:
    """POST .../default/resetToSystemDefault: no body, 204, isServiceDefault true again [S17]."""
    if call.raw_body.strip() and call.raw_body.strip() != b"{}":
        raise bad_request("The action 'resetToSystemDefault' does not take parameters.")
    call.state.default = None
    return _no_content()


# ---- partners ------------------------------------------------------------------------------

#: The partner's navigation properties in the v1.0 metadata [S60]. serviceProviderConstraints
#: (an entity with no property but its id, 2026) has no documented API: the emulator expands
#: it to null, a guess (docs/fakegraph.md).
NAVIGATION = ("identitySynchronization", "serviceProviderConstraints")


def _partner_out(
    call: Call, partner: dict[str, Any], expand: tuple[str, ...], select: tuple[str, ...]
) -> dict[str, Any]:
    item = odata.project(_shape(partner, PARTNER, call.version), select)
    if "identitySynchronization" in expand:
        sync = call.state.syncs.get(partner["tenantId"].lower())
        item["identitySynchronization"] = _shape(sync, SYNC, call.version) if sync else None
    if "serviceProviderConstraints" in expand:
        item["serviceProviderConstraints"] = None
    return item


def _partner_or_404(call: Call, *, writable: bool = False) -> dict[str, Any]:
    """The addressed partner (``writable``: a private copy the write may change)."""
    state = call.state
    partner = state.writable_partner(call.key) if writable else state.partners.get(call.key)
    if partner is None:
        raise not_found(call.match.key or "")
    return partner


def _normalized(partner: dict[str, Any]) -> dict[str, Any]:
    for name in defaults.ALWAYS_OBJECT:
        if partner.get(name) is None:
            partner[name] = {"inboundAllowed": None, "outboundAllowed": None}
    return partner


def partners_get(call: Call) -> Reply:
    """GET .../partners: $select, $expand=identitySynchronization, paged [S17]."""
    expand = _expanded(call, PARTNER, NAVIGATION)
    select = odata.resolve_names(
        call.query.select,
        set(properties(PARTNER, call.version)) | set(NAVIGATION),
        PARTNER,
    )
    items = [_partner_out(call, p, expand, select) for p in call.state.partners.values()]
    return _collection(
        call,
        items,
        context(call.version, odata.select_fragment(f"{XTAP_CONTEXT}/partners", select, expand)),
    )


def partners_post(call: Call) -> Reply:
    """POST .../partners: 201 + the object; a second POST of a tenant is refused [S17][S39]."""
    body = _checked(call, call.body(), PARTNER)
    tenant = body.get("tenantId")
    if not isinstance(tenant, str) or not GUID_RE.match(tenant):
        raise bad_request(
            "Invalid value specified for property 'tenantId' of resource "
            "'CrossTenantAccessPolicyConfigurationPartner'."
        )
    rules.check_xtap_settings(body)
    key = tenant.lower()
    if key in call.state.partners:
        raise GraphError(
            call.options.duplicate_partner_status,
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property tenantId already exists.",
        )
    partner = _normalized({**defaults.new_partner(key), **_plain(body), "tenantId": key})
    call.state.partners[key] = partner
    _check_size(call)
    reply = _entity(call, f"{XTAP_CONTEXT}/partners/$entity", PARTNER, partner, status=201)
    reply.headers["Location"] = (
        f"{odata.GRAPH_ROOT}/{call.version}/{XTAP_CONTEXT}/partners('{key}')"
    )
    return reply


def partner_get(call: Call) -> Reply:
    """GET .../partners/{tenantId} [S17]."""
    partner = _partner_or_404(call)
    expand = _expanded(call, PARTNER, NAVIGATION)
    select = odata.resolve_names(
        call.query.select, set(properties(PARTNER, call.version)) | set(NAVIGATION), PARTNER
    )
    body = {"@odata.context": context(call.version, f"{XTAP_CONTEXT}/partners/$entity")}
    return Reply(200, {**body, **_partner_out(call, partner, expand, select)})


def partner_patch(call: Call) -> Reply:
    """PATCH .../partners/{tenantId}: 204; tenantId, isServiceProvider are not updatable [S18]."""
    create_only = frozenset(
        {"tenantId"} | {n for n, p in properties(PARTNER, call.version).items() if p.create_only}
    )
    body = _checked(call, call.body(), PARTNER, forbidden=create_only)
    partner = _partner_or_404(call, writable=True)
    _patch_into(partner, body, call.options.nested_patch)
    rules.check_xtap_settings({name: partner.get(name) for name in body})
    _normalized(partner)
    _check_size(call)
    return _no_content()


def partner_delete(call: Call) -> Reply:
    """DELETE .../partners/{tenantId}: refused while identitySynchronization exists [S17] and for
    a service-provider partner [S27]; status and wording of both refusals are unverified."""
    partner = _partner_or_404(call)
    if call.key in call.state.syncs:
        raise bad_request(
            "The partner configuration has a user synchronization policy "
            "(identitySynchronization); delete it before the partner configuration."
        )
    if partner.get("isServiceProvider") is True:
        raise bad_request("A partner configuration with isServiceProvider set can't be deleted.")
    del call.state.partners[call.key]
    return _no_content()


# ---- identitySynchronization -----------------------------------------------------------------

SYNC_MISSING = "Unable to read the company information from the directory."  # [S39]


def _sync_or_404(call: Call, *, writable: bool = False) -> dict[str, Any]:
    """The addressed identitySynchronization (``writable``: see `_partner_or_404`)."""
    _partner_or_404(call)
    state = call.state
    sync = state.writable_sync(call.key) if writable else state.syncs.get(call.key)
    if sync is None:
        raise GraphError(404, "Directory_ObjectNotFound", SYNC_MISSING)
    return sync


def sync_get(call: Call) -> Reply:
    """GET .../identitySynchronization ($select only) [S17]."""
    sync = _sync_or_404(call)
    fragment = f"{XTAP_CONTEXT}/partners('{call.key}')/identitySynchronization/$entity"
    return _entity(call, fragment, SYNC, sync)


def sync_put(call: Call) -> Reply:
    """PUT creates: 204, or 409 if one exists [S17][S39]."""
    body = _checked(call, call.body(), SYNC)
    _partner_or_404(call)
    if call.key in call.state.syncs:
        message = (
            "A conflicting object with one or more of the specified property values is present "
            "in the directory."
        )
        raise GraphError(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            message,
            details=[{"code": "ConflictingObjects", "message": message, "target": "tenantId"}],
        )
    call.state.syncs[call.key] = {**defaults.new_sync(call.key), **_plain(body)}
    return _no_content()


def sync_patch(call: Call) -> Reply:
    """PATCH a missing sync policy: 404 Directory_ObjectNotFound [S39]."""
    body = _checked(call, call.body(), SYNC)
    _patch_into(_sync_or_404(call, writable=True), body, call.options.nested_patch)
    return _no_content()


def sync_delete(call: Call) -> Reply:
    """DELETE .../identitySynchronization: 204 [S17]."""
    _sync_or_404(call)
    del call.state.syncs[call.key]
    return _no_content()


# ---- B2B settings singletons -------------------------------------------------------------


def authorization_get(call: Call) -> Reply:
    """GET /policies/authorizationPolicy [S20]."""
    fragment = "policies/authorizationPolicy/$entity"
    return _entity(call, fragment, AUTHORIZATION, call.state.authorization)


def authorization_patch(call: Call) -> Reply:
    """PATCH /policies/authorizationPolicy: 204 [S20]."""
    body = _checked(call, call.body(), AUTHORIZATION)
    rules.check_authorization_body(body)
    _patch_into(call.state.authorization, body, call.options.nested_patch)
    return _no_content()


def email_get(call: Call) -> Reply:
    """GET .../authenticationMethodConfigurations/email [S23]."""
    return _entity(
        call,
        "authenticationMethodConfigurations/$entity",
        EMAIL,
        call.state.email,
        odata_type=EMAIL_ODATA_TYPE,
    )


def email_patch(call: Call) -> Reply:
    """PATCH email: the body "must" carry ``@odata.type`` [S23] (the 400 wording is unverified)."""
    body = call.body()
    if body.get("@odata.type") != EMAIL_ODATA_TYPE:
        raise GraphError(
            400,
            "BadRequest",
            "The '@odata.type' annotation '#microsoft.graph.emailAuthenticationMethodConfiguration'"
            " is required to update this authentication method configuration.",
        )
    body = _checked(call, body, EMAIL)
    _patch_into(call.state.email, body, call.options.nested_patch)
    return _no_content()


def external_get(call: Call) -> Reply:
    """GET /beta/policies/externalIdentitiesPolicy [S22]."""
    return _entity(
        call, "policies/externalIdentitiesPolicy/$entity", EXTERNAL, call.state.external_identities
    )


def external_patch(call: Call) -> Reply:
    """PATCH /beta/policies/externalIdentitiesPolicy: 204 [S22]."""
    body = _checked(call, call.body(), EXTERNAL)
    _patch_into(call.state.external_identities, body, call.options.nested_patch)
    return _no_content()


# ---- b2bManagementPolicies (beta) ----------------------------------------------------------


def _b2b_or_404(call: Call, *, writable: bool = False) -> dict[str, Any]:
    """The addressed b2bManagementPolicy (``writable``: see `_partner_or_404`)."""
    identifier = call.match.key or ""
    state = call.state
    policy = state.writable_b2b(identifier) if writable else state.b2b_policies.get(identifier)
    if policy is None:
        raise not_found(call.match.key or "")
    return policy


def _b2b_rules(call: Call, policy: dict[str, Any], identifier: str) -> None:
    definition = policy.get("definition") or []
    rules.check_b2b_definition(list(definition), call.options.b2b_size_limit)
    if policy.get("isOrganizationDefault") is True:
        for other_id, other in call.state.b2b_policies.items():
            if other_id != identifier and other.get("isOrganizationDefault") is True:
                # stsPolicy: "only one can be activated as the organization default" [S25].
                raise bad_request(
                    "Only one b2bManagementPolicy can be the organization default "
                    "(isOrganizationDefault)."
                )


def b2bs_get(call: Call) -> Reply:
    """GET /beta/policies/b2bManagementPolicies [S25]."""
    select = odata.resolve_names(call.query.select, properties(B2B, BETA), B2B)
    _expanded(call, B2B, ())
    items = [
        {"@odata.type": B2B_ODATA_TYPE, **odata.project(copy.deepcopy(p), select)}
        for p in call.state.b2b_policies.values()
    ]
    return _collection(call, items, context(BETA, "policies/b2bManagementPolicies"))


def b2bs_post(call: Call) -> Reply:
    """POST: 201 + object; displayName, description and definition are required [S25]."""
    body = _checked(call, call.body(), B2B)
    for name in ("displayName", "description", "definition"):
        if body.get(name) is None:
            raise bad_request(f"Property '{name}' is required when creating a b2bManagementPolicy.")
    identifier = call.new_id()
    policy = {
        "id": identifier,
        "deletedDateTime": None,
        "displayName": None,
        "description": None,
        "definition": [],
        "isOrganizationDefault": False,
        **_plain(body),
    }
    _b2b_rules(call, policy, identifier)
    call.state.b2b_policies[identifier] = policy
    return _entity(
        call,
        "policies/b2bManagementPolicies/$entity",
        B2B,
        policy,
        status=201,
        odata_type=B2B_ODATA_TYPE,
    )


def b2b_get(call: Call) -> Reply:
    """GET /beta/policies/b2bManagementPolicies/{id} [S25]."""
    return _entity(
        call,
        "policies/b2bManagementPolicies/$entity",
        B2B,
        _b2b_or_404(call),
        odata_type=B2B_ODATA_TYPE,
    )


def b2b_patch(call: Call) -> Reply:
    """PATCH: **200 + the updated object**, not 204 [S25]."""
    body = _checked(call, call.body(), B2B)
    policy = _b2b_or_404(call, writable=True)
    _patch_into(policy, body, call.options.nested_patch)
    _b2b_rules(call, policy, policy["id"])
    return _entity(
        call, "policies/b2bManagementPolicies/$entity", B2B, policy, odata_type=B2B_ODATA_TYPE
    )


def b2b_delete(call: Call) -> Reply:
    """DELETE: 204 [S25]."""
    policy = _b2b_or_404(call)
    del call.state.b2b_policies[policy["id"]]
    return _no_content()


# The properties of tenantInformation [S71]; a state entry's other keys are not returned.
TENANT_INFO_PROPERTIES = ("tenantId", "federationBrandName", "displayName", "defaultDomainName")


def tenant_info_get(call: Call) -> Reply:
    """Another tenant's public tenantInformation [S70].

    The docs do not say what Graph answers for a tenant ID it does not know; the emulator
    answers 404 ``Request_ResourceNotFound``, as for any directory object that does not exist.
    """
    found = call.state.tenant_information.get(call.key)
    if found is None:
        raise not_found(call.match.key or "")
    body: dict[str, Any] = {
        "@odata.context": context(call.version, "microsoft.graph.tenantInformation"),
    }
    body.update((name, copy.deepcopy(found.get(name))) for name in TENANT_INFO_PROPERTIES)
    return Reply(200, body)


# ---- Conditional Access policies (read-only) ----------------------------------------------

CA_POLICY = "conditionalAccessPolicy"
CA_CONTEXT = "identity/conditionalAccess/policies"
#: The properties of conditionalAccessPolicy (v1.0), for ``$select``
#: (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy).
CA_PROPERTIES = (
    "conditions",
    "createdDateTime",
    "description",
    "displayName",
    "grantControls",
    "id",
    "modifiedDateTime",
    "sessionControls",
    "state",
    "templateId",
)


def _ca_select(call: Call) -> tuple[str, ...]:
    known = set(CA_PROPERTIES).union(*(p.keys() for p in call.state.conditional_access.values()))
    return odata.resolve_names(call.query.select, known, CA_POLICY)


def ca_policies_get(call: Call) -> Reply:
    """GET /identity/conditionalAccess/policies: 200 + a collection, ``$select``, paged at the
    emulator's page size (Graph documents no page size)
    (https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies)."""
    select = _ca_select(call)
    _expanded(call, CA_POLICY, ())
    items = [
        odata.project(copy.deepcopy(p), select) for p in call.state.conditional_access.values()
    ]
    return _collection(
        call, items, context(call.version, odata.select_fragment(CA_CONTEXT, select, ()))
    )


def ca_policy_get(call: Call) -> Reply:
    """GET /identity/conditionalAccess/policies/{id}: 200 + the policy, ``$select``
    (https://learn.microsoft.com/graph/api/conditionalaccesspolicy-get); 404 if absent."""
    found = call.state.conditional_access.get(call.key)
    if found is None:
        raise not_found(call.match.key or "")
    select = _ca_select(call)
    _expanded(call, CA_POLICY, ())
    head = {"@odata.context": context(call.version, f"{CA_CONTEXT}/$entity")}
    return Reply(200, {**head, **odata.project(copy.deepcopy(found), select)})


HANDLERS: dict[tuple[str, str], Handler] = {
    ("policy", "GET"): policy_get,
    ("policy", "PATCH"): policy_patch,
    ("default", "GET"): default_get,
    ("default", "PATCH"): default_patch,
    ("reset", "POST"): default_reset,
    ("partners", "GET"): partners_get,
    ("partners", "POST"): partners_post,
    ("partner", "GET"): partner_get,
    ("partner", "PATCH"): partner_patch,
    ("partner", "DELETE"): partner_delete,
    ("sync", "GET"): sync_get,
    ("sync", "PUT"): sync_put,
    ("sync", "PATCH"): sync_patch,
    ("sync", "DELETE"): sync_delete,
    ("authorization", "GET"): authorization_get,
    ("authorization", "PATCH"): authorization_patch,
    ("email", "GET"): email_get,
    ("email", "PATCH"): email_patch,
    ("external", "GET"): external_get,
    ("external", "PATCH"): external_patch,
    ("b2bs", "GET"): b2bs_get,
    ("b2bs", "POST"): b2bs_post,
    ("b2b", "GET"): b2b_get,
    ("b2b", "PATCH"): b2b_patch,
    ("b2b", "DELETE"): b2b_delete,
    ("tenant-info", "GET"): tenant_info_get,
    ("ca-policies", "GET"): ca_policies_get,
    ("ca-policy", "GET"): ca_policy_get,
}
