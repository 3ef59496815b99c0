"""``b2blint fleet``: render a fleet's tenants, and the CI matrix of a change (docs/fleets.md)."""

from __future__ import annotations

from pathlib import Path

import click

from b2blint.commands._options import common_options, fleet_root_option, note


@click.group("fleet")
def fleet_command() -> None:
    """Work with a fleet: many tenants in one repository (fleet.yaml; docs/fleets.md)."""


@fleet_command.command("render")
@click.argument("tenant", required=False)
@fleet_root_option()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write DIR/<tenant>.yaml for each tenant instead of printing.",
)
@click.option("--no-layers", is_flag=True, help="Render each tenant's own files only.")
@common_options
def render_command(tenant: str | None, root: str, out_dir: Path | None, no_layers: bool) -> int:
    """Print (or write) each tenant's effective policy, every value commented with the
    file:line it came from. Exit 2 on a bad fleet; nothing is written then."""
    from b2blint.fleet.assemble import read_fleet
    from b2blint.fleet.fleetfile import load_fleet
    from b2blint.fleet.render import render_all, write_rendered
    from b2blint.printable import printable

    fleet = load_fleet(root)
    trees = read_fleet(fleet, only=[tenant] if tenant else None, layers=not no_layers, strict=True)
    texts = render_all(trees.tenants)
    if out_dir is None:
        click.echo(printable("---\n".join(texts.values()), keep_newlines=True), nl=False)
        return 0
    written = write_rendered(texts, out_dir)
    note(f"wrote {len(written)} file{'s' if len(written) != 1 else ''} under {out_dir}")
    return 0


@fleet_command.command("matrix")
@fleet_root_option()
@click.option(
    "--changed-since",
    "revision",
    metavar="REV",
    help="Only the tenants that the changes since this git revision touch (default: all).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["github", "azure", "json"]),
    default="github",
    show_default=True,
    help="github: strategy.matrix for GitHub Actions; azure: for Azure Pipelines; json: all.",
)
@click.option(
    "--max-jobs",
    type=click.IntRange(1, 256),
    help="Jobs per matrix before tenants are sharded (default: fleet.yaml matrix.maxJobs, 256).",
)
@common_options
def matrix_command(
    root: str, revision: str | None, output_format: str, max_jobs: int | None
) -> int:
    """Print the tenants a change touches as a CI job matrix (one line of JSON)."""
    from b2blint.fleet.fleetfile import load_fleet
    from b2blint.fleet.matrix import matrix_report, render, touched

    fleet = load_fleet(root)
    report = matrix_report(fleet, touched(fleet, revision), max_jobs)
    click.echo(render(report, output_format))
    note(
        f"{report['count']} of {report['fleetSize']} tenants touched in {report['jobs']} "
        f"job{'s' if report['jobs'] != 1 else ''}"
        + ("; extra approval required" if report["approvalRequired"] else "")
    )
    return 0
