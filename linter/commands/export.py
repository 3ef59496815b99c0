"""``b2blint export``: the live tenant -> a lint-ready policy tree.

Reads the tenant with the same constant number of requests as `plan`, converts it with the
same mapping as `import` (`b2blint.graph.mapping.build_policy`) and writes the same layout with
the same writer (`b2blint.yamlio`): ``DIR/tenant.yaml`` and one ``DIR/partners/<slug>.yaml`` per
partner. So ``export`` followed by ``plan`` shows no changes. Everything is read and rendered
before the first file is written; each file is written atomically.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from b2blint.commands._graph import EXIT_ERROR, graph_options, open_session
from b2blint.commands._options import common_options, detail, note
from b2blint.errors import B2BLintError

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SECTIONS = (
    "crossTenantAccessPolicy",
    "default",
    "partners",
    "authorizationPolicy",
    "invitationDomains",
    "emailOtp",
    "externalIdentitiesPolicy",
)
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
    from b2blint.graph.live import read_live
    from b2blint.graph.mapping import build_policy, without_unset
    from b2blint.graph.model import POLICY_KEY, Kind

    if not GUID.fullmatch(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID", exit_code=EXIT_ERROR)
    _check_out_dir(out_dir)
    wanted = set(sections or SECTIONS)
    by_key = {key: kind for kind, key in POLICY_KEY.items()}
    kinds = {Kind.PARTNER} if "partners" in wanted else set()
    kinds |= {by_key[name] for name in wanted if name in by_key}
    cloud_name = cloud or "global"
    session = open_session(tenant_id, cloud_name, graph_url, auth)
    try:
        live = read_live(session.client, kinds)
    finally:
        session.close()
    imported = build_policy(live.recognized())
    policy = without_unset(imported.policy)
    outputs = _render(
        policy, tenant_id, FORMAT_CLOUD.get(cloud_name, cloud_name), imported.unmanaged
    )
    _write(out_dir, outputs)
    for relative, what in ((o[0], o[2]) for o in outputs):
        note(f"wrote {out_dir / relative}: {what}")
    if imported.dropped:
        detail(f"left out read-only fields: {', '.join(imported.dropped)}")
    note(
        f"exported tenant {tenant_id} ({len(outputs) - 1} partner file"
        f"{'s' if len(outputs) != 2 else ''}) in {live.requests} requests; "
        f"next: b2blint plan {out_dir}"
    )
    return 0


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise B2BLintError(f"--out {out_dir}: exists and is not a directory", exit_code=EXIT_ERROR)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise B2BLintError(
            f"--out {out_dir}: directory is not empty; export writes a new tree",
            exit_code=EXIT_ERROR,
        )


def _render(
    policy: dict[str, Any], tenant_id: str, cloud: str, unmanaged: dict[str, Any]
) -> list[tuple[Path, str, str]]:
    """(relative path, text, what) for tenant.yaml and each partner file."""
    from b2blint.graph.mapping import compact_json
    from b2blint.graph.model import B2B_POLICIES, PARTNERS, POLICY_KEY, SINGLETON_PATH
    from b2blint.yamlio import dump_yaml

    comments = {
        POLICY_KEY[kind]: f"{'beta ' if version == 'beta' else ''}PATCH {path}"
        for kind, (path, version) in SINGLETON_PATH.items()
    }
    comments["invitationDomains"] = f"beta {B2B_POLICIES}: the definition's domain list"
    tenant: dict[str, Any] = {"b2blint": 1, "tenant": {"id": tenant_id, "cloud": cloud}}
    managed = [key for key in policy if key != "partners"]
    tenant.update((key, policy[key]) for key in managed)
    footer: list[str] = []
    b2b = unmanaged.get("b2bManagementPolicy")
    if b2b is not None:
        footer = [
            "",
            "The live b2bManagementPolicy. b2blint manages only its domain list",
            "(invitationDomains above, if it has one); apply keeps the rest of the live policy.",
            compact_json(b2b),
        ]
    header = [
        "Tenant-wide settings, exported by `b2blint export` from the live tenant.",
        "Inside each section the property names are Graph's own (docs/format.md).",
    ]
    text = dump_yaml(tenant, header=header, key_comments=comments, footer=footer)
    outputs = [(Path("tenant.yaml"), text, ", ".join(managed) or "tenant metadata only")]
    used: set[str] = set()
    for entry in policy.get("partners", ()):
        slug = _slug(entry, used)
        used.add(slug)
        partner_id = entry["tenantId"]
        partner_header = [
            f"Partner {entry.get('name', partner_id)}, exported by `b2blint export`.",
            f"Graph: {PARTNERS}/{partner_id}",
            "Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or",
            "china) if it is not in the global cloud, and `domains:` for the invitation rules.",
        ]
        what = f"partner {partner_id}" + (f" ({entry['name']})" if "name" in entry else "")
        body = dump_yaml({"b2blint": 1, "partners": [entry]}, header=partner_header)
        outputs.append((Path("partners") / f"{slug}.yaml", body, what))
    return outputs


def _slug(entry: dict[str, Any], used: set[str]) -> str:
    tenant_id = str(entry["tenantId"]).lower()
    name = entry.get("name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") if isinstance(name, str) else ""
    slug = slug or tenant_id
    if slug in used:
        slug = f"{slug}-{tenant_id[:8]}"
    return tenant_id if slug in used else slug


def _write(out_dir: Path, outputs: list[tuple[Path, str, str]]) -> None:
    from b2blint.fsutil import atomic_write_text

    written: list[Path] = []
    try:
        for relative, text, _what in outputs:
            target = out_dir / relative
            atomic_write_text(target, text)
            written.append(target)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise B2BLintError(
            f"{error.filename or out_dir}: cannot write: {error.strerror}", exit_code=EXIT_ERROR
        ) from None
