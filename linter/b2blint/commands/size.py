"""``b2blint size``: how many bytes the cross-tenant access policy takes, against the limit.

The figure is the one XTA001 checks (`b2blint.graph.size`: the compact JSON of
``GET /beta/policies/crossTenantAccessPolicy`` with the default and all partners, as Entra's
troubleshooting guide measures it), so the command and the rule can never disagree. The limit
is XTA001's ``limit`` option (25,600 bytes by default).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from b2blint.commands._options import common_options, config_option, format_option, tenant_option
from b2blint.policy.model import Policy

TOP = 10


def _report(policy: Policy, limit: int) -> dict[str, Any]:
    from b2blint.rules.policy_size_limit import biggest_partners, measure

    size = measure(policy)
    partners = []
    for index, size_bytes in biggest_partners(policy, size, TOP):
        partner = policy.partners[index]
        location = partner.ref.location()
        partners.append(
            {
                "tenantId": partner.tenant_id,
                "name": partner.name,
                "bytes": size_bytes,
                "file": location.file,
                "line": location.position.line,
            }
        )
    return {
        "version": 1,
        "bytes": size.total,
        "limit": limit,
        "headroom": limit - size.total,
        "percent": round(100 * size.total / limit, 1),
        "partnerCount": len(policy.partners),
        "biggestPartners": partners,
    }


def render_text(report: dict[str, Any]) -> str:
    headroom = report["headroom"]
    lines = [
        f"size      {report['bytes']:>9,} bytes",
        f"limit     {report['limit']:>9,} bytes",
        f"headroom  {headroom:>9,} bytes" + ("  (over the limit)" if headroom < 0 else ""),
        f"used      {report['percent']:>9.1f} %",
    ]
    partners = report["biggestPartners"]
    if partners:
        lines += ["", f"biggest partners ({len(partners)} of {report['partnerCount']}):"]
        labels = [
            f"{p['name']} ({p['tenantId']})" if p["name"] else p["tenantId"] for p in partners
        ]
        width = max(map(len, labels))
        lines += [
            f"  {p['bytes']:>7,} bytes  {label.ljust(width)}  {p['file']}:{p['line']}"
            for p, label in zip(partners, labels, strict=True)
        ]
    return "\n".join(lines) + "\n"


@click.command("size")
@click.argument("paths", nargs=-1, type=click.Path())
@format_option("text", "json")
@config_option
@tenant_option
@common_options
def size_command(paths: Sequence[str], output_format: str, config_file: str | None) -> int:
    """Show the serialized policy size against Graph's limit (default path: policies/).

    Prints the bytes used, the limit (XTA001's `limit` option from the configuration), the
    headroom, the share used and the ten biggest partners. Exit codes: 0 shown (even over the
    limit: `b2blint lint` is the gate), 2 bad usage or unreadable input.
    """
    from b2blint.commands._tree import load_tree
    from b2blint.lint.config import load_config
    from b2blint.rules.policy_size_limit import RULE, option_limit

    config = load_config(config_file)
    policy = load_tree(paths, config, ignore=frozenset({RULE.id}))
    limit = option_limit(config.rule_options(RULE.id, RULE.options))
    report = _report(policy, limit)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        from b2blint.printable import printable  # names quote the YAML: no terminal escapes

        click.echo(printable(render_text(report), keep_newlines=True), nl=False)
    return 0
