"""``b2blint lint``: validate policy files and report findings."""

from __future__ import annotations

import click

from b2blint.errors import EXIT_USAGE, B2BLintError
from b2blint.report import REPORTERS


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _resolve_rules(keys: list[str], option: str) -> frozenset[str]:
    from b2blint.rules import find_rule

    ids: set[str] = set()
    for key in keys:
        rule = find_rule(key)
        if rule is None:
            raise B2BLintError(f"{option}: unknown rule '{key}' (see 'b2blint rules')", EXIT_USAGE)
        ids.add(rule.id)
    return frozenset(ids)


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--select", multiple=True, help="Only these rules (IDs or names, comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (IDs or names, comma-separated).")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--api-version",
    type=click.Choice(["v1.0", "beta"]),
    default="v1.0",
    show_default=True,
    help="The Graph API version the policies target (beta allows beta-only properties).",
)
def lint_command(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    api_version: str,
) -> int:
    """Lint policy files (default: policies/).

    Exit codes: 0 clean, 1 findings at error severity (or warnings with --strict),
    2 bad usage or unreadable input.
    """
    from b2blint.config import Config
    from b2blint.engine import lint_paths
    from b2blint.report import get_reporter
    from b2blint.rules import ALL_RULES

    selected = _resolve_rules(_split(select), "--select") if select else None
    config = Config(
        select=selected,
        ignore=_resolve_rules(_split(ignore), "--ignore"),
        api_version=api_version,
    )
    result = lint_paths(list(paths) or ["policies"], config)
    click.echo(get_reporter(output_format)(result, ALL_RULES), nl=False)
    return result.exit_code(strict)
