"""``b2blint lint``: validate policy files and report findings.

The options are declared here, once; what the command does is `run_lint`
(``commands/_lintrun.py``), which also runs the common command lines without click.
"""

from __future__ import annotations

import click

from b2blint.commands._lintrun import API_VERSION_CHOICES, FORMAT_CHOICES, run_lint
from b2blint.commands._options import common_options, config_option, output_option, tenant_option


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_CHOICES),
    default="text",
    show_default=True,
    help="Output format (auto: github under GitHub Actions, else text).",
)
@output_option
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
    type=click.Choice(API_VERSION_CHOICES),
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
    return run_lint(
        paths=paths,
        output_format=output_format,
        select=select,
        ignore=ignore,
        strict=strict,
        api_version=api_version,
        output=output,
        tree=tree,
        config_file=config_file,
        fix=fix,
        diff=diff,
        force=force,
        stdin_filename=stdin_filename,
        profiles=profiles,
    )
