"""The emulated multitenant organization: the MTO, its tenants and its two templates.

Behaviour and its basis (docs/fakegraph.md labels each one documented, specified or guessed):

* Create (PUT ``{displayName, description}``): 201, the creator becomes its owner [S100]; a
  tenant already in an MTO gets 400 (guessed).
* GET the MTO: 200 with the object; a tenant in no MTO reads ``state: "inactive"`` and null
  names, as the docs' second example shows [S90]. PATCH: displayName and description only,
  204 [S91]; on a tenant in no MTO the emulator answers 404 (guessed: the docs are silent).
* List tenants: 200, a collection (paged like partners) [S92]; empty in no MTO (guessed).
* Add a tenant: POST ``{tenantId, displayName, role?}``, 201 and the new member in state
  ``pending``, ``addedByTenantId`` this tenant [S92]. "Only owner tenants" may add one: any other
  caller gets 403 ``Authorization_RequestDenied`` (the code is guessed). A tenant already listed
  gets the documented 400 ``Request_BadRequest`` "Tenant is already being added in
  Multi-Tenant Organization." [S92].
* Update a tenant: PATCH ``{role}`` only, owner tenants only, 204 [S92]; displayName "can't be
  changed once set" [S92] (a 400 here, wording guessed).
* Templates: GET 200, PATCH 204 and a merge [S93][S94]; ``templateApplicationLevel`` is a flags
  enum sent as a comma-joined string (``none``, ``newPartners``, ``existingPartners``); the
  Entra how-to disables a template with ``""`` [S99], which the emulator accepts as ``none``.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from .errors import GraphError, not_found
from .handlers import (
    Call,
    Handler,
    _checked,
    _collection,
    _entity,
    _no_content,
    _patch_into,
)
from .odata import context
from .reply import Reply
from .schema import GUID_RE, bad_request

MTO = "multiTenantOrganization"
MEMBER = "multiTenantOrganizationMember"
PARTNER_TEMPLATE = "multiTenantOrganizationPartnerConfigurationTemplate"
SYNC_TEMPLATE = "multiTenantOrganizationIdentitySyncPolicyTemplate"
MTO_CONTEXT = "tenantRelationships/multiTenantOrganization"
TEMPLATES_CONTEXT = "policies/crossTenantAccessPolicy/templates"
LEVELS = frozenset({"none", "newPartners", "existingPartners"})
DUPLICATE = "Tenant is already being added in Multi-Tenant Organization."


def _active(call: Call) -> None:
    if call.state.mto.get("state") != "active":
        raise not_found(MTO)


def _owner(call: Call) -> None:
    """Only an owner tenant may add tenants or change a role [S92]."""
    own = call.state.mto_tenants.get(call.options.tenant_id.lower())
    if own is None or own.get("role") != "owner" or own.get("state") != "active":
        raise GraphError(
            403,
            "Authorization_RequestDenied",
            "Only an owner tenant of the multi-tenant organization can perform this operation.",
        )


def mto_get(call: Call) -> Reply:
    """GET /tenantRelationships/multiTenantOrganization [S90]."""
    return _entity(call, f"{MTO_CONTEXT}/$entity", MTO, call.state.mto)


def mto_put(call: Call) -> Reply:
    """PUT: create the MTO, 201; displayName is required; the creator becomes its owner [S100].

    A tenant already in one gets 400 ``Request_BadRequest`` ("A tenant can be part of only one
    multitenant organization" [S92]; the status and wording are guessed).
    """
    body = _checked(call, call.body(), MTO)
    if call.state.mto.get("state") == "active":
        raise bad_request("The tenant is already part of a multi-tenant organization.")
    if not isinstance(body.get("displayName"), str):
        raise bad_request("Property 'displayName' is required when creating the organization.")
    now = _now()
    call.state.mto = {
        "id": call.new_id(),
        "createdDateTime": now,
        "displayName": body["displayName"],
        "description": body.get("description"),
        "state": "active",
    }
    own = call.options.tenant_id
    call.state.mto_tenants = {
        own.lower(): {
            "tenantId": own,
            "displayName": None,  # what Graph fills in is undocumented (guessed: null)
            "addedDateTime": now,
            "joinedDateTime": now,
            "addedByTenantId": own,
            "role": "owner",
            "state": "active",
            "transitionDetails": None,
        }
    }
    return _entity(call, f"{MTO_CONTEXT}/$entity", MTO, call.state.mto, status=201)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def mto_patch(call: Call) -> Reply:
    """PATCH: displayName and description [S91]."""
    body = _checked(call, call.body(), MTO)
    _active(call)
    _patch_into(call.state.mto, body, call.options.nested_patch)
    return _no_content()


def tenants_get(call: Call) -> Reply:
    """GET .../multiTenantOrganization/tenants: active and pending tenants [S92]."""
    items = [copy.deepcopy(t) for t in call.state.mto_tenants.values()]
    return _collection(call, items, context(call.version, f"{MTO_CONTEXT}/tenants"))


def tenants_post(call: Call) -> Reply:
    """POST .../tenants: 201 + the member, pending until its admin joins [S92]."""
    body = _checked(call, call.body(), MEMBER)
    _active(call)
    _owner(call)
    tenant = body.get("tenantId")
    if not isinstance(tenant, str) or not GUID_RE.match(tenant):
        raise bad_request("Property 'tenantId' must be a tenant ID (a GUID).")
    if tenant.lower() in call.state.mto_tenants:
        raise bad_request(DUPLICATE)
    now = _now()
    member = {
        "tenantId": tenant,
        "displayName": body.get("displayName"),
        "addedDateTime": now,
        "joinedDateTime": None,
        "addedByTenantId": call.options.tenant_id,
        "role": body.get("role") or "member",
        "state": "pending",
        "transitionDetails": None,
    }
    call.state.mto_tenants[tenant.lower()] = member
    return _entity(call, f"{MTO_CONTEXT}/tenants/$entity", MEMBER, member, status=201)


def tenant_patch(call: Call) -> Reply:
    """PATCH .../tenants/{tenantId}: only role can be updated, by an owner [S92]."""
    body = _checked(call, call.body(), MEMBER)
    _active(call)
    _owner(call)
    found = call.state.mto_tenants.get(call.key)
    if found is None:
        raise not_found(call.match.key or "")
    for name in body:
        if name not in ("role", "tenantId") and not name.startswith("@"):
            raise bad_request(f"Property '{name}' cannot be updated; only 'role' can.")
    updated = {**copy.deepcopy(found), **{k: v for k, v in body.items() if k == "role"}}
    call.state.mto_tenants[call.key] = updated
    return _no_content()


def _level(body: dict[str, Any]) -> None:
    level = body.get("templateApplicationLevel")
    if "templateApplicationLevel" not in body or level == "":
        return
    names = level.split(",") if isinstance(level, str) else [None]
    if not names or any(name not in LEVELS for name in names):
        raise bad_request(
            f"Cannot convert the literal '{level}' to the expected type "
            "'microsoft.graph.templateApplicationLevel'."
        )


def _template_patch(call: Call, type_name: str, stored: dict[str, Any]) -> Reply:
    body = _checked(call, call.body(), type_name)
    _level(body)
    if body.get("templateApplicationLevel") == "":
        body = {**body, "templateApplicationLevel": "none"}
    _patch_into(stored, body, call.options.nested_patch)
    return _no_content()


def partner_template_get(call: Call) -> Reply:
    """GET .../templates/multiTenantOrganizationPartnerConfiguration [S93]."""
    fragment = f"{TEMPLATES_CONTEXT}/multiTenantOrganizationPartnerConfiguration/$entity"
    return _entity(call, fragment, PARTNER_TEMPLATE, call.state.mto_partner_template)


def partner_template_patch(call: Call) -> Reply:
    """PATCH: 204, a merge [S93]."""
    return _template_patch(call, PARTNER_TEMPLATE, call.state.mto_partner_template)


def sync_template_get(call: Call) -> Reply:
    """GET .../templates/multiTenantOrganizationIdentitySynchronization [S94]."""
    fragment = f"{TEMPLATES_CONTEXT}/multiTenantOrganizationIdentitySynchronization/$entity"
    return _entity(call, fragment, SYNC_TEMPLATE, call.state.mto_sync_template)


def sync_template_patch(call: Call) -> Reply:
    """PATCH: 204, a merge [S94]."""
    return _template_patch(call, SYNC_TEMPLATE, call.state.mto_sync_template)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("mto", "GET"): mto_get,
    ("mto", "PATCH"): mto_patch,
    ("mto", "PUT"): mto_put,
    ("mto-tenants", "GET"): tenants_get,
    ("mto-tenants", "POST"): tenants_post,
    ("mto-tenant", "PATCH"): tenant_patch,
    ("mto-partner-template", "GET"): partner_template_get,
    ("mto-partner-template", "PATCH"): partner_template_patch,
    ("mto-sync-template", "GET"): sync_template_get,
    ("mto-sync-template", "PATCH"): sync_template_patch,
}
