"""``b2blint export``: the live tenant -> a lint-ready policy tree.

Reads the tenant with the same constant number of requests as `plan`, converts it with the
same mapping as `import` (`b2blint.graph.mapping.build_policy`) and writes the same layout with
the same writer (`b2blint.files.yamlio`): ``DIR/tenant.yaml`` and one
``DIR/partners/<slug>.yaml`` per partner. So ``export`` followed by ``plan`` shows no changes.
Everything is read and rendered before the first file is written; each file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

import click

from b2blint.commands._graph import graph_options, open_session, reading_progress
from b2blint.commands._options import common_options, detail, note
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.treewriter import check_out_dir, render_tree, write_tree
from b2blint.identifiers import is_guid
from b2blint.policy.sections import RESOURCE_KEYS

SECTIONS = RESOURCE_KEYS
#: The cloud names of the policy format (usgov-dod is a usgov tenant reached through DoD Graph).
FORMAT_CLOUD = {"usgov-dod": "usgov"}


@click.command("export")
@click.option("--tenant-id", required=True, help="The id (GUID) of the tenant to read.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="New or empty directory to write the policy tree into.",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(SECTIONS),
    help="Export only these sections (repeatable; default: all). Each needs its read permission.",
)
@graph_options
@common_options
def export_command(
    *,
    tenant_id: str,
    out_dir: Path,
    sections: tuple[str, ...],
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
) -> int:
    """Read the live tenant and write it as policy YAML under --out."""
    from b2blint.graph.kinds import POLICY_KEY, ResourceKind
    from b2blint.graph.mapping import GraphMappingError, build_policy, without_unset
    from b2blint.tenant.auth import with_skip_hint
    from b2blint.tenant.client import GraphError
    from b2blint.tenant.live import read_live

    if not is_guid(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID", exit_code=EXIT_FAILED)
    check_out_dir(out_dir, "export", EXIT_FAILED)
    wanted = set(sections or SECTIONS)
    by_key = {key: kind for kind, key in POLICY_KEY.items()}
    kinds = {ResourceKind.PARTNER} if "partners" in wanted else set()
    kinds |= {by_key[name] for name in wanted if name in by_key}
    cloud_name = cloud or "global"
    session = open_session(tenant_id, cloud_name, graph_url, auth)
    try:
        with reading_progress(session.client):
            live = read_live(session.client, kinds)
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
    outputs = render_tree(
        policy,
        tenant_id=tenant_id,
        cloud=FORMAT_CLOUD.get(cloud_name, cloud_name),
        origin=["Tenant-wide settings, exported by `b2blint export` from the live tenant."],
        verb="exported",
        b2b_policy=imported.unmanaged.get("b2bManagementPolicy"),
    )
    write_tree(out_dir, outputs, EXIT_FAILED)
    for output in outputs:
        note(f"wrote {out_dir / output.relative}: {output.what}")
    if imported.dropped:
        detail(f"left out read-only fields: {', '.join(imported.dropped)}")
    note(
        f"exported tenant {tenant_id} ({len(outputs) - 1} partner file"
        f"{'s' if len(outputs) != 2 else ''}) in {live.requests} requests; "
        f"next: b2blint plan {out_dir}"
    )
    return 0
