"""``b2blint export``: the live tenant -> a lint-ready policy tree.

Reads the tenant with the same constant number of requests as `plan`, converts it with the
same mapping as `import` (`b2blint.graph.mapping.build_policy`) and writes the same layout with
the same writer (`b2blint.files.yamlio`): ``DIR/tenant.yaml`` and one
``DIR/partners/<slug>.yaml`` per partner. So ``export`` followed by ``plan`` shows no changes.

Partners are named: one ``findTenantInformationByTenantId`` per partner [S70] gives its display
name and default domain, so files are named by organisation and policy tests that name partners
work on an export. That is N more requests, sent `NAME_CONCURRENCY` at a time; it needs
``CrossTenantInformation.ReadBasic.All`` (without it export warns and writes unnamed partners),
exists only in the global cloud, and is skipped with ``--no-resolve-names``.
Everything is read and rendered before the first file is written; each file is written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from b2blint.commands._graph import graph_options, open_session, reading_progress
from b2blint.commands._options import common_options, detail, fleet_root_option, note
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.conditionalaccess import CONTEXT_SECTION
from b2blint.graph.treewriter import check_out_dir, render_context, render_tree, write_tree
from b2blint.identifiers import is_guid
from b2blint.policy.sections import DEFAULT_EXPORT_KEYS, RESOURCE_KEYS
from b2blint.tenant.clouds import format_cloud

if TYPE_CHECKING:
    from b2blint.tenant.live import TenantLookup

#: The managed sections, then the read-only Conditional Access context (exported only when
#: named: it needs no write permission but is not part of what plan and apply manage).
SECTIONS = (*RESOURCE_KEYS, CONTEXT_SECTION)
#: Name lookups in flight at once (measured in bench/bench_graph.py: see docs/graph.md).
NAME_CONCURRENCY = 8


@click.command("export")
@click.option("--tenant-id", help="The id (GUID) of the tenant to read.")
@click.option(
    "--tenant",
    "fleet_tenant",
    metavar="NAME",
    help="Fleet tenant to read: its tenant ID (and cloud) come from the fleet at --fleet.",
)
@fleet_root_option(
    "--fleet",
    "fleet_root",
    help="With --tenant: the fleet root (the directory holding fleet.yaml).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="New or empty directory to write the policy tree into (with --merge: an existing tree).",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(SECTIONS),
    help="Export only these sections (repeatable; default: all but the multitenant-organization "
    "ones, which are read only when named). "
    f"{CONTEXT_SECTION} writes the Conditional Access policies to context/ (read-only "
    "context, only when named). Each needs its read permission.",
)
@click.option(
    "--no-resolve-names",
    "no_resolve_names",
    is_flag=True,
    help="Do not look up partner names and domains (one request per partner; needs "
    "CrossTenantInformation.ReadBasic.All): files are named by tenant ID.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Update the existing tree in --out: only Graph values change (comments, suppressions, "
    "names and layout are kept); new partners get new files; partners gone are reported.",
)
@graph_options
@common_options
def export_command(
    *,
    tenant_id: str | None,
    fleet_tenant: str | None,
    fleet_root: str,
    out_dir: Path,
    sections: tuple[str, ...],
    no_resolve_names: bool,
    merge: bool,
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
) -> int:
    """Read the live tenant and write it as policy YAML under --out."""
    from b2blint.graph.kinds import POLICY_KEY, ResourceKind
    from b2blint.graph.mapping import GraphMappingError, build_policy, without_unset
    from b2blint.tenant.auth import with_skip_hint
    from b2blint.tenant.client import GraphError
    from b2blint.tenant.live import read_live, resolve_tenants

    if fleet_tenant is not None:
        from b2blint.fleet.assemble import fleet_tenant_identity

        if tenant_id is not None:
            raise B2BLintError("give --tenant NAME or --tenant-id GUID, not both")
        tenant_id, fleet_cloud = fleet_tenant_identity(fleet_root, fleet_tenant)
        cloud = cloud or (fleet_cloud if fleet_cloud != "global" else None)
    if tenant_id is None:
        raise B2BLintError("give --tenant-id GUID (or --tenant NAME in a fleet)")
    if not is_guid(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID", exit_code=EXIT_FAILED)
    tree = None
    if merge:
        from b2blint.tenant.exportmerge import load_tree

        tree = load_tree(out_dir, tenant_id)
    else:
        check_out_dir(out_dir, "export", EXIT_FAILED)
    wanted = set(sections or DEFAULT_EXPORT_KEYS)
    by_key = {key: kind for kind, key in POLICY_KEY.items()}
    kinds = {ResourceKind.PARTNER} if "partners" in wanted else set()
    kinds |= {by_key[name] for name in wanted if name in by_key}
    cloud_name = cloud or "global"
    session = open_session(tenant_id, cloud_name, graph_url, auth)
    lookup: TenantLookup | None = None
    resolve = not no_resolve_names and cloud_name == "global"
    try:
        with reading_progress(session.client):
            live = read_live(session.client, kinds)
            context = None
            context_requests = 0
            if CONTEXT_SECTION in wanted:  # read-only context: one list read, never a write
                from b2blint.tenant.context import read_live_policies

                before = session.client.requests_sent
                context = read_live_policies(session.client)
                context_requests = session.client.requests_sent - before
            # A merge keeps the names the tree has: look up only partners new to it.
            known = {p.tenant_id.lower() for p in tree.policy.partners} if tree else set()
            unnamed = [i for i in live.partner_ids if i.lower() not in known]
            if resolve and unnamed:
                lookup = resolve_tenants(session.client, unnamed, concurrency=NAME_CONCURRENCY)
    except GraphError as error:  # a 403 on one section says how to export the others
        raise with_skip_hint(error, "export", [s for s in SECTIONS if s in wanted]) from None
    finally:
        session.close()
    try:
        imported = build_policy(live.recognized())
    except GraphMappingError as error:  # hostile or broken data from the server: write nothing
        raise B2BLintError(
            f"the live tenant cannot be exported: {error.message}; nothing written",
            exit_code=EXIT_FAILED,
        ) from None
    policy = without_unset(imported.policy)
    if lookup is not None:
        policy["partners"] = [with_names(entry, lookup) for entry in policy.get("partners", ())]
        for warning in lookup.warnings:
            note(f"warning: {warning}")
    elif not no_resolve_names and live.partner_ids and cloud_name != "global":
        note(
            "partner names not resolved: findTenantInformationByTenantId exists only in the "
            f"global cloud, not in {cloud_name}"
        )
    requests = live.requests + (lookup.requests if lookup else 0) + context_requests
    context_origin = ["Exported by `b2blint export` from the live tenant."]
    if tree is not None and context is not None:
        from b2blint.tenant.contextmerge import merge_context

        for line in merge_context(
            tree,
            out_dir,
            context,
            lambda policies: render_context(policies, verb="exported", origin=context_origin),
        ):
            note(line)
        if not kinds:
            note(f"merged tenant {tenant_id} into {out_dir} in {requests} requests")
            return 0
    if tree is not None:
        from b2blint.tenant.exportmerge import merge_into

        read = [name for name in wanted if name in by_key]
        for line in merge_into(
            tree,
            out_dir,
            policy,
            read,
            partners_read="partners" in wanted,
            render=lambda partners, taken: render_tree(
                {"partners": partners},
                tenant_id=tenant_id,
                cloud=format_cloud(cloud_name),
                origin=[],
                verb="exported",
                taken=taken,
                response_only=imported.response_only,
            )[1:],
        ):
            note(line)
        note(f"merged tenant {tenant_id} into {out_dir} in {requests} requests")
        return 0
    outputs = render_tree(
        policy,
        tenant_id=tenant_id,
        cloud=format_cloud(cloud_name),
        origin=["Tenant-wide settings, exported by `b2blint export` from the live tenant."],
        verb="exported",
        b2b_policy=imported.unmanaged.get("b2bManagementPolicy"),
        response_only=imported.response_only,
    )
    if context is not None:
        outputs.append(render_context(context, verb="exported", origin=context_origin))
    write_tree(out_dir, outputs, EXIT_FAILED)
    for output in outputs:
        note(f"wrote {out_dir / output.relative}: {output.what}")
    if imported.dropped:
        detail(f"left out read-only fields: {', '.join(imported.dropped)}")
    partner_files = sum(1 for output in outputs if output.relative.parts[0] == "partners")
    with_context = " and the Conditional Access context" if context is not None else ""
    note(
        f"exported tenant {tenant_id} ({partner_files} partner file"
        f"{'s' if partner_files != 1 else ''}{with_context}) in {requests} requests; "
        f"next: b2blint plan {out_dir}"
    )
    return 0


def with_names(entry: dict[str, Any], lookup: TenantLookup) -> dict[str, Any]:
    """``entry`` with ``name`` and ``domains`` from the lookup, right after ``tenantId``.

    A name the partner object already had (beta ``displayName``) is kept.
    """
    info = lookup.found.get(str(entry["tenantId"]).lower())
    if info is None:
        return entry
    named: dict[str, Any] = {"tenantId": entry["tenantId"]}
    if "name" in entry or info.name is not None:
        named["name"] = entry.get("name", info.name)
    if info.domain is not None:
        named["domains"] = [info.domain]
    named.update((key, value) for key, value in entry.items() if key not in named)
    return named
