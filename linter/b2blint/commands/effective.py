"""``b2blint effective``: the settings that really apply to one partner, and where each comes from.

Every cross-tenant setting of the partner is resolved with `b2blint.policy.effective` (the one
resolver the rules use): the partner's own value (``explicit``), else the default's
(``inherited from default``), else Microsoft's (``service default``); B2B settings are resolved
per half (``usersAndGroups``, ``applications``). Each line names the file:line the value comes
from. Works on a tree with lint errors (with a warning on stderr), since that is often when one
needs to see what a partner really gets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click

from b2blint.commands._options import common_options, config_option, format_option, tenant_option
from b2blint.policy.effective import Resolved, Source, effective_settings
from b2blint.policy.model import PARTNER_SETTINGS, Partner, Policy
from b2blint.policy.partners import find_partner

NOT_DOCUMENTED = "(not documented)"
#: Target keywords, shown without their targetType (graph-facts §2.7 [S8]).
KEYWORDS = frozenset({"AllUsers", "AllApplications", "Office365", "AllMicrosoftApps"})


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compact(value: Any) -> str:
    """One line: a target configuration as ``allowed: AllUsers``, anything else as flow YAML."""
    if isinstance(value, Mapping) and set(value) <= {"accessType", "targets"} and value:
        targets = value.get("targets")
        items = []
        for item in targets if isinstance(targets, list) else []:
            if isinstance(item, Mapping):
                target, kind = _scalar(item.get("target")), item.get("targetType")
                shown = target in KEYWORDS or kind is None
                items.append(target if shown else f"{target} ({_scalar(kind)})")
            else:
                items.append(compact(item))
        return f"{_scalar(value.get('accessType'))}: {', '.join(items) or '(no targets)'}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {compact(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(compact(item) for item in value) + "]"
    return _scalar(value)


def _where(resolved: Resolved) -> tuple[str, int] | None:
    if resolved.ref is None:
        return None
    location = resolved.ref.at_key().location()
    return location.file, location.position.line


def _row(name: str, resolved: Resolved, indent: str = "") -> list[str]:
    where = _where(resolved)
    unknown = resolved.value is None and resolved.ref is None
    value = NOT_DOCUMENTED if unknown else compact(resolved.value)
    return [indent + name, resolved.source.value, f"{where[0]}:{where[1]}" if where else "-", value]


def _entries(policy: Policy, partner: Partner) -> list[tuple[str, Resolved]]:
    """Every setting of the partner: Graph's order, then partner-only ones, then identity sync."""
    entries = list(effective_settings(policy, partner).items())
    for key, value in partner.settings.items():
        if key not in PARTNER_SETTINGS and value is not None:
            ref = partner.settings_ref.child(key)
            entries.append((key, Resolved(key, value, Source.EXPLICIT, ref)))
    sync = partner.identity_synchronization
    if sync is not None:
        name = "identitySynchronization"
        entries.append((name, Resolved(name, sync, Source.EXPLICIT, partner.ref.child(name))))
    return entries


def render_text(policy: Policy, partner: Partner) -> str:
    location = partner.ref.location()
    rows = [["setting", "source", "from", "value"]]
    for name, resolved in _entries(policy, partner):
        if resolved.parts:
            rows.append([name, "", "", ""])
            rows.extend(_row(part, sub, "  ") for part, sub in resolved.parts.items())
        else:
            rows.append(_row(name, resolved))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"partner {partner.label} at {location.file}:{location.position.line}"
        f" (cloud: {partner.cloud})",
        "",
    ]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    return "\n".join(lines) + "\n"


def _json_item(resolved: Resolved) -> dict[str, Any]:
    where = _where(resolved)
    item: dict[str, Any] = {
        "source": resolved.source.value,
        "value": resolved.value,
        "file": where[0] if where else None,
        "line": where[1] if where else None,
    }
    if resolved.parts:
        item["parts"] = {part: _json_item(sub) for part, sub in resolved.parts.items()}
    return item


def render_json(policy: Policy, partner: Partner) -> str:
    location = partner.ref.location()
    payload = {
        "version": 1,
        "partner": {
            "tenantId": partner.tenant_id,
            "name": partner.name,
            "cloud": partner.cloud,
            "file": location.file,
            "line": location.position.line,
        },
        "settings": {name: _json_item(resolved) for name, resolved in _entries(policy, partner)},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@click.command("effective")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--partner",
    "partner_key",
    required=True,
    metavar="ID|NAME",
    help="The partner: its tenant ID or its name (case-insensitive).",
)
@format_option("text", "json")
@config_option
@tenant_option
@common_options
def effective_command(
    paths: Sequence[str], partner_key: str, output_format: str, config_file: str | None
) -> int:
    """Show the settings that really apply to one partner (default path: policies/).

    Each setting is marked explicit, inherited from default or service default, with the
    file:line it comes from; B2B settings per half. Exit codes: 0 shown, 2 unknown partner
    or unreadable input.
    """
    from b2blint.commands._tree import load_tree
    from b2blint.lint.config import load_config

    policy = load_tree(paths, load_config(config_file))
    partner = find_partner(policy, partner_key.strip())
    if output_format == "json":
        click.echo(render_json(policy, partner), nl=False)
        return 0
    from b2blint.printable import printable  # names quote the YAML: no terminal escapes

    click.echo(printable(render_text(policy, partner), keep_newlines=True), nl=False)
    return 0
