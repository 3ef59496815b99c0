"""``b2blint lint``: validate policy files and report findings."""

from __future__ import annotations

import click

from b2blint.commands._options import common_options, config_option, tenant_option
from b2blint.errors import B2BLintError
from b2blint.files.discovery import STDIN
from b2blint.report import REPORTERS


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice([*sorted(REPORTERS), "auto"]),
    default="text",
    show_default=True,
    help="Output format (auto: github under GitHub Actions, else text).",
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    help="Write the report to this file (atomically) instead of stdout.",
)
@click.option(
    "--tree",
    type=click.Path(),
    help="Lint this whole policy tree, but report only findings involving PATHS (pre-commit).",
)
@click.option(
    "--stdin-filename",
    help="Lint the buffer read from stdin (PATH '-') as this file: findings are reported at "
    "it, the tree (--tree, or policies/ when the file is in it) is the context, with the "
    "buffer in place of the file on disk. Nothing is written (docs/editors.md).",
)
@click.option(
    "--select",
    multiple=True,
    help="Only these rules (IDs, names or ID prefixes such as XTA; comma-separated).",
)
@click.option("--ignore", multiple=True, help="Skip these rules (IDs, names or ID prefixes).")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="Also check the controls of this baseline profile (repeatable; cisa-scuba, cis-m365, "
    "cis-azure, eidsca, zta; docs/profiles.md).",
)
@config_option
@click.option(
    "--fix", is_flag=True, help="Apply the fixes of fixable findings, then report the rest."
)
@click.option(
    "--force",
    is_flag=True,
    help="With --fix: also fix read-only files (keeping their mode) and hard-linked files "
    "(the fixed name gets its own copy).",
)
@click.option(
    "--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing (exit 1 if any)."
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--api-version",
    type=click.Choice(["v1.0", "beta"]),
    default=None,
    help="The Graph API version the policies target (default v1.0, or the config's api-version).",
)
@tenant_option
@common_options
def lint_command(
    *,
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    api_version: str | None,
    output: str | None = None,
    tree: str | None = None,
    config_file: str | None = None,
    fix: bool = False,
    diff: bool = False,
    force: bool = False,
    stdin_filename: str | None = None,
    profiles: tuple[str, ...] = (),
) -> int:
    """Lint policy files (default: policies/); '-' reads one file from stdin (editors).

    Exit codes: 0 clean, 1 findings at error severity (or warnings with --strict),
    2 bad usage or unreadable input.
    """
    from b2blint.lint.config import load_config
    from b2blint.lint.engine import lint_paths
    from b2blint.lint.tree import tree_paths
    from b2blint.rules import ALL_RULES

    config = load_config(config_file).with_command_line(
        _split(select) if select else None, _split(ignore), api_version, _split(profiles)
    )
    if stdin_filename is not None or STDIN in paths:
        from b2blint.commands._stdin import check_usage, lint_stdin

        check_usage(paths, force)
        return lint_stdin(
            name=stdin_filename,
            tree=tree,
            config=config,
            output_format=output_format,
            output=output,
            fix=fix,
            diff=diff,
            strict=strict,
        )
    from b2blint.commands._fleet import fleet_file_of

    fleet_file = fleet_file_of(paths)
    if fleet_file is not None:
        from b2blint.commands._fleet import lint_fleet_root

        if fix or diff or tree:
            raise B2BLintError("--fix, --diff and --tree are not available on a fleet")
        return lint_fleet_root(fleet_file, config, output_format, output, strict)
    targets = [tree, *paths] if tree else tree_paths(paths)
    result = lint_paths(targets, config)
    if fix or diff:
        from b2blint.commands._fix import run_fixes

        changed = run_fixes(
            result, config, write=not diff, only=paths if tree else None, force=force
        )
        if diff:
            return 1 if changed else 0
        result = lint_paths(targets, config)  # report what remains, as written to disk
    if tree and paths:
        from b2blint.lint.changed import only_involving

        result = only_involving(result, paths)
    if config.profiles:  # the findings, then each control's verdict
        from b2blint.commands._controls import exit_code, write_with_controls
        from b2blint.lint.profiles import control_results

        controls = control_results(result, config.profiles, config)
        write_with_controls(result, ALL_RULES, output_format, output, controls, config=config)
        return exit_code(result, controls, strict)
    from b2blint.commands._emit import write_report

    write_report(result, ALL_RULES, output_format, output, config=config)
    return result.exit_code(strict)
