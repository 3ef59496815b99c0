"""``b2blint audit``: check a live tenant against the rules and baseline profiles, no repository.

Thin: options, session and output here; the use case is `b2blint.tenant.audit.audit_tenant`
(read-only: GET requests only). Same credentials and permissions as ``export``.
"""

from __future__ import annotations

from pathlib import Path

import click

from b2blint.commands._graph import graph_options, open_session, reading_progress
from b2blint.commands._lintrun import FORMAT_CHOICES, split_values
from b2blint.commands._options import common_options, config_option, note, output_option
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.identifiers import is_guid


@click.command("audit")
@click.option("--tenant-id", required=True, help="The id (GUID) of the tenant to read.")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="Judge the controls of this baseline profile (repeatable; cisa-scuba, cis-m365, "
    "cis-azure, eidsca, zta; docs/profiles.md).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_CHOICES),
    default="text",
    show_default=True,
    help="Output format of the report (auto: github under GitHub Actions, else text).",
)
@output_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write the tenant as a policy tree into this new or empty directory (as export "
    "does); findings then point into it. Without it nothing is written.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings and unchecked controls.")
@config_option
@graph_options
@common_options
def audit_command(
    *,
    tenant_id: str,
    profiles: tuple[str, ...],
    output_format: str,
    output: str | None,
    out_dir: Path | None,
    strict: bool,
    config_file: str | None = None,
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
) -> int:
    """Read the live tenant, lint it in memory with every rule and the chosen profiles, report.

    Exit codes: 0 clean, 1 findings at error severity (with --strict also warnings and
    controls that could not be checked) or a Graph error, 2 bad usage.
    """
    from b2blint.commands._controls import exit_code, write_with_controls
    from b2blint.graph.treewriter import check_out_dir, write_tree
    from b2blint.lint.config import load_config
    from b2blint.rules import ALL_RULES
    from b2blint.tenant.audit import audit_tenant

    config = load_config(config_file).with_command_line(profiles=split_values(profiles))
    if not is_guid(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID", exit_code=EXIT_FAILED)
    if out_dir is not None:
        check_out_dir(out_dir, "audit", EXIT_FAILED)
    cloud_name = cloud or "global"
    session = open_session(tenant_id, cloud_name, graph_url, auth)
    try:
        with reading_progress(session.client):
            audit = audit_tenant(
                session.client,
                tenant_id=tenant_id,
                cloud=cloud_name,
                config=config,
                profiles=config.profiles,
                out_dir=out_dir,
            )
    finally:
        session.close()
    for section, why in audit.unread.items():
        note(f"warning: {section} not read: {why}")
    if out_dir is not None:
        write_tree(out_dir, audit.files, EXIT_FAILED)
        note(f"wrote the tenant's policy tree to {out_dir} ({len(audit.files)} files)")
    extra = {
        "audit": {
            "tenantId": tenant_id,
            "cloud": cloud_name,
            "requests": audit.requests,
            "profiles": list(config.profiles),
            "notRead": dict(audit.unread),
        }
    }
    write_with_controls(
        audit.result, ALL_RULES, output_format, output, audit.controls, extra=extra, config=config
    )
    return exit_code(audit.result, audit.controls, strict)
