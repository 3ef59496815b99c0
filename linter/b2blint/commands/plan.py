"""``b2blint plan``: live tenant vs YAML, as an ordered list of changes.

Exit codes: 0 success (with ``--detailed-exitcode``: no changes), 1 error, 2 changes present
(``--detailed-exitcode`` only; Terraform's convention). Without the flag a usage error (a bad
option or value, a missing path) exits 2 like every command's; with it, every error exits
1 (`b2blint.cli` maps them, since click may fail before this command runs), so 2 always means
"changes" to a CI script.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click

from b2blint.commands._graph import graph_options, lint_gate, open_session, reading_progress
from b2blint.commands._options import common_options, config_option, detail, note, tenant_option
from b2blint.errors import EXIT_CHANGES, EXIT_FAILED, B2BLintError
from b2blint.policy.sections import RESOURCE_KEYS


@click.command("plan")
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for terminals, json for programs, markdown for pull-request comments.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Save the plan (JSON, with hashes of the live state and the YAML) for `apply --plan`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on any error (usage too).",
)
@click.option(
    "--prune", is_flag=True, help="Plan to delete live partners that the YAML does not declare."
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(RESOURCE_KEYS),
    help="Plan only these sections of the YAML (repeatable; default: all). Each needs its "
    "read permission; partners are always read.",
)
@graph_options
@config_option
@tenant_option
@common_options
def plan_command(
    *,
    path: str | None,
    output_format: str,
    out_path: Path | None,
    detailed_exitcode: bool,
    prune: bool,
    sections: tuple[str, ...],
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
    config_file: str | None,
) -> int:
    """Compare the live tenant with the policy YAML at PATH (default: policies/)."""
    from b2blint.files.fsutil import atomic_write_text, check_output_target
    from b2blint.lint.tree import default_path
    from b2blint.printable import printable
    from b2blint.tenant.auth import with_skip_hint
    from b2blint.tenant.client import GraphError
    from b2blint.tenant.context import check_context, repository_context
    from b2blint.tenant.live import read_live
    from b2blint.tenant.plan import beta_kinds, build_plan, needed_kinds, plan_to_dict
    from b2blint.tenant.planaccess import access_section
    from b2blint.tenant.planformat import render

    if out_path is not None:
        check_output_target(out_path)  # before Graph is read: a bad --out fails at once
    source = path or default_path()
    gate = lint_gate([source], config_file)
    policy = gate.result.policy
    data = policy.to_data()
    if sections:
        data = only_sections(data, sections, prune=prune, saved=out_path is not None)
    tenant_id = gate.tenant_id
    session = open_session(tenant_id, cloud or policy.tenant_cloud, graph_url, auth)
    try:
        with reading_progress(session.client):
            live = read_live(session.client, needed_kinds(data), beta=beta_kinds(data))
        plan = build_plan(
            data, live, tenant_id=tenant_id, cloud=session.cloud, prune=prune, sources=[source]
        )
        context = repository_context(policy.documents)
        live_context = None
        if context is not None:  # read-only context: one more list read, never a write
            with reading_progress(session.client, "Reading Conditional Access policies"):
                check, live_context = check_context(session.client, context)
            plan = dataclasses.replace(plan, context=check)
    except GraphError as error:  # a 403 on one section says how to plan the others
        read = [key for key in RESOURCE_KEYS if key in data or key == "partners"]
        raise with_skip_hint(error, "plan", read) from None
    finally:
        session.close()
    tenant_name = policy.section_value("tenant").get("name")
    access = ""
    if output_format != "json":
        live_data = live.policy()
        if live_context is not None:  # the "before" of a context change (else: no change shown)
            live_data["conditionalAccessPolicies"] = live_context
        access = access_section(
            data, live_data, prune=prune, fmt=output_format, context=policy.context_data()
        )
    name = tenant_name if isinstance(tenant_name, str) else None
    shown = render(plan, output_format, name, access)
    if output_format != "json":  # live names come from Graph: no terminal escapes (F18/F20)
        shown = printable(shown, keep_newlines=True)
    click.echo(shown, nl=False)
    if out_path is not None:
        atomic_write_text(
            out_path, json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"
        )
        note(f"wrote the plan to {out_path}")
    detail(f"read the live tenant in {live.requests} request{'s' if live.requests != 1 else ''}")
    if plan.context is not None and (plan.context["stale"] if plan.context["checked"] else True):
        from b2blint.tenant.context import summary

        note(f"warning: {summary(plan.context)}")
    if detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return 0


def only_sections(
    data: dict[str, Any], sections: tuple[str, ...], *, prune: bool, saved: bool
) -> dict[str, Any]:
    """The policy data with only the ``--section`` sections (metadata such as tenant kept).

    A section left out is neither read nor changed, so a plan of part of the YAML can neither
    be saved for `apply` nor prune partners it does not plan.
    """
    if saved:
        raise B2BLintError(
            "--section plans only part of the YAML; a plan saved with --out must cover all of "
            "it (drop --section or --out)",
            exit_code=EXIT_FAILED,
        )
    if prune and "partners" not in sections:
        raise B2BLintError(
            "--prune deletes partners, but --section leaves partners out; add --section partners",
            exit_code=EXIT_FAILED,
        )
    return {k: v for k, v in data.items() if k not in RESOURCE_KEYS or k in sections}
