"""Live tenant vs YAML -> an ordered, minimal list of Graph writes (the plan), and its file.

Both sides go through `b2blint.graph.mapping` (the YAML with `resources_from_policy`, the live
objects with `build_policy` first, exactly as `import`/`export` read them), so a tree written by
`export` plans no changes. Rules, with the Graph facts behind them:

* Only changed **top-level** properties are sent, each whole: PATCH is a merge at the top level
  and a sub-object sent replaces that sub-object (graph-facts §1, "PATCH semantics").
* A partner entry describes the whole partner: a documented partner setting set live but absent
  (or null) in the YAML is reset with an explicit ``null``, which means "inherit the default"
  [S2][S39]. A property b2blint does not know is reported as unmanaged and never written
  (schemas grow: apply-guarantees §1.7 #7). Tenant-wide sections manage only the properties
  they name.
* Nested ``null`` and absent compare equal (Graph prints every unset property as null [S17]).
* Order: a new partner is POSTed, then PATCHed if need be, then its identitySynchronization is
  PUT; a removed synchronization is DELETEd before its partner (which Graph requires [S17]).
  Partners live but absent from the YAML are unmanaged, and deleted only with ``--prune``.
* The plan records a hash of the live state of every object it touches, of the partner list and
  of the YAML, and a hash of itself, so `apply --plan` can refuse a stale or edited plan.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.kinds import BETA, BETA_ONLY, MTO_TENANTS, POLICY_KEY, SINGLETONS, ResourceKind
from b2blint.graph.mapping import (
    GraphMappingError,
    GraphRequest,
    GraphResource,
    b2b_update_request,
    mto_tenants,
    resources_from_policy,
    without_unset,
)
from b2blint.graph.odata import strip_annotations
from b2blint.policy.model import PARTNER_SETTINGS
from b2blint.tenant.live import LiveTenant, canonical, digest, object_key

PLAN_FORMAT = "b2blint-plan"
PLAN_VERSION = 1

#: Partner properties a partner entry owns: absent in the YAML means "reset to inherit" [S2].
PARTNER_OWNED = frozenset(PARTNER_SETTINGS)
SYNC_OWNED = frozenset({"userSyncInbound", "groupSyncInbound"})

_DEFAULT_INBOUND = frozenset(
    {
        "b2bCollaborationInbound",
        "b2bDirectConnectInbound",
        "inboundTrust",
        "tenantRestrictions",
        "invitationRedemptionIdentityProviderConfiguration",
    }
)


@dataclasses.dataclass(frozen=True)
class Change:
    """One top-level property: its live value and the value the YAML wants (None = unset)."""

    name: str
    before: Any
    after: Any


@dataclasses.dataclass(frozen=True)
class Operation:
    """One Graph write, exactly as apply will send it."""

    index: int
    object: str  # the object group key (``partner:<id>``, ``default``, ...)
    resource: str  # ``partner:<id>``, ``identitySynchronization:<id>``, ``default``, ...
    action: str  # create | update | delete
    method: str
    path: str
    api_version: str
    body: dict[str, Any] | None
    changes: tuple[Change, ...]

    def describe(self) -> str:
        return f"{self.method} /{self.api_version}{self.path}"


@dataclasses.dataclass(frozen=True)
class ObjectPlan:
    """Every operation on one object (a partner with its synchronization, or a section)."""

    key: str
    kind: str
    label: str
    action: str  # create | update | delete
    operations: tuple[Operation, ...]
    warnings: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Unmanaged:
    """A live partner the YAML does not declare (left alone unless ``--prune``)."""

    tenant_id: str
    name: str | None
    has_sync: bool


@dataclasses.dataclass(frozen=True)
class Plan:
    tenant_id: str
    cloud: str
    objects: tuple[ObjectPlan, ...]
    unmanaged: tuple[Unmanaged, ...]
    unmanaged_properties: tuple[tuple[str, str], ...]
    prune: bool
    live_hashes: Mapping[str, str]
    partner_list_hash: str
    yaml_hash: str
    sources: tuple[str, ...]
    created: str
    read_kinds: tuple[str, ...]
    beta_kinds: tuple[str, ...]
    #: The Conditional Access context check (`b2blint.tenant.context.check_context`), as plan
    #: JSON; None when the tree has no context (then nothing was read).
    context: Mapping[str, Any] | None = None

    @property
    def operations(self) -> list[Operation]:
        return [op for obj in self.objects for op in obj.operations]

    @property
    def has_changes(self) -> bool:
        return bool(self.objects)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0}
        for obj in self.objects:
            counts[obj.action] += 1
        return counts

    @property
    def warnings(self) -> list[str]:
        return [w for obj in self.objects for w in obj.warnings]

    def summary(self) -> str:
        c = self.counts()
        text = (
            f"{c['create']} to create, {c['update']} to update, {c['delete']} to delete "
            f"({len(self.operations)} Graph write{'s' if len(self.operations) != 1 else ''})"
        )
        if self.unmanaged:
            n = len(self.unmanaged)
            text += f"; {n} unmanaged partner{'s' if n != 1 else ''} left alone"
        return text


# --------------------------------------------------------------------------- building


def _same(a: Any, b: Any) -> bool:
    left = strip_annotations(a, drop_nulls=True)
    right = strip_annotations(b, drop_nulls=True)
    if (left == {} and right is None) or (left is None and right == {}):
        return True
    return canonical(left) == canonical(right)


def desired_resources(policy: Mapping[str, Any]) -> dict[str, GraphResource]:
    """The YAML's resources, keyed like `live.object_key` (partner ids lower-cased)."""
    try:
        resources = resources_from_policy(without_unset(policy))
    except GraphMappingError as error:
        raise B2BLintError(
            f"cannot map the policy to Graph: {error.message}", exit_code=EXIT_FAILED
        ) from None
    out: dict[str, GraphResource] = {}
    for key, resource in resources.items():
        name, _, tenant = key.partition(":")
        out[object_key(ResourceKind(name), tenant or None)] = resource
    return out


def needed_kinds(policy: Mapping[str, Any]) -> set[ResourceKind]:
    """The live resources a plan of ``policy`` must read (partners are always read)."""
    kinds = {ResourceKind.PARTNER}
    for kind, key in POLICY_KEY.items():
        if key in policy:
            kinds.add(kind)
    return kinds


def beta_kinds(policy: Mapping[str, Any]) -> set[ResourceKind]:
    """Kinds to read from /beta, because the YAML uses a beta-only property of theirs."""
    found: set[ResourceKind] = set()
    for resource in desired_resources(policy).values():
        if resource.api_version == BETA and resource.kind in BETA_ONLY:
            found.add(
                ResourceKind.PARTNER
                if resource.kind is ResourceKind.IDENTITY_SYNCHRONIZATION
                else resource.kind
            )
    return found


class _Builder:
    def __init__(self, live: LiveTenant, live_resources: Mapping[str, GraphResource]) -> None:
        self.live = live
        self.live_resources = live_resources
        self.domains: tuple[Any, Any] = (None, None)  # invitationDomains: (live, YAML)
        self.objects: list[ObjectPlan] = []
        self.touched: set[str] = set()
        self.unmanaged_properties: list[tuple[str, str]] = []
        self.index = 0
        self.tenant_id = ""  # this tenant (an MTO owner may add tenants [S92])

    def op(
        self,
        obj: str,
        resource: str,
        action: str,
        request: GraphRequest,
        changes: Sequence[Change],
    ) -> Operation:
        self.index += 1
        self.touched.add(resource)
        return Operation(
            self.index,
            obj,
            resource,
            action,
            request.method,
            request.path,
            request.api_version,
            request.body,
            tuple(changes),
        )

    def add(
        self, key: str, kind: ResourceKind, label: str, action: str, ops: Sequence[Operation]
    ) -> None:
        if ops:
            self.objects.append(
                ObjectPlan(key, kind.value, label, action, tuple(ops), _warnings(kind, action, ops))
            )

    def note_unmanaged(
        self,
        key: str,
        live_body: Mapping[str, Any],
        owned: Iterable[str],
        desired: Mapping[str, Any],
    ) -> None:
        owned = set(owned)
        for name in live_body:
            if "@" in name or name in owned or name in desired:
                continue
            if live_body[name] is None or _same(live_body[name], None):
                continue
            self.unmanaged_properties.append((key, name))


def _changes(
    desired: Mapping[str, Any], live: Mapping[str, Any], owned: Iterable[str]
) -> list[Change]:
    """Top-level properties to send: the YAML's that differ, and owned ones to reset to null."""
    names = [k for k in desired if "@" not in k]
    names += [k for k in live if k in owned and k not in desired and "@" not in k]
    return [
        Change(name, live.get(name), desired.get(name))
        for name in names
        if not _same(desired.get(name), live.get(name))
    ]


def _patch_version(kind: ResourceKind, body: Mapping[str, Any], resource: GraphResource) -> str:
    """/beta when the body resets a beta-only property (v1.0 refuses its name [S6][S5]).

    The YAML's own properties chose ``resource.api_version``; a reset to null of a beta-only
    property the YAML no longer names (read live from /beta) must go to /beta as well.
    """
    return BETA if BETA_ONLY.get(kind, frozenset()) & body.keys() else resource.api_version


def _body(changes: Sequence[Change], resource: GraphResource) -> dict[str, Any]:
    body = {k: v for k, v in resource.body.items() if "@" in k}  # e.g. email OTP's @odata.type
    body.update((change.name, change.after) for change in changes)
    return body


def build_plan(
    policy: Mapping[str, Any],
    live: LiveTenant,
    *,
    tenant_id: str,
    cloud: str,
    prune: bool = False,
    sources: Sequence[str] = (),
) -> Plan:
    """Compare ``policy`` (the merged YAML tree) with ``live``; return the ordered plan."""
    desired = desired_resources(policy)
    try:
        live_policy = live.policy()
        live_resources = desired_resources(live_policy)
    except GraphMappingError as error:
        raise B2BLintError(
            f"cannot read the live tenant: {error.message}", exit_code=EXIT_FAILED
        ) from None
    except B2BLintError as error:
        raise B2BLintError(
            f"cannot read the live tenant: {error.message}", exit_code=EXIT_FAILED
        ) from None
    b = _Builder(live, live_resources)
    b.tenant_id = tenant_id
    b.domains = (
        live_policy.get("invitationDomains"),
        without_unset(policy).get("invitationDomains"),
    )
    for kind in SINGLETONS[:2]:
        _singleton(b, kind, desired, live)
    _partners(b, policy, desired, live, prune)
    for kind in SINGLETONS[2:]:
        _singleton(b, kind, desired, live)
    hashes = {key: live.hash_of(key) for key in sorted(b.touched)}
    return Plan(
        tenant_id=tenant_id,
        cloud=cloud,
        objects=tuple(b.objects),
        unmanaged=tuple(_unmanaged(live, desired, prune)),
        unmanaged_properties=tuple(b.unmanaged_properties),
        prune=prune,
        live_hashes=hashes,
        partner_list_hash=live.partner_list_hash(),
        yaml_hash=yaml_hash(policy),
        sources=tuple(sources),
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        read_kinds=tuple(sorted(k.value for k in live.kinds)),
        beta_kinds=tuple(sorted(k.value for k in beta_kinds(policy))),
    )


def yaml_hash(policy: Mapping[str, Any]) -> str:
    """Hash of the merged YAML tree (comments and file layout do not count)."""
    return digest(without_unset(policy))


def _singleton(
    b: _Builder, kind: ResourceKind, desired: Mapping[str, GraphResource], live: LiveTenant
) -> None:
    key = kind.value
    resource = desired.get(key)
    if resource is None:
        return
    live_res = b.live_resources.get(key)
    live_body = live_res.body if live_res is not None else {}
    label = (
        POLICY_KEY[kind] if kind is not ResourceKind.B2B_MANAGEMENT_POLICY else "invitationDomains"
    )
    if kind is ResourceKind.B2B_MANAGEMENT_POLICY:
        _b2b(b, resource, live_res, live, label)
        return
    # A tenant-wide section manages only the properties it names.
    changes = _changes(resource.body, live_body, ())
    ops: list[Operation] = []
    if kind is ResourceKind.MULTI_TENANT_ORGANIZATION and live_res is None:
        ops.append(_mto_create(b, resource, changes))
        changes = []
    if changes:
        op = b.op(
            key,
            key,
            "update",
            GraphRequest("PATCH", resource.path, resource.api_version, _body(changes, resource)),
            changes,
        )
        ops.append(op)
    if kind is ResourceKind.MULTI_TENANT_ORGANIZATION:
        ops.extend(_mto_tenants(b, resource, live_res))
    created = bool(ops) and ops[0].method == "PUT"
    action = "create" if created else "update"
    b.add(key, kind, label, action, ops)


def _mto_create(b: _Builder, resource: GraphResource, changes: Sequence[Change]) -> Operation:
    """PUT the MTO this tenant is in none of: it becomes its owner [S100]."""
    if not isinstance(resource.body.get("displayName"), str):
        raise B2BLintError(
            "multiTenantOrganization: this tenant is in no multitenant organization, and creating "
            "one needs a displayName",
            exit_code=EXIT_FAILED,
        )
    names = ("displayName", "description")
    body = {name: resource.body[name] for name in names if name in resource.body}
    request = GraphRequest("PUT", resource.path, resource.api_version, body)
    return b.op(resource.key, resource.key, "create", request, changes)


def _mto_tenants(
    b: _Builder, resource: GraphResource, live_res: GraphResource | None
) -> list[Operation]:
    """Add the tenants the YAML names and the MTO lacks; set a changed role. Nothing else.

    b2blint never joins another tenant's MTO (joinRequest: the owner adds this tenant first, and
    joining takes up to 2 hours [S92]) and never removes a tenant. Only an owner tenant may add
    tenants or change a role [S92]: the plan refuses before any write if this tenant is not one.
    An MTO the plan creates has this tenant as its owner [S100]. A tenant's displayName "can't
    be changed once set" [S92]: it is sent when the tenant is added and never compared after.
    """
    key = resource.key
    own_id = b.tenant_id.lower()
    try:
        wanted = mto_tenants(resource)
        if live_res is not None:
            live = mto_tenants(live_res)
        else:  # created by this plan: this tenant is its only, owner, tenant [S100]
            live = {own_id: {"tenantId": b.tenant_id, "role": "owner"}}
    except GraphMappingError as error:
        raise B2BLintError(f"cannot plan: {error.message}", exit_code=EXIT_FAILED) from None
    ops: list[Operation] = []
    for tenant, entry in wanted.items():
        found = live.get(tenant)
        if found is None:
            names = ("tenantId", "displayName", "role")
            body = {name: entry[name] for name in names if name in entry}
            request = GraphRequest("POST", MTO_TENANTS, resource.api_version, body)
            ops.append(b.op(key, key, "create", request, [Change("tenants", None, body)]))
        elif "role" in entry and entry["role"] != found.get("role"):
            path = f"{MTO_TENANTS}/{entry['tenantId']}"
            request = GraphRequest("PATCH", path, resource.api_version, {"role": entry["role"]})
            change = Change(f"tenants.{entry['tenantId']}.role", found.get("role"), entry["role"])
            ops.append(b.op(key, key, "update", request, [change]))
    if ops:
        own = live.get(own_id, {})
        if own.get("role") != "owner":
            raise B2BLintError(
                f"multiTenantOrganization: only an owner tenant can add tenants or change a "
                f"role, and this tenant ({b.tenant_id}) is "
                f"{'not in the tenant list' if not own else repr(own.get('role'))}",
                exit_code=EXIT_FAILED,
            )
    return ops


def _b2b(
    b: _Builder,
    resource: GraphResource,
    live_res: GraphResource | None,
    live: LiveTenant,
    label: str,
) -> None:
    key = ResourceKind.B2B_MANAGEMENT_POLICY.value
    kind = ResourceKind.B2B_MANAGEMENT_POLICY
    if live.b2b_policy is None:
        assert resource.create is not None
        change = Change("invitationDomains", None, b.domains[1])
        op = b.op(
            key,
            key,
            "create",
            GraphRequest(
                resource.create.method,
                resource.create.path,
                resource.create.api_version,
                resource.create.body,
            ),
            [change],
        )
        b.add(key, kind, label, "create", [op])
        return
    before = live_res.body.get("definition") if live_res is not None else None
    if _same(resource.body.get("definition"), before):
        return
    request = b2b_update_request(resource, live.b2b_policy)
    change = Change("invitationDomains", b.domains[0], b.domains[1])
    op = b.op(key, key, "update", request, [change])
    b.add(key, kind, label, "update", [op])


def _label(tenant_id: str, name: str | None) -> str:
    return f"partner {name} ({tenant_id})" if name else f"partner {tenant_id}"


def _partners(
    b: _Builder,
    policy: Mapping[str, Any],
    desired: Mapping[str, GraphResource],
    live: LiveTenant,
    prune: bool,
) -> None:
    for entry in policy.get("partners") or ():
        tenant_id = str(entry["tenantId"])
        pkey = object_key(ResourceKind.PARTNER, tenant_id)
        skey = object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, tenant_id)
        name = (
            entry.get("name")
            if isinstance(entry.get("name"), str)
            else live.partner_name(tenant_id)
        )
        label = _label(tenant_id, name)
        resource = desired[pkey]
        ops: list[Operation] = []
        live_partner = b.live_resources.get(pkey)
        if live.get(pkey) is None:
            action = "create"
            assert resource.create is not None
            changes = [Change(k, None, v) for k, v in resource.body.items() if "@" not in k]
            ops.append(
                b.op(
                    pkey,
                    pkey,
                    "create",
                    GraphRequest(
                        "POST",
                        resource.create.path,
                        resource.create.api_version,
                        resource.create.body,
                    ),
                    changes,
                )
            )
        else:
            action = "update"
            live_body = live_partner.body if live_partner is not None else {}
            b.note_unmanaged(pkey, live_body, PARTNER_OWNED, resource.body)
            changes = _changes(resource.body, live_body, PARTNER_OWNED)
            if changes:
                body = _body(changes, resource)
                version = _patch_version(ResourceKind.PARTNER, body, resource)
                ops.append(
                    b.op(
                        pkey,
                        pkey,
                        "update",
                        GraphRequest("PATCH", resource.path, version, body),
                        changes,
                    )
                )
        ops.extend(_sync_ops(b, pkey, skey, desired.get(skey)))
        b.add(pkey, ResourceKind.PARTNER, label, action, ops)
    if prune:
        for tenant_id in live.partner_ids:
            pkey = object_key(ResourceKind.PARTNER, tenant_id)
            if pkey in desired:
                continue
            skey = object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, tenant_id)
            ops = []
            path = f"/policies/crossTenantAccessPolicy/partners/{tenant_id}"
            sync = live.get(skey)
            # The partner DELETE depends on there being no sync policy (Graph refuses it
            # otherwise [S17]): hash the sync too, so one added since the plan makes it stale.
            b.touched.add(skey)
            if sync is not None:
                ops.append(
                    b.op(
                        pkey,
                        skey,
                        "delete",
                        GraphRequest("DELETE", f"{path}/identitySynchronization", "v1.0", None),
                        [Change(k, v, None) for k, v in _settings(sync).items()],
                    )
                )
            partner = live.get(pkey) or {}
            ops.append(
                b.op(
                    pkey,
                    pkey,
                    "delete",
                    GraphRequest("DELETE", path, "v1.0", None),
                    [Change(k, v, None) for k, v in _settings(partner).items()],
                )
            )
            b.add(
                pkey,
                ResourceKind.PARTNER,
                _label(tenant_id, live.partner_name(tenant_id)),
                "delete",
                ops,
            )


def _settings(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in obj.items()
        if k not in ("tenantId", "displayName") and "@" not in k and not _same(v, None)
    }


def _sync_ops(
    b: _Builder,
    pkey: str,
    skey: str,
    resource: GraphResource | None,
) -> list[Operation]:
    live, live_res = b.live, b.live_resources.get(skey)
    exists = live.get(skey) is not None
    if resource is None:
        if not exists:
            return []
        tenant = skey.partition(":")[2]
        path = f"/policies/crossTenantAccessPolicy/partners/{tenant}/identitySynchronization"
        changes = [Change(k, v, None) for k, v in _settings(live.get(skey) or {}).items()]
        return [b.op(pkey, skey, "delete", GraphRequest("DELETE", path, "v1.0", None), changes)]
    if not exists:
        assert resource.create is not None
        changes = [Change(k, None, v) for k, v in resource.body.items()]
        return [
            b.op(
                pkey,
                skey,
                "create",
                GraphRequest(
                    resource.create.method,
                    resource.create.path,
                    resource.create.api_version,
                    resource.create.body,
                ),
                changes,
            )
        ]
    live_body = live_res.body if live_res is not None else {}
    b.note_unmanaged(skey, live_body, SYNC_OWNED | {"displayName"}, resource.body)
    changes = _changes(resource.body, live_body, SYNC_OWNED)
    if not changes:
        return []
    body = _body(changes, resource)
    version = _patch_version(ResourceKind.IDENTITY_SYNCHRONIZATION, body, resource)
    request = GraphRequest("PATCH", resource.path, version, body)
    return [b.op(pkey, skey, "update", request, changes)]


def _unmanaged(
    live: LiveTenant, desired: Mapping[str, GraphResource], prune: bool
) -> list[Unmanaged]:
    if prune:
        return []
    return [
        Unmanaged(
            t,
            live.partner_name(t),
            live.get(object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, t)) is not None,
        )
        for t in live.partner_ids
        if object_key(ResourceKind.PARTNER, t) not in desired
    ]


def _warnings(kind: ResourceKind, action: str, ops: Sequence[Operation]) -> tuple[str, ...]:
    """Risky changes a reviewer must not miss (the Markdown plan puts them first)."""
    found: list[str] = []
    names = {c.name for op in ops for c in op.changes}
    if any(op.action == "delete" for op in ops):
        what = (
            "partner"
            if kind is ResourceKind.PARTNER and action == "delete"
            else "identity synchronization"
        )
        found.append(f"deletes a {what}")
    if kind is ResourceKind.DEFAULT and names & _DEFAULT_INBOUND:
        found.append(
            "changes the default inbound settings, which apply to every partner without its own: "
            + ", ".join(sorted(names & _DEFAULT_INBOUND))
        )
    if "inboundTrust" in names and kind is not ResourceKind.DEFAULT:
        found.append("changes inbound trust (which MFA and device claims are accepted)")
    direct = sorted(n for n in names if n.startswith("b2bDirectConnect"))
    if direct:
        found.append("changes B2B direct connect: " + ", ".join(direct))
    if kind is ResourceKind.PARTNER and action == "update" and "isServiceProvider" in names:
        # Create-only: the create page takes it, the update page does not list it [S17][S18].
        found.append(
            "changes isServiceProvider, which Graph sets only when a partner is created: "
            "the update is not expected to change it"
        )
    if "allowedCloudEndpoints" in names:
        found.append(
            "changes the Microsoft cloud endpoints (enabling a cloud blocks every tenant "
            "there that is not a partner)"
        )
    return tuple(found)


# --------------------------------------------------------------------------- the plan file


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON data (``--format json`` and ``--out``), with its own hash."""
    data: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "created": plan.created,
        "tenant": {"id": plan.tenant_id, "cloud": plan.cloud},
        "sources": list(plan.sources),
        "prune": plan.prune,
        "summary": {
            **plan.counts(),
            "operations": len(plan.operations),
            "unmanagedPartners": len(plan.unmanaged),
        },
        "hashes": {
            "yaml": plan.yaml_hash,
            "partnerList": plan.partner_list_hash,
            "live": dict(plan.live_hashes),
        },
        "read": {"kinds": list(plan.read_kinds), "beta": list(plan.beta_kinds)},
        "objects": [
            {
                "key": obj.key,
                "kind": obj.kind,
                "label": obj.label,
                "action": obj.action,
                "warnings": list(obj.warnings),
                "operations": [
                    {
                        "index": op.index,
                        "resource": op.resource,
                        "action": op.action,
                        "method": op.method,
                        "path": op.path,
                        "apiVersion": op.api_version,
                        "body": op.body,
                        "changes": [
                            {"property": c.name, "before": c.before, "after": c.after}
                            for c in op.changes
                        ],
                    }
                    for op in obj.operations
                ],
            }
            for obj in plan.objects
        ],
        "unmanaged": {
            "partners": [
                {"tenantId": u.tenant_id, "name": u.name, "identitySynchronization": u.has_sync}
                for u in plan.unmanaged
            ],
            "properties": [{"resource": r, "property": p} for r, p in plan.unmanaged_properties],
        },
    }
    if plan.context is not None:
        data["context"] = {"conditionalAccess": dict(plan.context)}
    data["planHash"] = digest(data)
    return data


class PlanFileError(B2BLintError):
    """A plan file that is unreadable, edited or not a plan (exit 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=EXIT_FAILED)


def plan_from_dict(data: Any, where: str) -> Plan:
    """Read a saved plan back, verifying its hash (an edited plan is refused)."""
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise PlanFileError(f'{where}: not a b2blint plan (no "format": "{PLAN_FORMAT}")')
    if data.get("version") != PLAN_VERSION:
        raise PlanFileError(
            f"{where}: plan format version {data.get('version')!r} is not supported"
        )
    claimed = data.get("planHash")
    rest = {k: v for k, v in data.items() if k != "planHash"}
    if claimed != digest(rest):
        raise PlanFileError(
            f"{where}: the plan was edited after it was made (its hash does not "
            "match); run b2blint plan again"
        )
    try:
        objects = tuple(
            ObjectPlan(
                obj["key"],
                obj["kind"],
                obj["label"],
                obj["action"],
                tuple(
                    Operation(
                        op["index"],
                        obj["key"],
                        op["resource"],
                        op["action"],
                        op["method"],
                        op["path"],
                        op["apiVersion"],
                        op["body"],
                        tuple(
                            Change(c["property"], c["before"], c["after"]) for c in op["changes"]
                        ),
                    )
                    for op in obj["operations"]
                ),
                tuple(obj.get("warnings", ())),
            )
            for obj in data["objects"]
        )
        unmanaged = tuple(
            Unmanaged(u["tenantId"], u.get("name"), bool(u.get("identitySynchronization")))
            for u in data["unmanaged"]["partners"]
        )
        return Plan(
            tenant_id=data["tenant"]["id"],
            cloud=data["tenant"]["cloud"],
            objects=objects,
            unmanaged=unmanaged,
            unmanaged_properties=tuple(
                (p["resource"], p["property"]) for p in data["unmanaged"]["properties"]
            ),
            prune=bool(data["prune"]),
            live_hashes=dict(data["hashes"]["live"]),
            partner_list_hash=data["hashes"]["partnerList"],
            yaml_hash=data["hashes"]["yaml"],
            sources=tuple(data["sources"]),
            created=data["created"],
            read_kinds=tuple(data["read"]["kinds"]),
            beta_kinds=tuple(data["read"]["beta"]),
            context=data["context"]["conditionalAccess"] if "context" in data else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PlanFileError(f"{where}: malformed plan ({type(error).__name__}: {error})") from None


def stale_objects(plan: Plan, live: LiveTenant) -> list[str]:
    """What changed live since the plan was made (empty: the plan still applies)."""
    changed = [key for key, value in plan.live_hashes.items() if live.hash_of(key) != value]
    if plan.partner_list_hash != live.partner_list_hash():
        changed.append("the list of partners")
    return changed
