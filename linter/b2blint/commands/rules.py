"""``b2blint rules [ID|NAME]``: the rule catalog, or one rule's full documentation."""

from __future__ import annotations

import click

from b2blint.commands._options import common_options
from b2blint.errors import B2BLintError


def _table() -> str:
    from b2blint.rules import ALL_RULES

    header = ("ID", "NAME", "SEVERITY", "FIX", "SUMMARY")
    rows = [
        (rule.id, rule.name, rule.severity.value, "yes" if rule.fixable else "", rule.summary)
        for rule in ALL_RULES
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]) + "\n")
    return "".join(lines)


@click.command("rules")
@click.argument("rule", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="RULE's page as plain text for a terminal, or the Markdown of docs/rules/ID.md.",
)
@common_options
def rules_command(rule: str | None, output_format: str) -> int:
    """List every rule, or show RULE's documentation (ID or name) with examples."""
    if rule is None:
        click.echo(_table(), nl=False)
        return 0
    from b2blint.lint.ruledocs import render_page, render_terminal, shipped_examples
    from b2blint.rules import find_rule

    found = find_rule(rule)
    if found is None:
        raise B2BLintError(f"unknown rule '{rule}' (see 'b2blint rules')")
    render = render_page if output_format == "markdown" else render_terminal
    click.echo(render(found, shipped_examples().get(found.id)), nl=False)
    return 0
