"""What the commands share about fleets: is this a fleet root, and lint one (``lint``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from b2blint.commands._options import fleet_tenant
from b2blint.fleet.fleetfile import FLEET_FILE, find_fleet_file
from b2blint.lint.config import Config


def fleet_file_of(paths: Sequence[str]) -> Path | None:
    """The fleet file a command's paths name: with ``--tenant``, one fleet root (default
    ``.``); without, a single path that is a fleet root, or no path in a directory that has
    ``fleet.yaml`` and no ``policies/``. None: a plain policy tree."""
    if fleet_tenant() is not None:
        from b2blint.fleet.lint import fleet_root

        return fleet_root(paths)
    if len(paths) == 1 and paths[0] != "-":
        return find_fleet_file(paths[0])
    if not paths and Path(FLEET_FILE).is_file() and not Path("policies").is_dir():
        return Path(FLEET_FILE)
    return None


def lint_fleet_root(
    fleet_file: Path, config: Config, output_format: str, output: str | None, strict: bool
) -> int:
    """``lint`` on a fleet: every tenant (or the ``--tenant``) and the pairs; report; exit."""
    from b2blint.commands._emit import resolve_format, write_report
    from b2blint.fleet.fleetfile import load_fleet
    from b2blint.fleet.lint import lint_fleet, lint_one
    from b2blint.rules import ALL_RULES

    fleet = load_fleet(fleet_file)
    name = fleet_tenant()
    if name is None and (config.profiles or resolve_format(output_format) == "html"):
        # A control's verdict, and the HTML report (its header, access matrix and size gauge),
        # are one tenant's: on the fleet root they would name the first tenant only.
        from b2blint.errors import B2BLintError

        what = "--profile" if config.profiles else "--format html"
        tenants = ", ".join(tenant.name for tenant in fleet.tenants)
        raise B2BLintError(
            f"{what} on a fleet checks one tenant at a time: add --tenant NAME ({tenants})"
        )
    result = lint_fleet(fleet, config) if name is None else lint_one(fleet, name, config)
    if config.profiles:  # as for one tree: the findings, then each control's verdict
        from b2blint.commands._controls import exit_code, write_with_controls
        from b2blint.lint.profiles import control_results

        controls = control_results(result, config.profiles, config)
        write_with_controls(result, ALL_RULES, output_format, output, controls, config=config)
        return exit_code(result, controls, strict)
    write_report(result, ALL_RULES, output_format, output, config=config)
    return result.exit_code(strict)
