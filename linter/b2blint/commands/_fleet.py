"""What the commands share about fleets: is this a fleet root, and lint one (``lint``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from b2blint.commands._options import fleet_tenant
from b2blint.fleet.fleetfile import FLEET_FILE, find_fleet_file
from b2blint.lint.config import Config

if TYPE_CHECKING:
    from b2blint.fleet.fleetfile import Fleet
    from b2blint.lint.engine import LintResult


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


#: Formats whose controls are one tenant's (`b2blint.commands._controls.render`).
_ONE_TENANT = frozenset({"junit"})


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
    shape = resolve_format(output_format)
    if name is None and (shape == "html" or (config.profiles and shape in _ONE_TENANT)):
        # The HTML report (its header, access matrix and size gauge) and the controls in JSON
        # and JUnit are one tenant's: on the fleet root they would name the first only. SARIF,
        # github and CSV carry findings (with their control IDs) and no verdicts: they go on.
        from b2blint.errors import B2BLintError

        what = f"--format {shape}" + (" with --profile" if shape != "html" else "")
        tenants = ", ".join(tenant.name for tenant in fleet.tenants)
        raise B2BLintError(
            f"{what} on a fleet reports one tenant at a time: add --tenant NAME ({tenants})"
        )
    result = lint_fleet(fleet, config) if name is None else lint_one(fleet, name, config)
    if config.profiles and name is None and shape in ("text", "json"):
        return _fleet_controls(fleet, result, config, shape, output=output, strict=strict)
    if config.profiles and name is None:  # findings only, as these formats carry them
        from b2blint.commands._controls import exit_code
        from b2blint.lint.profiles import control_results

        write_report(result, ALL_RULES, output_format, output, config=config)
        failed = [control_results(lint_one(fleet, t.name, config), config.profiles, config)
                  for t in fleet.tenants]  # fmt: skip
        return max([result.exit_code(strict), *(exit_code(result, c, strict) for c in failed)])
    if config.profiles:  # as for one tree: the findings, then each control's verdict
        from b2blint.commands._controls import exit_code, write_with_controls
        from b2blint.lint.profiles import control_results

        controls = control_results(result, config.profiles, config)
        write_with_controls(result, ALL_RULES, output_format, output, controls, config=config)
        return exit_code(result, controls, strict)
    write_report(result, ALL_RULES, output_format, output, config=config)
    return result.exit_code(strict)


def _fleet_controls(
    fleet: Fleet,
    result: LintResult,
    config: Config,
    shape: str,
    *,
    output: str | None,
    strict: bool,
) -> int:
    """Text and JSON: the fleet's findings, then each tenant's control verdicts (a control
    passes or fails per tenant: its merged policy, judged as ``lint --tenant NAME --profile``
    does). JSON puts them under ``controlsByTenant`` (one tree's report has ``controls``)."""
    import json

    from b2blint.commands._controls import exit_code, render
    from b2blint.commands._options import echo, note, use_color
    from b2blint.fleet.lint import lint_one
    from b2blint.lint.profiles import control_results
    from b2blint.printable import json_document
    from b2blint.report.controls import render_text, to_json
    from b2blint.rules import ALL_RULES

    color = output is None and shape == "text" and use_color(sys.stdout)
    report = render(result, ALL_RULES, shape, (), color=color, config=config)
    code = result.exit_code(strict)
    verdicts = {}
    for tenant in fleet.tenants:
        controls = control_results(lint_one(fleet, tenant.name, config), config.profiles, config)
        verdicts[tenant.name] = controls
        code = max(code, exit_code(result, controls, strict))
    if shape == "json":
        payload = json.loads(report)
        payload.pop("controls", None)
        payload["controlsByTenant"] = {name: to_json(c) for name, c in verdicts.items()}
        text = json_document(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
    else:
        blocks = (f"\nTenant {name}:\n{render_text(c)}" for name, c in verdicts.items())
        text = report + "".join(blocks)
    if output is None:
        echo(text, nl=False)
        return code
    from b2blint.errors import B2BLintError
    from b2blint.files.fsutil import atomic_write_text, check_output_target

    check_output_target(output)
    try:
        atomic_write_text(Path(output), text)
    except OSError as error:
        raise B2BLintError(f"{output}: cannot write: {error.strerror or error}") from None
    note(f"wrote the {shape} report to {output}")
    return code
