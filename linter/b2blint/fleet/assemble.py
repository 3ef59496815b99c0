"""Assemble each fleet tenant's effective policy: its layers, then its own files on top.

`read_fleet` reads every file once (a baseline shared by 300 tenants is parsed once) and
returns one `TenantTree` per tenant. Each tree's ``document`` is a `LayeredDocument`: its data
is the merged tree and every position in it resolves to the baseline, tenant file or
``fleet.yaml`` variable it came from; ``policy`` is `build_policy` over it.

Problems that make a tenant impossible to assemble - a placeholder whose variable is not
defined, a variable no layer uses, an opt-out that matches nothing, two tenants with one
tenant ID - are `B2BLintError` (exit 2, ``file:line:col``), raised before anything is
returned. Files that do not parse are collected (``problems``) for ``lint`` to report, or
raised at once with ``strict=True`` (render, plan, ...): nothing is rendered half-way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from b2blint.diagnostics import PathSegment
from b2blint.errors import B2BLintError
from b2blint.files.discovery import discover, display_path
from b2blint.files.document import Document, DocumentError, read_document
from b2blint.fleet.fleetfile import Fleet, FleetTenant, Layer, layer_order
from b2blint.fleet.layers import (
    LayeredDocument,
    Origin,
    Origins,
    Variable,
    merge_sources,
    substitute,
)
from b2blint.policy.model import (
    CONTEXT_KEY,
    SINGLETON_SECTIONS,
    Conflict,
    Policy,
    build_policy,
    is_test_document,
)


class Unparsed(NamedTuple):
    """A file of the fleet that could not be read as YAML (SYN001/SYN002)."""

    path: str
    error: DocumentError


class TenantTree(NamedTuple):
    """One tenant, assembled."""

    tenant: FleetTenant
    document: LayeredDocument  # the merged tree; positions resolve to the real files
    policy: Policy  # build_policy over ``document``
    own: tuple[Document, ...]  # the tenant's own policy files, as parsed
    tests: tuple[Document, ...]  # the tenant's policy-test files
    layers: tuple[Layer, ...]  # applied beneath, lowest first
    conflicts: tuple[Conflict, ...]  # SCH005 within the tenant's own files
    files: tuple[str, ...]  # every file of the tenant's own tree (parsed or not)

    @property
    def name(self) -> str:
        return self.tenant.name


class FleetTrees(NamedTuple):
    """Every tenant of a fleet, assembled; the layer documents; files that did not parse."""

    fleet: Fleet
    tenants: tuple[TenantTree, ...]
    layer_documents: Mapping[str, Document]
    problems: tuple[Unparsed, ...]

    def tenant(self, name: str) -> TenantTree:
        self.fleet.tenant(name)  # the error naming the fleet's tenants
        return next(tree for tree in self.tenants if tree.name == name)


class _Reader:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[Unparsed] = []

    def read(self, path: Path) -> Document | None:
        name = display_path(path)
        try:
            return read_document(path, name)
        except DocumentError as error:
            if self.strict:
                problem = error.problems[0]
                raise B2BLintError(
                    f"{name}:{problem.position.line}:{problem.position.column}: {problem.message}"
                ) from None
            self.problems.append(Unparsed(name, error))
            return None
        except OSError as error:
            raise B2BLintError(f"{name}: cannot read: {error.strerror or error}") from None


def _own_tree(
    documents: Sequence[Document], fallback: Document
) -> tuple[dict[str, Any], Origins, Policy]:
    """A tenant's own files as one tree (sections first-wins, partners in file order)."""
    own = build_policy(documents)
    data: dict[str, Any] = {"b2blint": 1}
    children: dict[PathSegment, Origins] = {}
    for name in SINGLETON_SECTIONS:
        section = own.sections.get(name)
        if section is not None:
            data[name] = section.value
            children[name] = Origins((section.ref.document, section.ref.path))
    if own.conditional_access is not None:
        # Conditional Access context (read-only; simulate and the CAX rules read it): the
        # policies of every own file, in file order, each pointing back at its file.
        data[CONTEXT_KEY] = [dict(ca.body) for ca in own.conditional_access]
        children[CONTEXT_KEY] = Origins(
            (own.conditional_access[0].ref.document, (CONTEXT_KEY,))
            if own.conditional_access
            else (documents[0] if documents else fallback, ()),
            {
                index: Origins((ca.ref.document, ca.ref.path))
                for index, ca in enumerate(own.conditional_access)
            },
        )
    if own.partners:
        data["partners"] = [dict(partner.entry) for partner in own.partners]
        first = own.partners[0].ref
        children["partners"] = Origins(
            (first.document, ("partners",)),
            {index: Origins((p.ref.document, p.ref.path)) for index, p in enumerate(own.partners)},
        )
    root = documents[0] if documents else fallback
    return data, Origins((root, ()), children), own


def _variables(
    fleet: Fleet, tenant: FleetTenant, layers: Sequence[Layer]
) -> dict[str, tuple[Any, Origin]]:
    values: dict[str, tuple[Any, Origin]] = {}
    for layer in layers:
        for name, value in layer.variables.items():
            values[name] = (value, (fleet.document, ("layers", layer.slot, "variables", name)))
    for name, value in tenant.variables.items():
        values[name] = (value, (fleet.document, ("tenants", tenant.slot, "variables", name)))
    return values


def _layer_documents(fleet: Fleet, reader: _Reader) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for layer in fleet.layers.values():
        document = reader.read(layer.path)
        if document is None:
            continue
        if document.data is not None and not isinstance(document.data, dict):
            raise B2BLintError(
                f"{document.path}:1:1: a layer file is a mapping, like a policy file"
            )
        documents[layer.name] = document
    return documents


def _assemble(
    fleet: Fleet,
    tenant: FleetTenant,
    layer_documents: Mapping[str, Document],
    reader: _Reader,
    use_layers: bool,
) -> TenantTree:
    where: tuple[PathSegment, ...] = ("tenants", tenant.slot)
    try:
        files = discover([str(tenant.path)])
    except B2BLintError as error:
        raise fleet.error((*where, "path"), str(error)) from None
    names: list[str] = []
    documents: list[Document] = []
    for path in files:
        names.append(display_path(path))
        document = reader.read(path)
        if document is not None:
            documents.append(document)
    tests = tuple(d for d in documents if is_test_document(d))
    own_documents = [d for d in documents if not is_test_document(d) and isinstance(d.data, dict)]
    own_data, own_origins, own = _own_tree(own_documents, fleet.document)
    layers = layer_order(fleet, tenant.layers, (*where, "layers")) if use_layers else ()
    values = _variables(fleet, tenant, layers)
    used: set[str] = set()
    sources: list[tuple[Any, Origins]] = []
    for layer in layers:
        document = layer_documents.get(layer.name)
        if document is None or document.data is None:
            continue
        try:
            sources.append(substitute(document.data, document, values, used))
        except Variable as missing:
            location = document.locate(missing.path)
            raise B2BLintError(
                f"{location.file}:{location.position.line}:{location.position.column}: "
                f"variable '{missing.name}' is not defined for tenant '{tenant.name}' (or its "
                "value is not text); define it under the tenant's or the layer's 'variables'"
            ) from None
    if use_layers:
        for name in tenant.variables:
            if name not in used:
                raise fleet.error(
                    (*where, "variables", name),
                    f"variable '{name}' is not used by any layer of tenant '{tenant.name}'",
                    key=True,
                )
    sources.append((own_data, own_origins))
    opt_outs = [o.setting for o in tenant.opt_outs] if use_layers else []
    data, origins, unused = merge_sources(sources, opt_outs)
    for opt_out in tenant.opt_outs if use_layers else ():
        if merge_normal(opt_out.setting) in unused:
            raise fleet.error(
                (*where, "optOut", opt_out.slot, "setting"),
                f"opt-out '{'.'.join(opt_out.setting)}' matches no setting of the layers "
                f"of tenant '{tenant.name}'",
            )
    document = LayeredDocument(
        f"{fleet.document.path}#{tenant.name}", "", data, {}, origins=origins
    )
    return TenantTree(
        tenant,
        document,
        build_policy([document]),
        tuple(own_documents),
        tests,
        tuple(layers),
        own.conflicts,
        tuple(names),
    )


def merge_normal(setting: Sequence[str]) -> tuple[str, ...]:
    if len(setting) >= 2 and setting[0] == "partners":
        return ("partners", setting[1].lower(), *setting[2:])
    return tuple(setting)


def _duplicate_ids(fleet: Fleet, trees: Sequence[TenantTree]) -> None:
    seen: dict[str, TenantTree] = {}
    for tree in trees:
        tenant_id = tree.policy.tenant_id
        if tenant_id is None:
            continue
        first = seen.get(tenant_id.lower())
        if first is None:
            seen[tenant_id.lower()] = tree
            continue
        here = tree.document.locate(("tenant", "id"))
        there = first.document.locate(("tenant", "id"))
        raise B2BLintError(
            f"{here.file}:{here.position.line}:{here.position.column}: tenant ID {tenant_id} of "
            f"fleet tenant '{tree.name}' is also the ID of '{first.name}' "
            f"({there.file}:{there.position.line})"
        )


def read_fleet(
    fleet: Fleet,
    *,
    only: Sequence[str] | None = None,
    layers: bool = True,
    strict: bool = False,
) -> FleetTrees:
    """Assemble the fleet's tenants (``only``: these names, in fleet order).

    ``layers=False`` assembles each tenant from its own files alone. ``strict=True`` raises on
    the first file that does not parse. Duplicate tenant IDs are checked across the whole
    fleet even when ``only`` names a few tenants (a plan must never target the wrong tenant).
    """
    reader = _Reader(strict)
    layer_documents = _layer_documents(fleet, reader) if layers else {}
    wanted = set(only) if only is not None else None
    if wanted is not None:
        for name in wanted:
            fleet.tenant(name)
    trees = [_assemble(fleet, tenant, layer_documents, reader, layers) for tenant in fleet.tenants]
    _duplicate_ids(fleet, trees)
    if wanted is not None:
        trees = [tree for tree in trees if tree.name in wanted]
    return FleetTrees(fleet, tuple(trees), layer_documents, tuple(reader.problems))


def tenant_policies(fleet: Fleet, *, layers: bool = True) -> dict[str, Policy]:
    """Every fleet tenant's assembled `Policy`, by tenant name, in fleet order (the API the
    two-sided rules use). Raises `B2BLintError` as `read_fleet` does (strict)."""
    trees = read_fleet(fleet, layers=layers, strict=True)
    return {tree.name: tree.policy for tree in trees.tenants}


def fleet_tenant_identity(root: str | Path, name: str) -> tuple[str, str]:
    """(tenant ID, cloud) of fleet tenant ``name`` (``export --tenant``); exit 2 without an ID."""
    from b2blint.fleet.fleetfile import load_fleet

    fleet = load_fleet(root)
    fleet.tenant(name)
    tree = read_fleet(fleet, only=[name], strict=True).tenant(name)
    if tree.policy.tenant_id is None:
        raise fleet.error(
            ("tenants", tree.tenant.slot, "name"), f"tenant '{name}' has no tenant.id"
        )
    return tree.policy.tenant_id, tree.policy.tenant_cloud
